"""A command writes the task it completes and the instance it saves through
Core (row_writes.save_now) instead of the ORM's flush. What the flush
guarded must hold: the instance's version counter, the refusal to change a
posted record, a many-to-one set by object, and nothing left for a later
flush to send again."""
import pytest
from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from app.errors import Conflict
from app.extensions import db
from app.models import Customer, CustomerProfile, HumanTask, ProcessInstance, TaskStatus
from app.models.posted import PostedRecordImmutable
from app.services import accounts
from app.services.commands import command
from app.services.row_writes import save_now
from tests.support.api_client import signed_in
from tests.support.samples import TRIP
from tests.support.sql_log import SqlLog


def test_a_completion_sends_its_two_updates_and_runs_no_flush(client, flow):
    """The completed task and the saved instance are one UPDATE each; the
    unit of work never runs (left listed as dirty, it would run at the
    commit to find nothing)."""
    trip = flow.start("travel_request", TRIP, "rep_east1")
    task_id = flow.task(trip, "Task_ManagerApproval").id
    manager = signed_in(client, "rm_east")
    flushes = []

    def flushed(session, *_):
        flushes.append(sorted(type(obj).__name__ for obj in session.dirty))

    event.listen(Session, "before_flush", flushed)
    try:
        with SqlLog() as sent:
            manager.ok("post", f"/tasks/{task_id}/complete", json={"data": {"decision": "approve", "comment": "同意"}})
    finally:
        event.remove(Session, "before_flush", flushed)
    assert [s for s in sent.log if s.startswith("UPDATE human_task")] and len(
        [s for s in sent.log if s.startswith("UPDATE process_instance")]) == 1
    assert flushes == [], flushes
    done = db.session.get(HumanTask, task_id)
    assert done.status == TaskStatus.completed and done.completed_by.username == "rm_east"
    assert not db.session.is_modified(done) and done not in db.session.dirty


def test_written_columns_are_stored_and_nothing_is_sent_again(flow):
    trip = flow.start("travel_request", TRIP, "rep_east1")
    instance = db.session.get(ProcessInstance, trip.id)
    version = instance.version
    instance.business_key = "TR-WRITTEN"
    instance.error_message = None  # set to the value it had: nothing to write for it
    with SqlLog() as sent:
        save_now(instance)
        db.session.flush()
    statements = [s for s in sent.log if not s.startswith("SAVEPOINT")]  # the harness's, as a transaction begins
    assert len(statements) == 1, statements  # the flush after it sends nothing
    [update] = statements
    written = update.split(" SET ")[1].split(" WHERE ")[0]
    assert update.startswith("UPDATE process_instance SET") and [part.split("=")[0] for part in written.split(", ")] == [
        "business_key", "version"], update
    assert instance.version == version + 1 and instance not in db.session.dirty
    assert db.session.scalar(select(ProcessInstance.business_key).where(ProcessInstance.id == trip.id)) == "TR-WRITTEN"


def test_a_many_to_one_set_by_object_is_written_and_a_key_changed_under_a_loaded_one_is_read_again(flow):
    trip = flow.start("travel_request", TRIP, "rep_east1")
    task = flow.task(trip, "Task_ManagerApproval")
    director, east = accounts.find_user("director"), accounts.find_user("rm_east")
    assert task.assignee is east  # loaded
    task.on_behalf_of = director  # by object: the key is the flush's to fill in
    task.assignee_id = director.id  # by key, under the loaded holder
    save_now(task)
    assert db.session.execute(select(HumanTask.on_behalf_of_id, HumanTask.assignee_id).where(
        HumanTask.id == task.id)).one() == (director.id, director.id)
    assert task.on_behalf_of_id == director.id and task.on_behalf_of is director
    assert task.assignee is director  # not the holder loaded before the key changed


def test_a_posted_record_is_still_refused(flow):
    """Attack: a posted row changed and handed to save_now must meet the
    flush's guard, not slip past it in an UPDATE of its own."""
    db.session.add(Customer(code="RW0001", name="写入测试客户", customer_class="DEALER", channel="direct", region="华东"))
    db.session.flush()
    profile = db.session.scalar(select(CustomerProfile).join(Customer).where(Customer.code == "RW0001"))
    profile.region = "华南"
    with pytest.raises(PostedRecordImmutable):
        save_now(profile)
    db.session.rollback()


def test_a_stale_instance_is_refused_with_409(flow):
    """Attack: a command holds the instance as it read it; another one
    changed the row since (its UPDATE is sent here behind the object's
    back, as a commit on another connection would leave it). Without the
    version check the first command's UPDATE would silently overwrite it."""
    trip = flow.start("travel_request", TRIP, "rep_east1")
    instance_id = trip.id

    @command
    def slow_command():
        stale = db.session.get(ProcessInstance, instance_id)
        db.session.execute(update(ProcessInstance.__table__).where(ProcessInstance.id == instance_id).values(
            business_key="changed-elsewhere", version=stale.version + 1))
        stale.business_key = "stale-write"
        save_now(stale)

    with pytest.raises(Conflict) as caught:
        slow_command()
    assert caught.value.code == "stale_instance" and caught.value.status == 409
    db.session.expire_all()
    assert db.session.get(ProcessInstance, instance_id).business_key == trip.business_key  # the command wrote nothing
