"""The outbox: who hears of what, and e-mail delivered after the commit,
retried while the mail server is down."""
import socket
import threading

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import EmailState, Notification
from app.services import notifications, tasks, worker_jobs

TRIP = {"purpose": "拜访", "reason": "客户提出现场需求", "destination": "南京", "start_date": "2026-12-01", "end_date": "2026-12-02",
        "transport": "火车", "estimated_cost": 800}


def _of(user):
    return [n.kind for n in db.session.scalars(select(Notification).where(Notification.user_id == user.id)
                                               .order_by(Notification.id))]


def test_people_hear_of_what_concerns_them(flow):
    rep, manager, director = flow.user("rep_east1"), flow.user("rm_east"), flow.user("director")
    instance = flow.start("travel_request", TRIP, "rep_east1")
    assert _of(manager) == ["task_assigned"]
    flow.reject(instance, "Task_ManagerApproval", "rm_east", "请改日期")
    assert _of(rep) == ["request_rejected", "task_assigned"]
    flow.complete(instance, "Task_ReviseRequest", "rep_east1", {**TRIP, "action": "resubmit"})
    task = flow.task(instance, "Task_ManagerApproval")
    tasks.delegate_task(task.id, manager, "assistant")
    assert _of(flow.user("assistant")) == ["task_delegated"]
    flow.approve(instance, "Task_ManagerApproval", "assistant")
    flow.approve(instance, "Task_DepartmentHeadApproval", "director")
    assert _of(rep)[-1] == "instance_completed" and "task_assigned" in _of(director)
    assert notifications.unread_count(rep) == 3
    assert notifications.mark_read(rep) == 3 and notifications.unread_count(rep) == 0


def test_role_tasks_are_announced_to_the_role(flow):
    from tests.support.samples import EVALUATION, PROSPECT, RECHECK

    instance = flow.start("dealer_onboarding", PROSPECT, "rep_east2")
    flow.complete(instance, "Task_FillEvaluation", "rep_east2", EVALUATION)
    flow.complete(instance, "Task_RegionalManagerReview", "rm_east", RECHECK)
    assert _of(flow.user("director")) == ["task_available"]


class _Inbox:
    """A local SMTP server on 127.0.0.1 that counts what it receives."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.messages = []
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages.append(envelope.content.decode("utf8", "replace"))
        return "250 OK"


@pytest.fixture
def mail(app):
    inbox = _Inbox()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=inbox.port)
    yield inbox
    app.config.update(MAIL_SERVER=None, MAIL_PORT=25)
    inbox.controller.stop() if getattr(inbox.controller, "server", None) else None


def test_email_sent_once_after_commit_and_retried_while_the_server_is_down(flow, mail, frozen_clock):
    manager = flow.user("rm_east")
    manager.email = "rm_east@lanes.example"
    db.session.commit()
    notifications.set_preference(flow.user("rep_east1"), email_enabled=False)
    flow.start("travel_request", TRIP, "rep_east1")
    queued = db.session.scalar(select(Notification).where(Notification.user_id == manager.id))
    assert queued.email_state is EmailState.pending
    # the server is down: nothing is lost, the next try waits
    assert worker_jobs.send_next_email() == queued.id
    assert queued.email_state is EmailState.pending and queued.email_attempts == 1 and queued.last_error
    assert worker_jobs.send_next_email() is None  # not before its back-off
    mail.controller.start()
    frozen_clock.advance(minutes=1)
    assert worker_jobs.send_next_email() == queued.id and worker_jobs.send_next_email() is None
    assert queued.email_state is EmailState.sent and len(mail.messages) == 1
    assert f"<notification-{queued.id}@lanes>" in mail.messages[0] and "rm_east@lanes.example" in mail.messages[0]


def test_no_mail_server_means_in_app_only(flow):
    flow.user("rm_east").email = "rm_east@lanes.example"
    db.session.commit()
    flow.start("travel_request", TRIP, "rep_east1")
    assert {n.email_state for n in db.session.scalars(select(Notification))} == {EmailState.skipped}
