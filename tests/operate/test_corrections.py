"""Process admins' corrections of a running instance: move the token, skip a
step, correct a field of its data — each with a reason, each one event on
the instance's chain, and each re-executes VERIFIED."""
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.errors import Conflict, Forbidden, ValidationFailed
from app.extensions import db
from app.models import AuditEvent, CorrectionRequest, InstanceStatus
from app.services import replay
from app.services.corrections import approve_correction, request_correction
from app.workflow.corrections import CorrectionRefused, coerced

TRIP = {"purpose": "拜访华东客户", "reason": "客户提出现场需求", "destination": "上海", "start_date": "2026-12-01",
        "end_date": "2026-12-03", "transport": "火车", "estimated_cost": 2500}


@pytest.fixture
def trip(flow):
    return flow.start("travel_request", TRIP, "rep_east1")


@pytest.fixture
def no_approval(app):
    app.config["OPERATE_CORRECTION_APPROVAL"] = "none"
    yield
    app.config["OPERATE_CORRECTION_APPROVAL"] = "data"


def _events(instance, kind):
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.instance_id == instance.id,
                                                            AuditEvent.kind == kind).order_by(AuditEvent.seq)))


def _verified(instance):
    verdict = replay.reexecute(instance.id)
    assert verdict.status == "VERIFIED", verdict


def test_moving_the_token_back_to_a_step_already_passed(flow, org, trip, no_approval):
    flow.approve(trip, "Task_ManagerApproval", "rm_east")
    task = flow.task(trip, "Task_DepartmentHeadApproval")
    request_correction(trip.id, org("process_admin"), "move", "主管误批，退回主管重审",
                       task_id=task.task_guid, to_element="Task_ManagerApproval")
    assert flow.ready_elements(trip) == ["Task_ManagerApproval"]
    (event,) = _events(trip, "token_moved")
    assert (event.data["from"], event.data["to"], event.data["reason"], event.actor) == \
        ("Task_DepartmentHeadApproval", "Task_ManagerApproval", "主管误批，退回主管重审", "process_admin")
    _verified(trip)
    flow.approve(trip, "Task_ManagerApproval", "rm_east")
    flow.approve(trip, "Task_DepartmentHeadApproval", "director")
    assert trip.status == InstanceStatus.completed
    _verified(trip)


def test_moving_the_token_forward_and_to_an_unknown_step(flow, org, trip, no_approval):
    task = flow.task(trip, "Task_ManagerApproval")
    with pytest.raises(ValidationFailed) as refused:
        request_correction(trip.id, org("process_admin"), "move", "试试", task_id=task.task_guid,
                           to_element="Task_Nowhere")
    assert "to_element" in refused.value.details["fields"]
    request_correction(trip.id, org("process_admin"), "move", "主管出差，直接给部门经理",
                       task_id=task.task_guid, to_element="Task_DepartmentHeadApproval")
    assert flow.ready_elements(trip) == ["Task_DepartmentHeadApproval"]
    _verified(trip)


def test_skipping_a_stuck_step_records_what_was_skipped(flow, org, trip, no_approval):
    task = flow.task(trip, "Task_ManagerApproval")
    request_correction(trip.id, org("process_admin"), "skip", "主管已线下同意", task_id=task.task_guid)
    (event,) = _events(trip, "step_skipped")
    assert event.data["skipped"]["element_id"] == "Task_ManagerApproval" and event.data["reason"] == "主管已线下同意"
    assert "Task_ManagerApproval" not in flow.ready_elements(trip)
    _verified(trip)


def test_a_data_correction_changes_the_field_and_keeps_before_and_after(flow, org, trip, no_approval):
    request_correction(trip.id, org("process_admin"), "data", "目的地录错", field="destination", value="杭州")
    assert trip.data["destination"] == "杭州"
    (event,) = _events(trip, "data_corrected")
    assert (event.data["field"], event.data["before"], event.data["after"]) == ("destination", "上海", "杭州")
    _verified(trip)
    flow.approve(trip, "Task_ManagerApproval", "rm_east")
    _verified(trip)


def test_a_data_correction_is_validated(flow, org, trip, no_approval):
    admin = org("process_admin")
    for given, field in ((dict(field="nonexistent", value=1), "field"),
                         (dict(field="estimated_cost", value="很多"), "value"),
                         (dict(field="destination", value=3), "value"),
                         (dict(field="destination"), "value")):
        with pytest.raises(ValidationFailed) as refused:
            request_correction(trip.id, admin, "data", "改", **given)
        assert field in refused.value.details["fields"], given
    with pytest.raises(ValidationFailed) as refused:
        request_correction(trip.id, admin, "data", "  ", field="destination", value="杭州")
    assert "reason" in refused.value.details["fields"]
    assert trip.data["destination"] == "上海"


def test_money_stays_decimal():
    assert coerced(Decimal("10.00"), "12.50") == Decimal("12.50")
    assert coerced(Decimal("10.00"), 3) == Decimal("3")
    with pytest.raises(CorrectionRefused):
        coerced(Decimal("1"), True)
    with pytest.raises(CorrectionRefused):
        coerced(Decimal("1"), "NaN")
    assert coerced(2500, 2600.0) == 2600


def test_only_process_admins_correct(flow, org, trip, no_approval):
    for who in ("auditor", "rep_east1", "rm_east"):
        with pytest.raises(Forbidden):
            request_correction(trip.id, org(who), "suspend", "看看")
    assert db.session.scalar(select(db.func.count()).select_from(CorrectionRequest)) == 0


def test_a_data_correction_without_the_second_approval_does_not_apply(flow, org, trip):
    """The done-when line: by default a data correction waits for ANOTHER process admin."""
    request = request_correction(trip.id, org("process_admin"), "data", "金额录错", field="estimated_cost",
                                 value=1800)
    assert request.status == "pending" and trip.data["estimated_cost"] == 2500
    assert not _events(trip, "data_corrected")
    with pytest.raises(Forbidden) as own:
        approve_correction(request.id, org("process_admin"))
    assert own.value.code == "own_correction"
    for who in ("auditor", "rep_east1"):
        with pytest.raises(Forbidden):
            approve_correction(request.id, org(who))
    db.session.refresh(trip)
    assert trip.data["estimated_cost"] == 2500 and request.status == "pending"
    approve_correction(request.id, org("process_admin2"))
    db.session.refresh(trip)
    assert request.status == "applied" and trip.data["estimated_cost"] == 1800
    (event,) = _events(trip, "data_corrected")
    assert (event.data["requested_by"], event.data["approved_by"], event.data["before"], event.data["after"]) == \
        ("process_admin", "process_admin2", 2500, 1800)
    with pytest.raises(Conflict) as twice:
        approve_correction(request.id, org("process_admin2"))
    assert twice.value.code == "already_decided"
    _verified(trip)


def test_an_approval_after_the_instance_changed_applies_nothing(flow, org, trip):
    request = request_correction(trip.id, org("process_admin"), "data", "金额录错", field="estimated_cost", value=1)
    flow.approve(trip, "Task_ManagerApproval", "rm_east")
    approve_correction(request.id, org("process_admin2"))
    db.session.refresh(trip)
    assert request.status == "failed" and "changed" in request.decision_note
    assert trip.data["estimated_cost"] == 2500 and not _events(trip, "data_corrected")
    assert _events(trip, "correction_failed")
    _verified(trip)
