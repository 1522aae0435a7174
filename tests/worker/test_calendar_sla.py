"""Working-hours due dates, reminders and escalation, with the injected clock."""
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Holiday, HumanTask, Notification
from app.services import deployment, instances, worker_jobs
from app.services.working_calendar import WorkingCalendar

from tests.worker.diagrams import files

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(*args):
    return datetime(*args, tzinfo=SHANGHAI).astimezone(timezone.utc)


def test_working_hours_skip_nights_weekends_and_holidays():
    calendar = WorkingCalendar(holidays={date(2026, 12, 7)})
    friday_4pm = local(2026, 12, 4, 16, 0)
    assert calendar.add(friday_4pm, timedelta(hours=1)) == local(2026, 12, 4, 17, 0)
    # 2 h on Friday, Saturday/Sunday off, Monday 7 Dec a holiday, 2 h on Tuesday
    assert calendar.add(friday_4pm, timedelta(hours=4)) == local(2026, 12, 8, 11, 0)
    assert calendar.add(local(2026, 12, 5, 10, 0), timedelta(hours=1)) == local(2026, 12, 8, 10, 0)
    assert calendar.add(local(2026, 12, 8, 7, 30), timedelta(hours=9)) == local(2026, 12, 8, 18, 0)
    assert calendar.parse("PT48H") == timedelta(hours=48) and calendar.parse("P2D") == timedelta(hours=18)
    assert calendar.parse("soon") is None


def _start_sla(flow_org, frozen_clock, when):
    frozen_clock.now = when
    deployment.deploy(files())
    instance = instances.start_instance("sla_probe", {}, flow_org("rep_east1"))
    return db.session.scalar(select(HumanTask).where(HumanTask.instance_id == instance.id))


def test_due_date_counts_working_hours_and_holidays(org, frozen_clock):
    db.session.add(Holiday(day=date(2026, 12, 7), name="测试假日"))
    db.session.commit()
    task = _start_sla(org, frozen_clock, local(2026, 12, 4, 16, 0))
    assert task.due_at == local(2026, 12, 8, 11, 0)
    assert task.remind_at == local(2026, 12, 8, 10, 0)  # after three of the four hours
    assert task.default_escalation


def _kinds(user):
    return [n.kind for n in db.session.scalars(select(Notification).where(Notification.user_id == user.id)
                                               .order_by(Notification.id))]


def test_reminder_then_escalation_to_the_managers_manager(org, frozen_clock):
    task = _start_sla(org, frozen_clock, local(2026, 12, 1, 9, 0))
    manager, director = org("rm_east"), org("director")
    assert _kinds(manager) == ["task_assigned"]
    frozen_clock.now = local(2026, 12, 1, 11, 59)
    assert worker_jobs.remind_next() is None
    frozen_clock.now = local(2026, 12, 1, 12, 0)
    assert worker_jobs.remind_next() == task.id and worker_jobs.remind_next() is None
    assert _kinds(manager) == ["task_assigned", "task_reminder"]
    assert worker_jobs.escalate_next() is None
    frozen_clock.now = local(2026, 12, 1, 13, 0)
    assert worker_jobs.escalate_next() == task.id and worker_jobs.escalate_next() is None
    assert _kinds(director) == ["task_overdue"]
    escalated = db.session.scalar(select(AuditEvent).where(AuditEvent.kind == "task_escalated"))
    assert escalated.element_id == "Task_Review" and "赵东来" in escalated.data["notified"]


def test_boundary_timer_sets_the_due_date_and_the_diagram_escalates(org, frozen_clock):
    from pathlib import Path

    engine_diagrams = Path(__file__).parents[1] / "engine" / "diagrams"
    deployment.deploy({name: (engine_diagrams / name).read_bytes() for name in ("timer_probe.bpmn", "probe_form.json")})
    instance = instances.start_instance("timer_probe", {}, org("rep_east1"))
    task = db.session.scalar(select(HumanTask).where(HumanTask.instance_id == instance.id))
    assert task.due_at == frozen_clock.now + timedelta(hours=48) and not task.default_escalation
    frozen_clock.now += timedelta(hours=49)
    assert worker_jobs.escalate_next() is None  # the boundary timer takes it, not the default rule
