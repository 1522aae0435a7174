"""Start rights through the API: the same refusals as the service, as a 403
JSON body with a code, and the definitions listing telling each caller what
they may start."""
import pytest
from sqlalchemy import func, select

from tests.support.samples import TRIP
from tests.support.api_client import error_of
from app.extensions import db
from app.models import Customer, ProcessInstance, Receipt

GUANGDONG = "广东泵阀总经销有限公司"  # 华南: another region than rep_east1's


@pytest.fixture
def handover(api, master_data):
    code = db.session.scalar(select(Customer.code).where(Customer.name == GUANGDONG))
    return lambda amount: {"receipts": [{"customer": code, "amount": amount, "bank_reference": "FAKE-0042",
                                         "receipt_date": "2026-12-01", "allocation_basis": "oldest_due"}]}


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _start(client, key, data):
    return client.post("/process-instances", json={"process_key": key, "data": data})


@pytest.mark.parametrize("username, key, amount", [
    ("rep_east1", "receipt_writeoff", 888888),  # a rep posting a receipt for another region's customer
    ("portal", "receipt_writeoff", 500000),  # the integration account with its API token
])
def test_a_receipt_write_off_started_by_someone_else_than_finance_is_403(api, handover, username, key, amount):
    error = error_of(_start(api(username), key, handover(amount)), 403, "not_a_starter")
    assert "finance" in error["message"]
    assert _count(Receipt) == 0 and _count(ProcessInstance) == 0


def test_finance_starts_it_through_the_api(api, handover):
    body = api("finance").start("receipt_writeoff", handover(888888))
    assert body["status"] == "running" and _count(Receipt) == 1


def test_a_rep_cannot_start_the_monthly_report(api):
    error_of(_start(api("rep_east1"), "monthly_report", {"month": "2026-11"}), 403, "not_a_starter")
    assert _count(ProcessInstance) == 0


def test_an_auditor_is_refused_as_read_only(api):
    error_of(_start(api("auditor"), "travel_request", TRIP), 403, "read_only")


def test_the_listing_says_what_the_caller_may_start(api):
    rep = api("rep_east1")
    listed = {d["key"]: d["may_start"] for d in rep.ok("get", "/process-definitions")}
    assert listed["travel_request"] is True and listed["receipt_writeoff"] is False
    startable = {d["key"] for d in rep.ok("get", "/process-definitions?startable=true")}
    assert "travel_request" in startable and not startable & {"receipt_writeoff", "monthly_report"}
    assert api("auditor").ok("get", "/process-definitions?startable=true") == []
    # an integration account starts only what a diagram names its role for: the portal's after-sales case
    assert [d["key"] for d in api("portal").ok("get", "/process-definitions?startable=true")] == ["after_sales"]
    detail = rep.ok("get", "/process-definitions/receipt_writeoff")
    assert detail["start_roles"] == ["finance"] and detail["may_start"] is False
