"""F20 after-sales service with the real diagram: a request from the service
desk, a rep or the customer portal, traced through the shipments to the
customer; triage to technical support or quality; warranty, billable,
return and no-charge resolutions; the follow-up call closing or reopening
the case; and the ledger invariants after each posting."""
from decimal import Decimal

from sqlalchemy import select

from app.extensions import db
from app.models import InstanceStatus, Notification, ServiceCase, ServiceResolution, User
from tests.support.after_sales import (PUMP, REP, confirm_order, follow_up, request, resolve, triage)
from tests.support.after_sales import shipped_to  # noqa: F401  (fixture)
from tests.support.ledger_harness import all_invariants_hold


def _case(instance):
    return db.session.scalar(select(ServiceCase).where(ServiceCase.number == instance.data["case"]["case_no"]))


def _told(kind):
    return sorted(db.session.scalars(select(User.username).join(Notification, Notification.user_id == User.id)
                                     .where(Notification.kind == kind)))


def test_a_warranty_repair_by_technical_support_closes_after_a_satisfied_call(sales, shipped_to):
    customer, note, batch = shipped_to()
    instance = sales.start("after_sales", request(customer, note=note), "service_desk")
    case = instance.data["case"]
    assert (case["channel"], case["material"], case["batch"], case["shipping_note"]) == ("desk", PUMP, batch, note)
    assert (case["ship_date"], case["warranty_until"], case["in_warranty"]) == ("2026-12-01", "2027-12-01", True)
    assert case["shipments"][0]["shipping_note"] == note and case["open_cases"] == []
    assert sales.task(instance, "Task_Triage").candidate_role == "service_desk"
    triage(sales, instance, "tech_support")
    assert sales.task(instance, "Task_TechSupport").candidate_role == "tech_support_specialist"
    resolve(sales, instance, "warranty", parts=[{"material": "PRT001", "qty": 1}])
    assert all_invariants_hold()
    resolution = instance.data["resolution"]
    assert resolution["outcome"] == "warranty" and resolution["parts"] == "PRT001×1"
    assert Decimal(resolution["warranty_expense"]) == Decimal(resolution["parts_cost"]) > 0
    assert instance.data["follow_up"]["notified"] == []
    follow_up(sales, instance, "5")
    assert instance.status is InstanceStatus.completed, sales.ready_elements(instance)
    found = _case(instance)
    assert (found.status, found.satisfaction, found.severity, found.route) == ("closed", 5, "high", "tech_support")
    assert all_invariants_hold()


def test_quality_investigates_billable_work_and_the_order_clerk_gets_the_amount(sales, shipped_to):
    customer, _note, batch = shipped_to()
    instance = sales.start("after_sales", request(customer, batch=batch), REP)
    assert instance.data["case"]["channel"] == "rep" and instance.data["case"]["material"] == PUMP
    triage(sales, instance, "quality", "critical")
    assert sales.task(instance, "Task_QualityInvestigation").candidate_role == "quality"
    resolve(sales, instance, "billable", route="quality", billable_amount=680)
    assert instance.data["resolution"]["billable_amount"] == "680.00"
    assert set(instance.data["follow_up"]["notified"]) == set(_told("service_follow_up")) >= {"order_clerk"}
    assert sales.ready_elements(instance) == ["Task_ConfirmServiceOrder"]
    assert sales.task(instance, "Task_ConfirmServiceOrder").candidate_role == "order_clerk"
    confirm_order(sales, instance)
    assert instance.data["service_order"]["gross"] == "680.00" and REP in _told("service_follow_up")
    assert all_invariants_hold()
    follow_up(sales, instance, "4")
    assert instance.status is InstanceStatus.completed


def test_goods_to_come_back_tell_the_salesperson_to_file_the_return(sales, shipped_to):
    customer, note, _batch = shipped_to()
    instance = sales.start("after_sales", request(customer, note=note, kind="complaint"), "service_desk")
    triage(sales, instance, "quality")
    resolve(sales, instance, "return", route="quality")
    assert instance.data["follow_up"]["notified"] == [REP] and _told("service_follow_up") == [REP]
    follow_up(sales, instance, "3")
    assert instance.status is InstanceStatus.completed
    assert all_invariants_hold()


def test_an_unsolved_case_is_reopened_triaged_again_and_resolved_afresh(sales, shipped_to):
    customer, note, _batch = shipped_to()
    instance = sales.start("after_sales", request(customer, note=note), "service_desk")
    triage(sales, instance)
    resolve(sales, instance, "warranty", parts=[{"material": "PRT001", "qty": 2}])
    follow_up(sales, instance, "2", reopen=True)
    assert sales.ready_elements(instance) == ["Task_Triage"]
    assert _case(instance).reopen_count == 1 and _case(instance).status == "untriaged"
    triage(sales, instance, "quality", "normal")
    resolve(sales, instance, "no_charge", route="quality")  # no parts this time: none carried over
    assert instance.data["resolution"]["parts"] == ""
    follow_up(sales, instance, "5")
    assert instance.status is InstanceStatus.completed
    resolutions = db.session.scalars(select(ServiceResolution).order_by(ServiceResolution.id)).all()
    assert [(r.outcome, r.parts) for r in resolutions] == [("warranty", "PRT001×2"), ("no_charge", "")]
    assert all_invariants_hold()
