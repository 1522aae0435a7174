"""Issue 19 through the API: the start catalogue per role, the customer
lookup scoped to a rep's region and own customers (a regional manager's to
their region; office, finance and auditors see all), and a start or
revision naming someone else's customer refused with 422
``foreign_customer`` until ``confirm_foreign_customer`` is sent; the
confirmation is in the request's history."""
import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Customer, ProcessInstance
from tests.support.api_client import error_of

OWN = "浙江泵阀总经销有限公司"  # 华东, served by rep_east1 (钱立新)
COLLEAGUES = "江苏机电设备经销部"  # 华东, served by rep_east2 (孙海涛)
SOUTH = "广东泵阀总经销有限公司"  # 华南, served by rep_south1 (王志强)


@pytest.fixture(autouse=True)
def _demo_customers(sales):
    """The demo's 35 customers, seven a region, each served by a rep of its region."""


def _codes(client, q: str = "") -> set[str]:
    return {option["value"] for option in client.ok("get", f"/lookups/customer?q={q}")}


def _regions_of(codes: set[str]) -> set[str]:
    return set(db.session.scalars(select(Customer.region).where(Customer.code.in_(codes))))


def _region_codes(region: str) -> set[str]:
    return set(db.session.scalars(select(Customer.code).where(Customer.region == region)))


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(ProcessInstance))


def _shipment(code: str) -> dict:
    return {"customer": code, "request_channel": "phone", "requested_items": "YE3 电机两台", "requested_date": "2026-12-08"}


@pytest.mark.parametrize("username, offered, not_offered", [
    ("rep_east1", {"shipment_approval", "contract_shipment", "travel_request", "promotion_expense"},
     {"receipt_writeoff", "monthly_report", "collection_assessment"}),
    ("rm_east", {"promotion_expense", "travel_request"}, {"shipment_approval", "receipt_writeoff", "monthly_report"}),
    ("sales_admin", {"monthly_report", "collection_assessment", "monthly_reconciliation", "travel_request"},
     {"shipment_approval", "receipt_writeoff"}),
    ("finance", {"receipt_writeoff", "travel_request"}, {"shipment_approval", "monthly_report"}),
])
def test_the_startable_listing_holds_only_what_each_role_may_start(api, username, offered, not_offered):
    listed = api(username).ok("get", "/process-definitions?startable=true")
    keys = {d["key"] for d in listed}
    assert offered <= keys and not keys & not_offered
    assert all(d["may_start"] for d in listed)


def test_an_auditor_s_startable_listing_is_empty(api):
    assert api("auditor").ok("get", "/process-definitions?startable=true") == []


def test_a_rep_is_offered_the_customers_of_their_region_only(api, customer_code):
    rep = api("rep_east1")
    assert _codes(rep) == _region_codes("华东")  # 7 customers, fewer than the lookup's 20
    assert _codes(rep, "广东") == set() and _codes(rep, customer_code(SOUTH)) == set()
    assert _codes(rep, "江苏") == {customer_code(COLLEAGUES)}
    assert _codes(api("rep_south1")) == _region_codes("华南")


def test_a_rep_is_offered_a_customer_they_serve_in_another_region_and_no_inactive_one(api, org, customer_code):
    south = db.session.scalar(select(Customer).where(Customer.name == SOUTH))
    south.salesperson_id = org("rep_east1").id
    db.session.scalar(select(Customer).where(Customer.name == COLLEAGUES)).active = False
    db.session.commit()
    codes = _codes(api("rep_east1"))
    assert customer_code(SOUTH) in codes and customer_code(COLLEAGUES) not in codes
    assert _regions_of(codes) == {"华东", "华南"}


def test_a_regional_manager_is_offered_their_region(api):
    assert _codes(api("rm_south")) == _region_codes("华南")


@pytest.mark.parametrize("username", ["sales_admin", "order_clerk", "assistant", "director", "gm", "finance", "auditor",
                                      "service_desk"])
