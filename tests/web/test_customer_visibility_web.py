"""Issue 19 on the web: the catalogue per role (a polite sentence when it is
empty), the customer type-ahead scoped like the API's, and a start form
posted with another rep's customer shown again with the warning and the
tick box, nothing started until it is ticked; the request's timeline then
names the confirmation."""
import re

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, Customer, ProcessInstance

OWN = "浙江泵阀总经销有限公司"  # 华东, served by rep_east1
SOUTH = "广东泵阀总经销有限公司"  # 华南, served by rep_south1 (王志强)


@pytest.fixture(autouse=True)
def _demo_customers(sales):
    """The demo's 35 customers, seven a region."""


def _start_links(page: str) -> set[str]:
    return set(re.findall(r'href="/start/([a-z_]+)"', page))


def _lookup(user, q: str = "") -> set[str]:
    response = user.get(f"/lookups/customer?q={q}")
    assert response.status_code == 200
    return {option["value"] for option in response.get_json()}


def _region_codes(region: str) -> set[str]:
    return set(db.session.scalars(select(Customer.code).where(Customer.region == region)))


def _shipment(code: str) -> dict:
    return {"customer": code, "request_channel": "phone", "requested_items": "YE3 电机两台", "requested_date": "2026-12-08"}


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(ProcessInstance))


@pytest.mark.parametrize("username, offered, not_offered", [
    ("rep_east1", {"shipment_approval", "contract_shipment", "travel_request"}, {"receipt_writeoff", "monthly_report"}),
    ("rm_east", {"promotion_expense", "travel_request"}, {"shipment_approval", "contract_shipment", "receipt_writeoff"}),
    ("sales_admin", {"monthly_report", "collection_assessment"}, {"shipment_approval", "receipt_writeoff"}),
    ("order_clerk", {"travel_request"}, {"shipment_approval", "monthly_report"}),
])
def test_the_catalogue_lists_only_what_each_role_may_start(web, username, offered, not_offered):
    links = _start_links(web(username).page("/start"))
    assert offered <= links and not links & not_offered


def test_an_empty_catalogue_says_so(web, create_user):
    create_user("newcomer", password="lanes-demo", roles=[], display_name="新同事")
    page = web("newcomer").page("/start")
    assert _start_links(page) == set() and "您的角色不能发起任何申请" in page


def test_the_customer_type_ahead_is_scoped_per_role(web, customer_code):
    assert _lookup(web("rep_east1")) == _region_codes("华东")
    assert _lookup(web("rep_east1"), "广东") == set()
    assert _lookup(web("rm_south")) == _region_codes("华南")
    assert customer_code(SOUTH) in _lookup(web("sales_admin"), "广东")
    assert customer_code(OWN) in _lookup(web("finance"), "浙江")


def test_a_rep_posting_another_region_s_customer_sees_the_warning_and_nothing_starts(web, customer_code):
    rep, before = web("rep_east1"), _count()
    response = rep.post("/start/shipment_approval", _shipment(customer_code(SOUTH)), token_from="/start/shipment_approval")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "这不是您的客户" in page and 'name="confirm_foreign_customer"' in page
    assert f"{customer_code(SOUTH)} {SOUTH} 由 王志强（华南）负责" in page and "记在 王志强 名下" in page
    assert re.search(r'class="field[^"]*has-error[^"]*"[^>]*>\s*<label for="f-customer"', page)  # the field is named
    assert _count() == before


def test_ticking_the_box_starts_it_and_the_timeline_names_the_confirmation(web, customer_code):
    rep = web("rep_east1")
    response = rep.post("/start/shipment_approval", {**_shipment(customer_code(SOUTH)), "confirm_foreign_customer": "yes"},
                        token_from="/start/shipment_approval")
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    instance_id = int(re.search(r"/instances/(\d+)", response.headers["Location"]).group(1))
    ack = db.session.scalar(select(AuditEvent).where(AuditEvent.instance_id == instance_id,
                                                     AuditEvent.kind == "foreign_customer_acknowledged"))
    assert ack.actor == "rep_east1" and ack.data["customers"][0]["credited_to"] == "rep_south1"
    page = rep.page(f"/instances/{instance_id}")
    assert "确认使用非本人客户" in page and customer_code(SOUTH) in page


def test_the_rep_s_own_customer_goes_through_without_a_warning(web, customer_code):
    response = web("rep_east1").post("/start/shipment_approval", _shipment(customer_code(OWN)),
                                     token_from="/start/shipment_approval")
    assert response.status_code == 302


@pytest.mark.parametrize("username, warned", [("rep_east1", True), ("rm_east", True), ("service_desk", False),
                                               ("sales_admin", False), ("director", False), ("finance", False)])
def test_only_reps_and_regional_managers_are_warned_about_another_region_s_customer(org, customer_code, username, warned):
    from app.services.customer_scope import foreign_customers

    schema = {"properties": {"customer": {"type": "string", "x-ref": "customer"}}}
    found = foreign_customers(org(username), schema, {"customer": customer_code(SOUTH)})
    assert bool(found) is warned
    assert foreign_customers(org("rm_south"), schema, {"customer": customer_code(SOUTH)}) == []  # their region


def test_a_revision_naming_another_region_s_customer_is_shown_again_with_the_warning(web, sales, customer_code):
    from tests.support.flow_driver import ready_task_id

    application = {"expense_type": "exhibition", "amount": 30000, "customer": customer_code(OWN), "purpose": "杭州泵阀展会"}
    instance = sales.start("promotion_expense", application, "rep_east1")
    sales.approve(instance, "Task_RegionalManagerReview", "rm_east")
    sales.approve(instance, "Task_DirectorReview", "director")
    sales.reject(instance, "Task_GMApplicationApproval", "gm", "压缩到两万以内")
    db.session.commit()
    url = f"/tasks/{ready_task_id(instance.id, 'Task_ReviseApplication')}"
    revised = {"expense_type": "exhibition", "amount": "18000", "customer": customer_code(SOUTH), "purpose": "杭州泵阀展会",
               "action": "resubmit"}
    rep = web("rep_east1")
    response = rep.post(url, revised, token_from=url)
    assert response.status_code == 422 and "这不是您的客户" in response.get_data(as_text=True)
    assert rep.post(url, {**revised, "confirm_foreign_customer": "yes"}, token_from=url).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.instance_id == instance.id, AuditEvent.kind == "foreign_customer_acknowledged")) == 1
