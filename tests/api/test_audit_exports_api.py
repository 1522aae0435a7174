"""The export and sample API: files with their hash header, the record of
an export found by hash, samples repeatable by seed, 400 naming the field,
403 for a sales rep, and an auditor's POST refused."""
import hashlib
import io

import pytest
from openpyxl import load_workbook

from tests.support.api_client import error_of, signed_in
from tests.support.audit_population import add_population


@pytest.fixture
def population(org):
    return add_population(240, org("rep_east1").id)


def test_the_population_as_csv_and_xlsx_with_the_hash_of_the_bytes(client, org, population):
    auditor = signed_in(client, "auditor")
    csv_file = auditor.get("/audit/exports/instances?format=csv&status=running", buffered=True)
    assert csv_file.status_code == 200 and csv_file.get_data()[:3] == b"\xef\xbb\xbf"
    assert csv_file.headers["X-Content-SHA256"] == hashlib.sha256(csv_file.get_data()).hexdigest()
    assert csv_file.headers["X-Row-Count"] == "60"
    xlsx_file = auditor.get("/audit/exports/instances?format=xlsx&status=running", buffered=True)
    assert xlsx_file.headers["X-Content-SHA256"] == hashlib.sha256(xlsx_file.get_data()).hexdigest()
    assert load_workbook(io.BytesIO(xlsx_file.get_data())).sheetnames[1] in ("About", "说明")
    record = auditor.ok("get", f"/audit/exports/{xlsx_file.headers['X-Content-SHA256']}")
    [export] = record["exports"]
    assert export["format"] == "xlsx" and export["totals"]["by_status"] == {"running": 60} and export["actor"] == "auditor"


def test_samples_repeat_by_seed(client, org, population):
    auditor = signed_in(client, "auditor")
    first = auditor.ok("get", "/audit/samples?size=8&method=amount&seed=99")
    assert first["seed"] == "99" and first["population"] == 240 and len(first["items"]) == 8
    assert auditor.ok("get", "/audit/samples?size=8&method=amount&seed=99")["items"] == first["items"]
    assert auditor.ok("get", "/audit/samples?size=8&method=amount&seed=100")["sample_fingerprint"] != first["sample_fingerprint"]
    assert {item["stratum"] for item in first["items"]} == set(first["strata"])
    kinds = {entry["kind"] for entry in first["items"][0]["checklist"]}
    assert kinds == {"computed", "manual"}
    fresh = auditor.ok("get", "/audit/samples?size=3")
    assert fresh["seed"].isdigit()
    sample_file = auditor.get("/audit/samples/file?format=csv&size=8&method=amount&seed=99", buffered=True)
    assert sample_file.status_code == 200
    assert sample_file.headers["X-Content-SHA256"] == hashlib.sha256(sample_file.get_data()).hexdigest()


@pytest.mark.parametrize("path, field", [("/audit/exports/instances?format=pdf", "format"),
                                         ("/audit/exports/instances?format=csv&amount_min=abc", "amount_min"),
                                         ("/audit/samples?size=0", "size"), ("/audit/samples?method=x", "method"),
                                         ("/audit/samples?version=-1", "version"),
                                         ("/audit/samples/file?format=csv&size=5", "seed"),
                                         ("/audit/exports/not-a-hash", "sha256")])
def test_bad_input_is_a_400_naming_the_field(client, org, path, field):
    error = error_of(signed_in(client, "auditor").get(path, buffered=True), 400)
    assert field in error["details"]["fields"]


@pytest.mark.parametrize("path", ["/audit/exports/instances?format=csv", "/audit/samples?size=3",
                                  "/audit/samples/file?format=csv&seed=1", "/audit/exports/" + "a" * 64])
def test_a_sales_rep_is_refused(client, org, path):
    error_of(signed_in(client, "rep_east1").get(path, buffered=True), 403, "forbidden")


def test_an_auditor_may_not_post(client, org):
    error_of(signed_in(client, "auditor").post("/audit/samples", json={"size": 3}), 403, "read_only")
