"""The task history says what happened: the step that ended an instance is
recorded as completed by its performer, not as cancelled."""
from sqlalchemy import select

from app.extensions import db
from app.models import HumanTask, InstanceStatus, TaskStatus

TRIP = {"purpose": "培训", "reason": "客户提出现场需求", "destination": "北京", "start_date": "2026-12-08", "end_date": "2026-12-09",
        "transport": "火车", "estimated_cost": 900}


def _rows(instance):
    return list(db.session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id).order_by(HumanTask.id)))


def test_the_last_step_of_a_completed_instance_is_recorded_as_completed(flow):
    instance = flow.start("travel_request", TRIP, "rep_north1")
    flow.approve(instance, "Task_ManagerApproval", "rm_north")
    flow.approve(instance, "Task_DepartmentHeadApproval", "director")
    db.session.expire_all()
    assert instance.status == InstanceStatus.completed
    rows = _rows(instance)
    assert [(r.element_id, r.status, r.completed_by.username, r.outcome) for r in rows] == [
        ("Task_ManagerApproval", TaskStatus.completed, "rm_north", "approve"),
        ("Task_DepartmentHeadApproval", TaskStatus.completed, "director", "approve")]


def test_a_rejection_that_ends_the_instance_is_recorded_as_completed(flow):
    instance = flow.start("travel_request", TRIP, "rep_north1")
    flow.reject(instance, "Task_ManagerApproval", "rm_north", "没有预算")
    flow.complete(instance, "Task_ReviseRequest", "rep_north1", {**TRIP, "action": "withdraw"})
    db.session.expire_all()
    assert instance.status == InstanceStatus.completed
    assert [(r.element_id, r.status) for r in _rows(instance)] == [
        ("Task_ManagerApproval", TaskStatus.completed), ("Task_ReviseRequest", TaskStatus.completed)]
