"""Several worker processes on PostgreSQL: every due timer fires once and
every e-mail is sent once; a worker killed mid-job loses nothing."""
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from app import clock
from app.demo.organisation import load_demo_organisation
from app.extensions import db
from app.models import AuditEvent, EmailState, InstanceStatus, Notification, ProcessInstance, User
from app.services import deployment, instances
from tests.worker.test_notifications import _Inbox

# real_clock: the worker processes read the system clock, so the seeded timers are due by it
pytestmark = [pytest.mark.postgresql_only, pytest.mark.real_clock]
REPO = Path(__file__).resolve().parents[2]
DIAGRAMS = REPO / "tests" / "engine" / "diagrams"


def _seed(app, count, mail_port=None):
    """``count`` instances whose 48-hour timer is already due."""
    with app.app_context():
        load_demo_organisation()
        deployment.deploy({name: (DIAGRAMS / name).read_bytes() for name in ("timer_probe.bpmn", "probe_form.json")})
        rep = db.session.scalar(select(User).where(User.username == "rep_east1"))
        rep.email = "rep_east1@lanes.example"
        db.session.commit()
        three_days_ago = clock.now() - timedelta(days=3)
        clock.set_clock(app, lambda: three_days_ago)
        app.config.update(MAIL_SERVER="127.0.0.1" if mail_port else None, MAIL_PORT=mail_port or 25)
        try:
            ids = [instances.start_instance("timer_probe", {}, rep).id for _ in range(count)]
        finally:
            clock.set_clock(app, None)
            app.config.update(MAIL_SERVER=None, MAIL_PORT=25)
        db.session.remove()
    return ids


def _worker(database_url, tmp_path, *args, **env):
    environment = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "workers",
                   "LANES_INSTANCE_PATH": str(tmp_path), "WORKER_INTERVAL_SECONDS": "0.2",
                   **{key: str(value) for key, value in env.items()}}
    log = open(tmp_path / f"worker-{time.monotonic_ns()}.log", "wb")  # a file: a full pipe would stall the worker
    process = subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "worker", *args], cwd=REPO,
                               env=environment, stdout=log, stderr=subprocess.STDOUT)
    process.log_path = log.name
    log.close()
    return process


def _output(worker) -> str:
    return Path(worker.log_path).read_text(errors="replace")[-3000:]


def _fired_per_instance(ids):
    rows = db.session.execute(select(AuditEvent.instance_id, func.count()).where(
        AuditEvent.kind == "timer_fired", AuditEvent.instance_id.in_(ids)).group_by(AuditEvent.instance_id)).all()
    return {instance_id: count for instance_id, count in rows}


def test_four_workers_fire_each_timer_and_send_each_email_once(committed_app, database_url, tmp_path):
    inbox = _Inbox()
    inbox.controller.start()
    try:
        ids = _seed(committed_app, int(os.environ.get("LANES_WORKER_TEST_SIZE", "500")), mail_port=inbox.port)
        started = time.monotonic()
        workers = [_worker(database_url, tmp_path, MAIL_SERVER="127.0.0.1", MAIL_PORT=inbox.port) for _ in range(4)]
        with committed_app.app_context():
            deadline = time.monotonic() + 240
            while time.monotonic() < deadline:
                running = db.session.scalar(select(func.count()).select_from(ProcessInstance).where(
                    ProcessInstance.status == InstanceStatus.running))
                pending = db.session.scalar(select(func.count()).select_from(Notification).where(
                    Notification.email_state == EmailState.pending))
                db.session.rollback()
                if running == 0 and pending == 0:
                    break
                time.sleep(0.5)
            elapsed = time.monotonic() - started
            for worker in workers:
                worker.send_signal(signal.SIGTERM)
            exits = []
            for worker in workers:
                try:
                    exits.append(worker.wait(timeout=60))
                except subprocess.TimeoutExpired:
                    worker.kill()
                    exits.append(f"hung: {_output(worker)}")
            fired = _fired_per_instance(ids)
            notifications = list(db.session.scalars(select(Notification)))
            db.session.remove()
    finally:
        inbox.controller.stop()
    message_ids = [line.split(":", 1)[1].strip() for message in inbox.messages
                   for line in message.splitlines() if line.lower().startswith("message-id:")]
    print(f"\n4 workers: {len(fired)} timers fired, {len(message_ids)} e-mails sent in {elapsed:.1f} s")
    for worker, code in zip(workers, exits):
        if code != 0:
            Path("/tmp/failed-worker.log").write_text(_output(worker))
    assert exits == [0, 0, 0, 0], [_output(worker) for worker in workers]
    assert len(fired) == len(ids) and set(fired.values()) == {1}
    assert len(notifications) == 2 * len(ids)  # task assigned + instance completed, per instance
    assert {n.email_state for n in notifications} == {EmailState.sent}
    assert len(message_ids) == len(notifications) and len(set(message_ids)) == len(notifications)
    assert set(message_ids) == {f"<notification-{n.id}@lanes>" for n in notifications}


def test_a_killed_worker_s_job_is_done_once_by_another(committed_app, database_url, tmp_path):
    ids = _seed(committed_app, 3)
    stuck = _worker(database_url, tmp_path, "--once", WORKER_FAULT_PAUSE_SECONDS=120)
    with committed_app.app_context():
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # until the worker sits inside a job's transaction
            busy = db.session.scalar(text(
                "SELECT count(*) FROM pg_stat_activity WHERE state = 'idle in transaction' AND pid <> pg_backend_pid()"))
            db.session.rollback()
            if busy:
                break
            time.sleep(0.2)
        assert busy, "the worker never took a job"
        stuck.send_signal(signal.SIGKILL)
        stuck.wait(timeout=30)
        rescuer = _worker(database_url, tmp_path, "--once")
        assert rescuer.wait(timeout=120) == 0, _output(rescuer)
        fired = _fired_per_instance(ids)
        statuses = set(db.session.scalars(select(ProcessInstance.status).where(ProcessInstance.id.in_(ids))))
        db.session.remove()
    assert fired == {instance_id: 1 for instance_id in ids}
    assert statuses == {InstanceStatus.completed}
