"""A command reads back the events it appended from the instance object
(``appended_since``) instead of the log; whenever those could differ from the
log — another process appended, or a rolled-back command left events behind
— it answers None and the caller reads the log."""
from sqlalchemy import select

from app.audit.chain import appended_since, record_instance_event
from app.extensions import db
from app.models import AuditEvent, InstanceSummary
from app.services import instances
from app.services.accounts import find_user
from tests.support.samples import TRIP


def _logged(instance, since):
    return [(row.kind, row.actor, row.task_id, row.data) for row in db.session.execute(
        select(AuditEvent.kind, AuditEvent.actor, AuditEvent.task_id, AuditEvent.data)
        .where(AuditEvent.chain == f"instance:{instance.id}", AuditEvent.seq > since).order_by(AuditEvent.seq))]


def test_the_events_a_command_appended_are_the_ones_logged(org, deployed):
    instance = instances.start_instance("travel_request", TRIP, find_user("rep_east1"))
    kept = appended_since(instance, 0)
    assert kept is not None and len(kept) == instance.audit_seq >= 2
    assert [(event.kind, event.actor, event.task_id, event.data) for event in kept] == _logged(instance, 0)
    assert db.session.get(InstanceSummary, instance.id).revision == instance.audit_seq


def test_events_of_a_rolled_back_command_are_never_taken_for_the_log(org, deployed):
    instance = instances.start_instance("travel_request", TRIP, find_user("rep_east1"))
    head = instance.audit_seq
    record_instance_event(instance, "error", data={"message": "planted"})
    db.session.rollback()  # the command failed: its event is gone from the log
    instance = db.session.get(type(instance), instance.id)
    assert instance.audit_seq == head
    assert appended_since(instance, head - 1) is None  # the kept list no longer runs up to the head: read the log
    assert appended_since(instance, head) is None
    record_instance_event(instance, "task_claimed", actor="rm_east", data={})  # the same seq, another event
    fresh = appended_since(instance, head)
    assert [(event.kind, event.actor) for event in fresh] == [("task_claimed", "rm_east")]
    assert "error" not in [kind for kind, *_ in _logged(instance, head)]


def test_an_event_appended_elsewhere_sends_the_reader_to_the_log(org, deployed):
    instance = instances.start_instance("travel_request", TRIP, find_user("rep_east1"))
    head = instance.audit_seq
    instance._lanes_appended = []  # as another process's object would be: it appended nothing here
    record_instance_event(instance, "task_claimed", actor="rm_east", data={})
    assert appended_since(instance, head - 1) is None
    assert [(event.kind, event.actor) for event in appended_since(instance, head)] == [("task_claimed", "rm_east")]
