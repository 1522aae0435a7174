"""F20 after-sales: the due times in working hours and their escalation to
the sales service manager, warranty computed (never typed), and the attacks:
someone outside the lane or the wrong role triages, a forged warranty flag,
a customer-portal message naming another customer's shipping note, a start
by a role the diagram does not name."""
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

from app.errors import Forbidden, ValidationFailed
from app.extensions import db
from app.models import InstanceStatus, Notification, ServiceCase, User
from app.services import events
from tests.support.after_sales import SEAL, another_customer, request, resolve, triage
from tests.support.after_sales import shipped_to  # noqa: F401  (fixture)
from tests.support.ledger_harness import all_invariants_hold


def _escalations():
    return sorted(db.session.scalars(select(User.username).join(Notification, Notification.user_id == User.id)
                                     .where(Notification.kind == "service_escalated")))


def _case_count():
    return db.session.scalar(select(func.count()).select_from(ServiceCase))


def test_a_late_triage_is_escalated_to_the_service_manager_and_stays_with_the_desk(sales, shipped_to, frozen_clock):
    customer, note, _batch = shipped_to()
    instance = sales.start("after_sales", request(customer, note=note), "service_desk")
    # Tuesday 17:00 in Shanghai: one working hour today, three tomorrow morning
    due = datetime(2026, 12, 2, 4, 0, tzinfo=timezone.utc)
    assert instance.data["due_hours"] == 4 and sales.task(instance, "Task_Triage").due_at == due
    frozen_clock.now = due
    assert events.fire_due_timers() == 0
    frozen_clock.advance(minutes=1)
    assert events.fire_due_timers() == 1
    db.session.refresh(instance)
    assert _escalations() == ["service_mgr"] and instance.data["triage_escalation"]["stage"] == "triage"
    assert sales.ready_elements(instance) == ["Task_Triage"]
    assert db.session.scalar(select(ServiceCase.escalation_count)) == 1
    triage(sales, instance, "quality", "critical")
    assert instance.data["due_hours"] == 8 and sales.ready_elements(instance) == ["Task_QualityInvestigation"]
    assert all_invariants_hold()


def test_a_late_resolution_is_escalated_by_severity(sales, shipped_to, frozen_clock):
    customer, note, _batch = shipped_to()
    instance = sales.start("after_sales", request(customer, note=note), "service_desk")
    triage(sales, instance, "tech_support", "critical")  # 8 working hours from Tuesday 17:00: Wednesday 16:00
    due = sales.task(instance, "Task_TechSupport").due_at
    assert due == datetime(2026, 12, 2, 8, 0, tzinfo=timezone.utc)
    frozen_clock.now = due.replace(minute=1)
    assert events.fire_due_timers() == 1
    db.session.refresh(instance)
    assert _escalations() == ["service_mgr"] and instance.data["resolution_escalation"]["stage"] == "resolution"
    resolve(sales, instance, "warranty")
    assert sales.ready_elements(instance) == ["Task_FollowUpCall"]
    assert all_invariants_hold()


def test_out_of_warranty_work_cannot_be_booked_as_warranty(sales, shipped_to, frozen_clock):
    customer, note, _batch = shipped_to(material=SEAL, qty=1)  # three months of warranty
    frozen_clock.now = datetime(2027, 3, 2, 2, 0, tzinfo=timezone.utc)
    instance = sales.start("after_sales", request(customer, note=note), "service_desk")
    case = instance.data["case"]
    assert (case["warranty_until"], case["in_warranty"]) == ("2027-03-01", False)
    triage(sales, instance)
    resolve(sales, instance, "warranty")
    assert instance.data["resolution"]["error"]["code"] == "out_of_warranty"
    assert sales.ready_elements(instance) == ["Task_TechSupport"]
    resolve(sales, instance, "billable", billable_amount=120.5)
    assert instance.data["resolution"]["billable_amount"] == "120.50"
    assert all_invariants_hold()


def test_the_customer_portal_opens_a_case_for_its_own_shipment(sales, shipped_to):
    customer, note, _batch = shipped_to()
    instance = sales.start("after_sales", request(customer, note=note, kind="support"), "portal")
    assert instance.data["case"]["channel"] == "portal" and sales.ready_elements(instance) == ["Task_Triage"]


def test_a_portal_message_naming_another_customers_shipping_note_opens_nothing(sales, shipped_to):
    customer, note, _batch = shipped_to()
    stranger = another_customer(customer)
    instance = sales.start("after_sales", request(stranger, note=note, kind="complaint"), "portal")
    assert instance.status is InstanceStatus.completed and sales.ready_elements(instance) == []
    assert instance.data["case"]["error"]["code"] == "not_customers_shipment" and _case_count() == 0


def test_a_batch_never_shipped_to_the_customer_opens_nothing(sales, shipped_to):
    customer, _note, batch = shipped_to()
    instance = sales.start("after_sales", request(another_customer(customer), batch=batch), "service_desk")
    assert instance.data["case"]["error"]["code"] == "not_shipped_to_customer" and _case_count() == 0


def test_warranty_is_computed_never_taken_from_a_form(sales, shipped_to, frozen_clock):
    customer, note, _batch = shipped_to(material=SEAL, qty=1)
    frozen_clock.now = datetime(2027, 6, 1, 2, 0, tzinfo=timezone.utc)
    instance = sales.start("after_sales", request(customer, note=note), "service_desk")
    with pytest.raises(ValidationFailed):
        sales.start("after_sales", {**request(customer, note=note), "in_warranty": True}, "service_desk")
    with pytest.raises(ValidationFailed):
        sales.complete(instance, "Task_Triage", "service_desk", {"category": "product_fault", "severity": "high",
                                                                 "route": "tech_support", "in_warranty": True})
    triage(sales, instance)
    with pytest.raises(ValidationFailed):
        resolve(sales, instance, "warranty", in_warranty=True)
    assert db.session.scalar(select(ServiceCase.in_warranty)) is False


@pytest.mark.parametrize("outsider", ["rep_east1", "tech_support", "quality", "portal"])
def test_only_the_service_desk_triages(sales, shipped_to, outsider):
    customer, note, _batch = shipped_to()
    instance = sales.start("after_sales", request(customer, note=note), "service_desk")
    with pytest.raises(Forbidden):
        triage_as(sales, instance, outsider)
    assert sales.ready_elements(instance) == ["Task_Triage"]


def triage_as(sales, instance, user):
    sales.complete(instance, "Task_Triage", user, {"category": "product_fault", "severity": "high", "route": "quality"})


def test_technical_support_cannot_close_a_quality_investigation(sales, shipped_to):
    customer, note, _batch = shipped_to()
    instance = sales.start("after_sales", request(customer, note=note), "service_desk")
    triage(sales, instance, "quality")
    with pytest.raises(Forbidden):
        sales.complete(instance, "Task_QualityInvestigation", "tech_support",
                       {"diagnosis": "外观检查", "action_taken": "无", "outcome": "no_charge"})


@pytest.mark.parametrize("starter", ["finance", "warehouse", "auditor"])
def test_roles_the_diagram_does_not_name_cannot_open_a_case(sales, shipped_to, starter):
    customer, note, _batch = shipped_to()
    with pytest.raises(Forbidden):
        sales.start("after_sales", request(customer, note=note), starter)
    assert _case_count() == 0
