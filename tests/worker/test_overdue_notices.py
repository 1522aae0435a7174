"""The daily overdue-receivables notice: once a business day from 08:00,
each salesperson with overdue receivables and the manager over them hear
of them; nobody else, and never twice a day."""
from datetime import datetime, timezone

from sqlalchemy import select

from app.actions import run_action
from app.extensions import db
from app.models import Notification, User
from app.services.overdue_notices import notify_overdue_receivables
from tests.support.credit_rating import CITY_DEALER
from tests.support.ledger_harness import new_call, shipped_order


def _act(operation, **params):
    return run_action(new_call(operation, instance_id=0), params)


def _notices() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for note in db.session.scalars(select(Notification).where(Notification.kind == "overdue_receivables")
                                   .order_by(Notification.id)):
        found.setdefault(db.session.get(User, note.user_id).username, []).append(note.body)
    return found


def test_salespeople_and_their_managers_hear_of_overdue_receivables_once_a_day(sales, customer_code, frozen_clock):
    dealer = customer_code(CITY_DEALER)  # rep_east2, 45 days
    _act("ledger.issue_invoice", order=shipped_order(_act, dealer, "2026-12-01", [{"material": "MTR001", "qty": 2}]))
    assert notify_overdue_receivables() == "overdue_receivables@2026-12-01" and _notices() == {}  # nothing due yet

    frozen_clock.now = datetime(2027, 1, 15, 1, 0, tzinfo=timezone.utc)  # the due date itself: not overdue
    assert notify_overdue_receivables() == "overdue_receivables@2027-01-15" and _notices() == {}

    frozen_clock.now = datetime(2027, 1, 15, 23, 30, tzinfo=timezone.utc)  # 07:30 on the 16th in Shanghai: too early
    assert notify_overdue_receivables() is None

    frozen_clock.now = datetime(2027, 1, 16, 1, 0, tzinfo=timezone.utc)  # 09:00 on the 16th
    assert notify_overdue_receivables() == "overdue_receivables@2027-01-16"
    notices = _notices()
    assert set(notices) == {"rep_east2", "rm_east"}
    assert notices["rep_east2"] == ["截至 2027-01-16，您有1 笔逾期应收，未收 ¥1,960.00。"]
    assert "1 笔逾期应收，未收 ¥1,960.00" in notices["rm_east"][0]
    assert notify_overdue_receivables() is None  # once a day, however many workers ask

    frozen_clock.now = datetime(2027, 1, 17, 1, 0, tzinfo=timezone.utc)
    assert notify_overdue_receivables() == "overdue_receivables@2027-01-17"
    assert len(_notices()["rep_east2"]) == 2


def test_the_worker_runs_it(sales, frozen_clock):
    from app.services import worker

    assert "overdue_receivables" in worker.JOBS
    assert worker.run_pass()["overdue_receivables"] == 1
    assert worker.run_pass()["overdue_receivables"] == 0
