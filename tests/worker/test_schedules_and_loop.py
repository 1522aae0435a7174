"""Timer start events on schedule, and the worker command."""
from datetime import datetime, timezone

from sqlalchemy import func, select

from app.extensions import db
from app.models import ProcessInstance, ScheduledStart
from app.services import deployment, instances, worker_jobs

from tests.worker.diagrams import files


def test_monthly_process_starts_once_on_the_first(org, frozen_clock):
    frozen_clock.now = datetime(2026, 11, 27, 12, 0, tzinfo=timezone.utc)
    deployment.deploy(files())
    assert worker_jobs.plan_schedules() == 1 and worker_jobs.plan_schedules() == 0
    schedule = db.session.get(ScheduledStart, "monthly_probe")
    assert schedule.next_due_at == datetime(2026, 11, 30, 17, 0, tzinfo=timezone.utc)  # 1 Dec 01:00 in Shanghai
    assert worker_jobs.start_next_scheduled() is None
    frozen_clock.now = datetime(2026, 11, 30, 17, 0, 1, tzinfo=timezone.utc)
    assert worker_jobs.start_next_scheduled() == "monthly_probe"
    assert worker_jobs.start_next_scheduled() is None
    started = db.session.get(ProcessInstance, schedule.last_instance_id)
    assert started.started_by.username == "system" and started.business_key == "monthly_probe@2026-11-30T17:00"
    assert schedule.next_due_at == datetime(2026, 12, 31, 17, 0, tzinfo=timezone.utc)


def test_a_timer_started_process_can_be_started_by_hand(org):
    deployment.deploy(files())
    instance = instances.start_instance("monthly_probe", {}, org("sales_admin"))
    assert instance.status.value == "running"
    assert db.session.scalar(select(func.count()).select_from(ProcessInstance)) == 1


def test_worker_once_from_the_command_line(cli, org, frozen_clock):
    from pathlib import Path

    engine_diagrams = Path(__file__).parents[1] / "engine" / "diagrams"
    deployment.deploy({name: (engine_diagrams / name).read_bytes() for name in ("timer_probe.bpmn", "probe_form.json")})
    instance_id = instances.start_instance("timer_probe", {}, org("rep_east1")).id
    frozen_clock.advance(hours=49)
    result = cli.invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert "timers 1" in result.output
    assert db.session.get(ProcessInstance, instance_id).status.value == "completed"
