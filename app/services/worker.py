"""The background worker's loop: every job until none is due, then a pause.

Several workers may run against PostgreSQL: each item is taken with
``SELECT … FOR UPDATE SKIP LOCKED`` inside the transaction that does it. On
SQLite run one worker."""
import logging
import threading

from flask import current_app

from app.extensions import db
from app.services import checkpoints, credit_requests, credit_settlements, events, worker_jobs
from app.services import migrations, overdue_notices

log = logging.getLogger(__name__)

def _messages():
    """Message delivery walks forward past messages nobody can take yet."""
    last = 0

    def job():
        nonlocal last
        item = events.deliver_next_message(last)
        last = item or last
        return item

    return job


# name -> a factory of the job for one pass; a job does one item and returns it (None: nothing due)
JOBS = {
    "timers": lambda: events.fire_next_due_timer,
    "scheduled_starts": lambda: worker_jobs.start_next_scheduled,
    "messages": _messages,
    "credit_rating_requests": lambda: credit_requests.start_next_requested_rating,
    "credit_rating_settlements": lambda: credit_settlements.settle_next_waiting_onboarding,
    "reminders": lambda: worker_jobs.remind_next,
    "escalations": lambda: worker_jobs.escalate_next,
    "emails": lambda: worker_jobs.send_next_email,
    "checkpoints": lambda: checkpoints.make_due_checkpoint,
    "migrations": lambda: migrations.migrate_next_item,
    "overdue_receivables": lambda: overdue_notices.notify_overdue_receivables,
}
MAX_ITEMS_PER_JOB = 500  # per pass, so one busy job cannot starve the others


def run_pass() -> dict[str, int]:
    """One pass over every job; how many items each did."""
    worker_jobs.plan_schedules()
    done = {}
    for name, factory in JOBS.items():
        job, count = factory(), 0
        while count < MAX_ITEMS_PER_JOB:
            try:
                item = job()
            except Exception:  # logged; the item stays due and is tried in the next pass
                log.exception("worker job %s failed", name)
                db.session.rollback()
                break
            if item is None:
                break
            count += 1
        done[name] = count
    db.session.remove()
    return done


def run(stop: threading.Event, once: bool = False) -> dict[str, int]:
    """Pass after pass until ``stop`` is set (SIGTERM) or, with ``once``, one pass."""
    totals: dict[str, int] = {}
    interval = current_app.config["WORKER_INTERVAL_SECONDS"]
    while not stop.is_set():
        done = run_pass()
        for name, count in done.items():
            totals[name] = totals.get(name, 0) + count
        if any(done.values()):
            log.info("worker pass: %s", done)
        if once:
            break
        if not any(done.values()):
            stop.wait(interval)
    return totals