def test_office_staff_managers_above_the_region_finance_and_auditors_see_every_customer(api, customer_code, username):
    client = api(username)
    assert customer_code(SOUTH) in _codes(client, "广东") and customer_code(OWN) in _codes(client, "浙江")
    assert len(client.ok("get", "/lookups/customer")) == 20  # the lookup's limit: 35 customers match


def test_a_rep_starting_for_another_region_s_customer_without_confirming_is_422_and_nothing_starts(api, customer_code):
    before = _count()
    response = api("rep_east1").post("/process-instances", json={"process_key": "shipment_approval",
                                                                 "data": _shipment(customer_code(SOUTH))})
    error = error_of(response, 422, "foreign_customer")
    assert list(error["details"]["fields"]) == ["customer"]
    [found] = error["details"]["foreign_customers"]
    assert (found["customer"], found["region"], found["salesperson"], found["credited_to"]) == (
        customer_code(SOUTH), "华南", "rep_south1", "rep_south1")
    assert "王志强" in found["message"] and "not to you" in found["message"]
    assert _count() == before


def test_with_the_confirmation_it_starts_and_the_history_keeps_the_acknowledgement(api, customer_code):
    rep = api("rep_east1")
    body = rep.start("shipment_approval", _shipment(customer_code(SOUTH)), confirm_foreign_customer=True)
    events = rep.ok("get", f"/process-instances/{body['id']}/history")["events"]
    kinds = [e["kind"] for e in events]
    assert kinds[0] == "instance_started" and "foreign_customer_acknowledged" in kinds
    [ack] = [e for e in events if e["kind"] == "foreign_customer_acknowledged"]
    assert ack["actor"] == "rep_east1"
    assert ack["data"]["customers"] == [{"field": "customer", "customer": customer_code(SOUTH), "region": "华南",
                                         "salesperson": "rep_south1", "credited_to": "rep_south1"}]


def test_a_colleague_s_customer_in_the_same_region_is_warned_too(api, customer_code):
    response = api("rep_east1").post("/process-instances", json={"process_key": "shipment_approval",
                                                                 "data": _shipment(customer_code(COLLEAGUES))})
    found = error_of(response, 422, "foreign_customer")["details"]["foreign_customers"]
    assert [f["salesperson"] for f in found] == ["rep_east2"]


def test_the_rep_s_own_customer_starts_with_no_warning_and_no_acknowledgement(api, customer_code):
    rep = api("rep_east1")
    body = rep.start("shipment_approval", _shipment(customer_code(OWN)))
    kinds = [e["kind"] for e in rep.ok("get", f"/process-instances/{body['id']}/history")["events"]]
    assert "foreign_customer_acknowledged" not in kinds


def test_a_revision_naming_a_foreign_customer_needs_the_confirmation_too(api, sales, customer_code):
    application = {"expense_type": "exhibition", "amount": 30000, "customer": customer_code(OWN), "purpose": "杭州泵阀展会"}
    instance = sales.start("promotion_expense", application, "rep_east1")
    sales.approve(instance, "Task_RegionalManagerReview", "rm_east")
    sales.approve(instance, "Task_DirectorReview", "director")
    sales.reject(instance, "Task_GMApplicationApproval", "gm", "压缩到两万以内")
    db.session.commit()
    rep = api("rep_east1")
    task = rep.ready_task(instance.id, "Task_ReviseApplication")
    revised = {**application, "amount": 18000, "customer": customer_code(SOUTH), "action": "resubmit"}
    response = rep.post(f"/tasks/{task['id']}/complete", json={"data": revised})
    assert list(error_of(response, 422, "foreign_customer")["details"]["fields"]) == ["customer"]
    rep.ok("post", f"/tasks/{task['id']}/complete", json={"data": revised, "confirm_foreign_customer": True})
    events = rep.ok("get", f"/process-instances/{instance.id}/history")["events"]
    [ack] = [e for e in events if e["kind"] == "foreign_customer_acknowledged"]
    assert ack["element_id"] == "Task_ReviseApplication" and ack["data"]["customers"][0]["customer"] == customer_code(SOUTH)
