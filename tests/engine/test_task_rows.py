"""A command reads its request's task rows once (task_rows.py): segregation,
the bars and the API's answer share them. What is kept must never be staler
than a query: read afresh after the lock, dropped on rollback and when the
next transaction begins, and a row the command inserts is kept exactly as a
query would load it."""
import pytest
from sqlalchemy import inspect, select, text, update

from app.errors import Conflict
from app.extensions import db
from app.models import HumanTask, TaskStatus
from app.services import queries, task_rows, tasks
from app.services.commands import lock_instance
from app.services.segregation import APPROVER, barred_people
from tests.support.api_client import signed_in
from tests.support.samples import TRIP
from tests.support.sql_log import SqlLog


def test_a_completion_reads_its_requests_task_rows_once_and_answers_without_a_statement(client, flow):
    trip = flow.start("travel_request", TRIP, "rep_east1")
    task_id = flow.task(trip, "Task_ManagerApproval").id
    manager = signed_in(client, "rm_east")
    db.session.expire_all()  # a new request: nothing but what it reads is loaded
    with SqlLog() as sent:
        answer = manager.ok("post", f"/tasks/{task_id}/complete", json={"data": {"decision": "approve", "comment": "同意"}})
    assert len(sent.reading("human_task")) == 1, sent.reading("human_task")
    assert not [s for s in sent.log if s.startswith("SELECT task_bar")]  # the bars are written, not read
    # the command's commit (a savepoint's release under the test harness) is the last thing sent
    assert sent.log[-1] in ("COMMIT", "RELEASE SAVEPOINT " + sent.log[-1].rsplit(" ", 1)[-1]), sent.log[-5:]
    # the answer built from the kept rows and the people the command loaded is what a fresh read gives
    assert answer == manager.ok("get", f"/process-instances/{trip.id}")
    steps = {task["element_id"]: task for task in answer["tasks"]}
    assert steps["Task_ManagerApproval"]["status"] == "completed"
    assert steps["Task_DepartmentHeadApproval"]["assignee"] == "director"


def test_an_inserted_row_is_kept_as_a_query_loads_it(flow):
    trip = flow.start("travel_request", TRIP, "rep_east1")
    flow.approve(trip, "Task_ManagerApproval", "rm_east")
    kept = next(row for row in task_rows.rows_of(trip) if row.element_id == "Task_DepartmentHeadApproval")
    columns = [column.key for column in inspect(HumanTask).column_attrs]
    assert not set(columns) & inspect(kept).unloaded  # reading it sends nothing
    as_kept = {name: getattr(kept, name) for name in columns}
    db.session.expire_all()
    fresh = db.session.get(HumanTask, kept.id)
    assert as_kept == {name: getattr(fresh, name) for name in columns}


def test_rows_are_read_afresh_once_the_request_is_locked(flow):
    """A row the session held before the lock, which another transaction
    completed meanwhile: its approver must be barred from the stage's other
    steps. Kept rows reused as they were would let him through."""
    trip = flow.start("travel_request", TRIP, "rep_east1")
    task = flow.task(trip, "Task_ManagerApproval")
    task_rows.rows_of(trip)  # read and kept: READY
    director = flow.user("director")
    # what another transaction committed, written behind the session's back
    db.session.execute(update(HumanTask).where(HumanTask.id == task.id).values(
        status=TaskStatus.completed, outcome="approve", completed_by_id=director.id)
        .execution_options(synchronize_session=False))
    assert task.status is TaskStatus.ready  # what the session still holds
    lock_instance(trip.id)
    assert barred_people(trip, "Task_Other", task.approval_stage).get(director.id) == APPROVER


