"""A command writes its request's step visits in one statement: the visit it
closed and the one it opened go in one insert that updates a visit already
there (step_visits.refresh_step_visits); the numbers and figures are those
of the tasks."""
from sqlalchemy import select

from app.extensions import db
from app.models import HumanTask, StepVisit
from tests.support.samples import TRIP
from tests.support.sql_log import SqlLog


def _visits(instance) -> dict:
    return {row.element_id + f"#{row.visit}": row for row in db.session.scalars(
        select(StepVisit).where(StepVisit.instance_id == instance.id).execution_options(populate_existing=True))}


def test_a_step_closes_one_visit_and_opens_the_next_in_one_statement(flow):
    trip = flow.start("travel_request", TRIP, "rep_east1")
    manager = flow.task(trip, "Task_ManagerApproval")
    with SqlLog() as sent:
        flow.approve(trip, "Task_ManagerApproval", "rm_east")
    writes = [s for s in sent.log if s.startswith(("INSERT INTO step_visit", "UPDATE step_visit"))]
    assert len(writes) == 1 and "ON CONFLICT (human_task_id) DO UPDATE" in writes[0], writes
    visits = _visits(trip)
    closed, opened = visits["Task_ManagerApproval#1"], visits["Task_DepartmentHeadApproval#1"]
    assert (closed.status, closed.closed_at, closed.assignee_id) == ("completed", manager.completed_at, manager.assignee_id)
    assert closed.entered_at == manager.created_at and closed.waiting_seconds is not None
    assert (opened.status, opened.closed_at, opened.waiting_seconds) == ("ready", None, None)


def test_a_step_visited_again_gets_the_next_number_and_the_first_keeps_its_own(flow):
    trip = flow.start("travel_request", TRIP, "rep_east1")
    flow.reject(trip, "Task_ManagerApproval", "rm_east")
    flow.complete(trip, "Task_ReviseRequest", "rep_east1", {**TRIP, "action": "resubmit"})
    first, second = db.session.scalars(select(HumanTask).where(
        HumanTask.instance_id == trip.id, HumanTask.element_id == "Task_ManagerApproval").order_by(HumanTask.id))
    visits = _visits(trip)
    assert (visits["Task_ManagerApproval#1"].human_task_id, visits["Task_ManagerApproval#1"].status) == (first.id, "completed")
    assert (visits["Task_ManagerApproval#2"].human_task_id, visits["Task_ManagerApproval#2"].status) == (second.id, "ready")
