"""Property-based run of every operation in /api/v1/openapi.json
(schemathesis): requests that fit the document and requests that do not,
sent as a process admin against the demo organisation with the real
diagrams deployed and one instance of each flow running. No response may be
a 5xx, carry an undocumented status or content type, or break the schema the
document gives for it.

schemathesis' pytest loader (``from_fixture``/``parametrize``) reads a
private pytest attribute that pytest 9 removed, so the operations are driven
here with plain hypothesis over each operation's strategy."""
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode, checks

from tests.support.samples import PROSPECT, TRIP

CHECKS = [checks.not_a_server_error, checks.status_code_conformance, checks.content_type_conformance,
          checks.response_schema_conformance]
EXAMPLES = 10  # per operation and mode: the whole run stays well under a minute


def _run(operation, mode, headers):
    @settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode))
    def property_holds(case):
        case.call_and_validate(headers=headers, checks=CHECKS)

    property_holds()


def test_no_server_errors_and_responses_match_the_schema(app, api):
    headers = api("process_admin").headers
    api("rep_east1").start("travel_request", TRIP, business_key="TR-1")
    api("rep_east2").start("dealer_onboarding", PROSPECT)
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 18
    failures = []
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                _run(operation, mode, headers)
            except (Exception, BaseExceptionGroup) as exc:  # every operation's failures, not only the first
                failures.append(f"{operation.method.upper()} {operation.path} ({mode}): {exc}")
    assert not failures, "\n\n".join(failures)
