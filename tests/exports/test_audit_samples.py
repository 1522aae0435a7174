"""Samples: the same seed over the same population draws the same sample,
another seed another; stratified samples hold every stratum; the checklist
computes what the platform can (a real travel request, approved twice) and
catches a broken chain; the sample file carries seed, method, population
count and hash."""
import csv
import hashlib
import io

import pytest
from sqlalchemy import update

from app.errors import Forbidden, ValidationFailed
from app.extensions import db
from app.models import AuditEvent
from app.services.audit_samples import draw_sample, export_sample
from app.services.population_export import recorded_exports
from tests.support.audit_population import KEYS, add_population
from tests.support.samples import TRIP

PINNED_POSITIONS = [145, 152, 197, 239, 255]  # seed 20261201, size 5, over the 600 of add_population


@pytest.fixture
def population(org):
    return add_population(600, org("rep_east1").id)


def _ids(sample):
    return [item.row.id for item in sample.items]


def test_same_seed_same_sample_another_seed_another(org, population):
    auditor = org("auditor")
    first = draw_sample(auditor, {"size": "12", "seed": "20261201"})
    again = draw_sample(auditor, {"size": "12", "seed": "20261201"})
    other = draw_sample(auditor, {"size": "12", "seed": "20261202"})
    assert _ids(first) == _ids(again) and len(first.items) == 12
    assert _ids(other) != _ids(first)
    assert first.sample_fingerprint == again.sample_fingerprint != other.sample_fingerprint
    assert first.population == 600 and first.population_fingerprint == other.population_fingerprint
    assert set(_ids(first)) <= set(population)


def test_without_a_seed_a_fresh_one_is_drawn_and_given_back(org, population):
    sample = draw_sample(org("auditor"), {"size": "5"})
    assert sample.seed > 0
    assert _ids(draw_sample(org("auditor"), {"size": "5", "seed": str(sample.seed)})) == _ids(sample)


def test_a_sample_by_process_holds_every_process_and_one_by_amount_every_band(org, population):
    by_process = draw_sample(org("auditor"), {"size": "9", "method": "process", "seed": "7"})
    assert {item.stratum for item in by_process.items} == set(KEYS)
    assert {item.row.process_key for item in by_process.items} == set(KEYS)
    assert {name: counts["drawn"] for name, counts in by_process.strata.items()} == {key: 3 for key in KEYS}
    by_amount = draw_sample(org("auditor"), {"size": "5", "method": "amount", "seed": "7"})
    assert {item.stratum for item in by_amount.items} == set(by_amount.strata) == {
        "-", "< 10000", "10000 – 100000", "100000 – 1000000"}  # 600 × 731 stays under a million


def test_the_population_filter_applies(org, population):
    sample = draw_sample(org("auditor"), {"size": "200", "status": "cancelled", "seed": "1"})
    assert sample.population == 150 and {item.row.status for item in sample.items} == {"cancelled"}


def test_the_checklist_of_an_approved_travel_request(sales):
    request = sales.start("travel_request", TRIP, "rep_east1")
    sales.approve(request, "Task_ManagerApproval", "rm_east")
    sales.approve(request, "Task_DepartmentHeadApproval", "director")
    [item] = draw_sample(sales.user("auditor"), {"size": "1", "seed": "3", "process_key": "travel_request"}).items
    results = {a.code: a.result for a in item.checklist if a.kind == "computed"}
    assert results == {"chain_intact": True, "approvals_decided": True, "approver_not_requester": True,
                       "distinct_approvers": True, "attachments_present": None, "no_error": True}
    assert {a.code for a in item.checklist if a.kind == "manual"} == {
        "amount_within_authority", "posted_equals_approved", "documents_support_request"}
    # someone edits the recorded decision in the database: the chain no longer verifies
    db.session.execute(update(AuditEvent).where(AuditEvent.instance_id == request.id, AuditEvent.kind == "task_completed")
                       .values(actor="rep_east1"))
    [item] = draw_sample(sales.user("auditor"), {"size": "1", "seed": "3", "process_key": "travel_request"}).items
    chain = next(a for a in item.checklist if a.code == "chain_intact")
    assert chain.result is False and "edited" in chain.note