def test_a_row_inserted_by_another_transaction_is_seen_after_the_lock(flow):
    trip = flow.start("travel_request", TRIP, "rep_east1")
    db.session.execute(select(1))  # a transaction after the start's
    before = [row.id for row in task_rows.rows_of(trip)]
    db.session.execute(text("INSERT INTO human_task (instance_id, task_guid, element_id, name, is_approval, "
                            "delegation_chain, status, default_escalation, created_at) VALUES "
                            "(:instance, 'guid-x', 'Task_X', 'X', false, '[]', 'ready', true, '2026-12-01 00:00:00')"),
                       {"instance": trip.id})
    assert [row.id for row in task_rows.rows_of(trip)] == before  # kept within the transaction
    lock_instance(trip.id)
    assert len(task_rows.rows_of(trip)) == len(before) + 1


def test_kept_rows_go_with_a_rollback_and_when_the_next_transaction_begins(flow):
    trip = flow.start("travel_request", TRIP, "rep_east1")
    db.session.execute(select(1))  # a transaction after the start's
    kept = task_rows.rows_of(trip)
    assert task_rows.rows_of(trip) is kept
    db.session.rollback()
    assert task_rows.rows_of(trip) is not kept
    kept = task_rows.rows_of(trip)
    db.session.commit()
    assert task_rows.rows_of(trip) is kept  # nothing could change them before the next statement
    db.session.execute(select(1))
    assert task_rows.rows_of(trip) is not kept


def test_kept_rows_go_when_a_savepoint_rolls_back(flow):
    trip = flow.start("travel_request", TRIP, "rep_east1")
    db.session.execute(select(1))
    kept = task_rows.rows_of(trip)
    savepoint = db.session.begin_nested()
    savepoint.rollback()
    assert task_rows.rows_of(trip) is not kept


def test_usernames_come_from_the_people_loaded_and_one_query_for_the_rest(org):
    people = org("rm_east"), org("director")  # held: the session keeps only what someone holds
    rm_east, director = (person.id for person in people)
    db.session.expire(people[1])
    with SqlLog() as sent:
        names = queries.usernames([rm_east, None, director, rm_east])
    assert names == {rm_east: "rm_east", director: "director"}
    assert len(sent.log) == 1 and sent.log[0].startswith("SELECT") and sent.params[0] == (director,), sent.log
    with SqlLog() as sent:
        assert queries.usernames([rm_east]) == {rm_east: "rm_east"}
    assert sent.log == []


def test_a_task_completed_meanwhile_is_refused_though_the_session_held_it_ready(flow):
    """The second of two completions: the session read the task READY
    before another transaction completed it; the command must see it done."""
    trip = flow.start("travel_request", TRIP, "rep_east1")
    task = flow.task(trip, "Task_ManagerApproval")
    db.session.execute(select(1))
    task_rows.rows_of(trip)
    db.session.execute(update(HumanTask).where(HumanTask.id == task.id).values(
        status=TaskStatus.completed, outcome="approve").execution_options(synchronize_session=False))
    with pytest.raises(Conflict) as refused:
        tasks.complete_task(task.id, flow.user("rm_east"), {"decision": "approve", "comment": "同意"})
    assert refused.value.code == "task_not_ready"


def test_a_long_history_is_not_read_by_each_step_but_the_answer_lists_it_all(client, flow):
    """Rejected approvals and revisions are none of segregation's business:
    a step after many rounds reads only the open rows and the approvals
    that approved; the API's answer then reads the whole history itself."""
    trip = flow.start("travel_request", TRIP, "rep_east1")
    for _ in range(3):
        flow.reject(trip, "Task_ManagerApproval", "rm_east")
        flow.complete(trip, "Task_ReviseRequest", "rep_east1", {**TRIP, "action": "resubmit"})
    db.session.execute(select(1))
    kept = task_rows.rows_of(trip)
    assert [(row.element_id, row.status) for row in kept] == [("Task_ManagerApproval", TaskStatus.ready)]
    assert len(task_rows.every_row_of(trip)) == 7
    task_id = kept[0].id
    answer = signed_in(client, "rm_east").ok("post", f"/tasks/{task_id}/complete",
                                             json={"data": {"decision": "approve", "comment": "同意"}})
    assert [task["element_id"] for task in answer["tasks"]].count("Task_ReviseRequest") == 3
    assert len(answer["tasks"]) == 8  # and the department head's step it opened
