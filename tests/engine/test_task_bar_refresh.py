"""task_bar keeps, for each READY approval of a request, exactly whom
segregation of duties bars from it, written in two statements by every
command (task_bars.refresh_bars): whatever the table held before, a bar
that no longer holds goes, even while its task stays ready, and a missing
one comes back."""
from sqlalchemy import delete, insert, select

from app.extensions import db
from app.models import TaskBar, TaskStatus
from app.services import task_rows
from app.services.segregation import barred_for_tasks
from app.services.task_bars import refresh_bars
from tests.support.samples import TRIP
from tests.support.sql_log import SqlLog


def _held(instance) -> dict:
    return {(task_id, user_id): reason for task_id, user_id, reason in db.session.execute(
        select(TaskBar.task_id, TaskBar.user_id, TaskBar.reason).where(TaskBar.instance_id == instance.id))}


def _wanted(instance) -> dict:
    ready = [row for row in task_rows.rows_of(instance) if row.status == TaskStatus.ready and row.is_approval]
    return {(task_id, person): reason for task_id, barred in barred_for_tasks(ready).items()
            for person, reason in barred.items()}


def test_every_step_leaves_the_bars_segregation_gives(flow):
    trip = flow.start("travel_request", TRIP, "rep_east1")
    assert _held(trip) == _wanted(trip) and _held(trip)
    flow.approve(trip, "Task_ManagerApproval", "rm_east")
    head = flow.task(trip, "Task_DepartmentHeadApproval")
    held = _held(trip)
    assert held == _wanted(trip)
    assert {task_id for task_id, _ in held} == {head.id}  # the manager's approval took its bars with it
    assert held[(head.id, flow.user("rm_east").id)] == "approver"
    flow.reject(trip, "Task_DepartmentHeadApproval", "director")
    assert _held(trip) == _wanted(trip) == {}  # the revision is no approval


def test_a_bar_that_no_longer_holds_goes_and_a_missing_one_comes_back(flow):
    trip = flow.start("travel_request", TRIP, "rep_east1")
    task = flow.task(trip, "Task_ManagerApproval")
    requester, stranger = flow.user("rep_east1").id, flow.user("rep_east2").id
    db.session.execute(delete(TaskBar).where(TaskBar.instance_id == trip.id))
    db.session.execute(insert(TaskBar).values(task_id=task.id, user_id=stranger, instance_id=trip.id, reason="approver"))
    refresh_bars(trip)  # the task is still ready: only the bars are out of date
    assert _held(trip) == {(task.id, requester): "requester"}


def test_bars_are_written_without_reading_them_first(flow):
    trip = flow.start("travel_request", TRIP, "rep_east1")
    flow.task(trip, "Task_ManagerApproval")
    task_rows.rows_of(trip), trip.definition  # what the command holds by then
    with SqlLog() as sent:
        refresh_bars(trip)
    assert [statement.split()[0] for statement in sent.log] == ["DELETE", "INSERT"], sent.log
