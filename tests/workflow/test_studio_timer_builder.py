"""The studio's timer builder (app/web/assets/studio/timer_expression.js, run
in node): what it writes is the quoted ISO 8601 the engine wants and the
server's check accepts, and reading an expression back fills the builder with
what wrote it; expressions it cannot show (a variable) are kept as they are."""
import json
import shutil
import subprocess

import pytest

from app.services.deployment import REPO_ROOT
from app.workflow.expression_check import check_text

SCRIPT = REPO_ROOT / "tests" / "support" / "timer_builder_cases.mjs"
KIND = {"duration": "timer_duration", "cycle": "timer_cycle", "date": "timer_date"}


def _run(cases):
    node = shutil.which("node")
    assert node, "node is needed for the studio's JavaScript"
    done = subprocess.run([node, str(SCRIPT), json.dumps(cases)], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


SPECS = [
    ({"kind": "duration", "amount": 2, "unit": "hours"}, '"PT2H"'),
    ({"kind": "duration", "amount": 30, "unit": "minutes"}, '"PT30M"'),
    ({"kind": "duration", "amount": 3, "unit": "days"}, '"P3D"'),
    ({"kind": "duration", "amount": 2, "unit": "weeks"}, '"P2W"'),
    ({"kind": "duration", "amount": 1, "unit": "months"}, '"P1M"'),
    ({"kind": "cycle", "repeat": 3, "amount": 1, "unit": "hours", "start": None, "offset": "+08:00"}, '"R3/PT1H"'),
    ({"kind": "cycle", "repeat": None, "amount": 1, "unit": "months", "start": "2026-01-01T01:00", "offset": "+08:00"},
     '"R/2026-01-01T01:00:00+08:00/P1M"'),
    ({"kind": "date", "date": "2026-12-31T17:00", "offset": "+08:00"}, '"2026-12-31T17:00:00+08:00"'),
]


@pytest.fixture(scope="module")
def written():
    return _run([{"op": "write", "spec": spec} for spec, _ in SPECS])


@pytest.mark.parametrize("index", range(len(SPECS)), ids=[expected for _, expected in SPECS])
def test_the_builder_writes_quoted_iso_the_server_accepts(written, index):
    spec, expected = SPECS[index]
    assert written[index] == expected
    assert check_text(KIND[spec["kind"]], written[index], set()) == []


def test_reading_what_it_wrote_gives_the_builder_back(written):
    read = _run([{"op": "read", "kind": spec["kind"], "text": text} for (spec, _), text in zip(SPECS, written)])
    assert read == [spec for spec, _ in SPECS]


def test_what_the_builder_cannot_show_is_kept_as_an_expression():
    cases = [("date", "payment_due"), ("duration", "PT2H"), ("duration", '"PT1H30M"'), ("cycle", '"R3/bad"'),
             ("date", '"next friday"')]
    read = _run([{"op": "read", "kind": kind, "text": text} for kind, text in cases])
    assert read == [{"kind": "expression", "text": text} for _, text in cases]
    assert _run([{"op": "write", "spec": spec} for spec in read]) == [text for _, text in cases]


def test_the_shipped_diagrams_timers_read_back_into_the_builder():
    cases = [("cycle", '"R/2026-04-01T01:00:00+08:00/P3M"'), ("duration", '"P3D"')]
    read = _run([{"op": "read", "kind": kind, "text": text} for kind, text in cases])
    assert read[0] == {"kind": "cycle", "repeat": None, "amount": 3, "unit": "months", "start": "2026-04-01T01:00",
                       "offset": "+08:00"}
    assert read[1] == {"kind": "duration", "amount": 3, "unit": "days"}
    assert _run([{"op": "write", "spec": spec} for spec in read]) == [text for _, text in cases]
