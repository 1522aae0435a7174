"""The daily overdue-receivables notice (receivables monitoring, issue 21):
once a business day, from 08:00 business time, each salesperson with
receivables past their due date hears how many and how much is open, and
each manager over them hears their people's figures. Receivables are the
ledger's (``balances.outstanding_as_of``), credited to the salesperson the
receivable names; a receivable is overdue from the day after its due date,
as in the ageing report. A row of ``daily_job`` taken with SKIP LOCKED
makes it once a day whatever the number of workers."""
from collections import defaultdict
from datetime import date, time

from sqlalchemy import func, or_, select

from app import clock
from app.extensions import db
from app.ledger.balances import outstanding_as_of
from app.models import DailyJob, Receivable, User
from app.services.events import take_one
from app.services.notifications import notify
from app.services.unit_of_work import use_case

JOB = "overdue_receivables"
RUN_FROM = time(8, 0)  # business time: the salespeople read it when the day starts


def overdue_by_salesperson(as_of: date) -> list[tuple[int, int, object]]:
    """(salesperson id, overdue receivables, their open total) as of ``as_of``."""
    opened = outstanding_as_of(as_of)
    return list(db.session.execute(
        select(Receivable.salesperson_id, func.count(), func.sum(opened.c.open)).select_from(opened)
        .join(Receivable, Receivable.id == opened.c.receivable_id)
        .where(opened.c.open > 0, Receivable.due_date < as_of, Receivable.salesperson_id.is_not(None))
        .group_by(Receivable.salesperson_id).order_by(Receivable.salesperson_id)).all())


def _line(count: int, total) -> str:
    return f"{count} 笔逾期应收，未收 ¥{total:,.2f}"


def _due_today(today: date) -> bool:
    """Take today's run: False when another worker has it or it ran today."""
    if db.session.get(DailyJob, JOB) is None:
        db.session.add(DailyJob(name=JOB, last_run_on=None))
        db.session.flush()
    taken = take_one(select(DailyJob.name).where(DailyJob.name == JOB,
                                                 or_(DailyJob.last_run_on.is_(None), DailyJob.last_run_on < today)))
    if taken is None:
        return False
    db.session.get(DailyJob, JOB).last_run_on = today
    return True


@use_case
def notify_overdue_receivables() -> str | None:
    """The worker's job: today's notices when due (``overdue_receivables@<day>``), else None."""
    local = clock.now().astimezone(clock.business_timezone())
    today = local.date()
    if local.time() < RUN_FROM or not _due_today(today):
        return None
    managers: dict[int, list[str]] = defaultdict(list)
    for salesperson_id, count, total in overdue_by_salesperson(today):
        person = db.session.get(User, salesperson_id)
        notify([person], "overdue_receivables", body=f"截至 {today}，您有{_line(count, total)}。")
        if person.manager is not None:
            managers[person.manager_id].append(f"{person.display_name or person.username}：{_line(count, total)}")
    for manager_id, lines in managers.items():
        notify([db.session.get(User, manager_id)], "overdue_receivables",
               body=f"截至 {today}，下属逾期应收——" + "；".join(lines) + "。")
    return f"{JOB}@{today}"
