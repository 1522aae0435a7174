"""Task rows added straight to the database, for tests of what lists and
counts read (the work list at many tasks): nothing runs these rows, but
their segregation-of-duties bars are kept as a command opening them keeps
them."""
from datetime import timedelta

from app import clock
from app.extensions import db
from app.models import HumanTask, ProcessInstance, TaskStatus
from app.services.task_bars import refresh_bars


def task_row(instance, n, *, role="sales_director", due=None, created=None, assignee=None, approval=False, **extra):
    # a role task is its instance's organisation's, as the command that opens one makes it
    extra.setdefault("candidate_org_id", instance.org_unit_id if role else None)
    row = HumanTask(instance_id=instance.id, process_key=instance.process_key, task_guid=f"extra-{instance.id}-{n}",
                    element_id=f"Extra_{n}", name=f"补充任务 {n}", candidate_role=role, assignee_id=assignee,
                    is_approval=approval,
                    status=TaskStatus.ready, due_at=due, created_at=created or clock.now() - timedelta(minutes=n),
                    **extra)
    db.session.add(row)
    db.session.flush()
    refresh_bars(db.session.get(ProcessInstance, instance.id))  # as the command that opens a task does
    return row


def extra_tasks(instance, count):
    """``count`` director tasks: due at one of three times or not at all,
    some created at the same moment (so the id breaks the tie)."""
    now = clock.now()
    dues = (None, now + timedelta(hours=2), now - timedelta(hours=1), now + timedelta(days=1))
    return [task_row(instance, n, due=dues[n % 4], created=now - timedelta(minutes=n // 3)) for n in range(count)]


def copies_of(instance, count):
    """``count`` more requests like ``instance`` (rows only: nothing runs them)."""
    copies = [ProcessInstance(definition_id=instance.definition_id, process_key=instance.process_key,
                              status=instance.status, state=instance.state, data={}, version=1,
                              engine_version=instance.engine_version, started_by_id=instance.started_by_id,
                              org_unit_id=instance.org_unit_id)
              for _ in range(count)]
    db.session.add_all(copies)
    db.session.flush()
    return copies