def test_a_waiting_approval_is_not_yet_decidable_and_a_self_approval_is_caught(sales):
    from app.models import HumanTask

    request = sales.start("travel_request", TRIP, "rep_east1")
    args = {"size": "1", "seed": "3", "process_key": "travel_request"}
    [item] = draw_sample(sales.user("auditor"), args).items
    results = {a.code: a.result for a in item.checklist}
    assert results["approvals_decided"] is None and results["approver_not_requester"] is None
    sales.approve(request, "Task_ManagerApproval", "rm_east")
    # the row says the requester completed the approval (as a forged row would)
    db.session.execute(update(HumanTask).where(HumanTask.instance_id == request.id, HumanTask.element_id == "Task_ManagerApproval")
                       .values(completed_by_id=sales.user("rep_east1").id))
    [item] = draw_sample(sales.user("auditor"), args).items
    self_approval = next(a for a in item.checklist if a.code == "approver_not_requester")
    assert self_approval.result is False and self_approval.note


def test_attachments_are_checked_against_the_store(org):
    from app.models import ProcessInstance
    from app.services.attachments import save_bytes

    [instance_id] = add_population(1, org("rep_east1").id)
    stored = save_bytes("receipt.pdf", "application/pdf", b"%PDF-1.4 receipt of the sample test")
    instance = db.session.get(ProcessInstance, instance_id)
    instance.data = {"lines": [{"receipt": stored}]}
    db.session.flush()
    checked = lambda: next(a for a in draw_sample(org("auditor"), {"size": "1", "seed": "1"}).items[0].checklist  # noqa: E731
                           if a.code == "attachments_present")
    assert checked().result is True
    instance.data = {"lines": [{"receipt": stored}, {"receipt": {"sha256": "f" * 64, "name": "gone.pdf"}}]}
    db.session.flush()
    assert checked().result is False and checked().note == "f" * 12


def test_the_sample_file_carries_seed_method_population_and_checklist_columns(org, population):
    args = {"size": "6", "method": "process", "seed": "42", "status": "running"}
    exported = export_sample(org("auditor"), args, "csv")
    with exported.written.file as handle:
        content = handle.read()
    lines = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    blank = lines.index([])
    header, rows, about = lines[0], lines[1:blank], dict(lines[blank + 1:])
    assert header[0] == "Stratum" and "No approver is the requester (computed)" in header
    assert "Posted amounts equal the approved amounts (manual)" in header
    assert [int(row[1]) for row in rows] == _ids(draw_sample(org("auditor"), args))
    assert about["Seed"] == "42" and about["Method"] == "process" and about["Population"] == "150"
    assert about["Rows"] == "6"
    [record] = recorded_exports(org("auditor"), hashlib.sha256(content).hexdigest())
    assert record["kind"] == "sample_exported" and record["seed"] == "42"
    assert record["sample_fingerprint"] == draw_sample(org("auditor"), args).sample_fingerprint


def test_a_sample_file_needs_its_seed(org, population):
    with pytest.raises(ValidationFailed) as caught:
        export_sample(org("auditor"), {"size": "5"}, "xlsx")
    assert "seed" in caught.value.details["fields"]


@pytest.mark.parametrize("args, field", [({"size": "0"}, "size"), ({"size": "201"}, "size"), ({"method": "cluster"}, "method"),
                                         ({"seed": "-4"}, "seed"), ({"seed": "1" * 19}, "seed"),
                                         ({"started_from": "2026-13-01"}, "started_from")])
def test_bad_sample_arguments_name_the_field(org, args, field):
    with pytest.raises(ValidationFailed) as caught:
        draw_sample(org("auditor"), args)
    assert caught.value.status == 400 and field in caught.value.details["fields"]


def test_a_sales_rep_may_not_sample(org):
    with pytest.raises(Forbidden):
        draw_sample(org("rep_east1"), {"size": "5", "method": "nonsense"})


def test_the_draw_is_pinned_by_position_on_every_database(org, population):
    """Ids differ between databases (sequences); positions in the id-ordered
    population do not. The same seed draws the same positions on SQLite and
    PostgreSQL, and on every machine (Python's Mersenne Twister is stable)."""
    sample = draw_sample(org("auditor"), {"size": "5", "seed": "20261201"})
    assert [population.index(id) for id in _ids(sample)] == PINNED_POSITIONS
