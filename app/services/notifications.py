"""The notification outbox: rows written in the command's own transaction,
shown in the app at once, and e-mailed by the worker after the commit."""
from sqlalchemy import bindparam, func, select, update

from app import clock
from app.extensions import db
from app.models import EmailState, Notification, NotificationPreference, Role, User, user_role
from app.services.unit_of_work import use_case

MAX_ROLE_RECIPIENTS = 50

SUBJECTS = {
    "task_assigned": "待办：{task}（{process}）",
    "task_available": "可领取：{task}（{process}）",
    "task_delegated": "{actor} 将「{task}」转交给您",
    "task_claimed_for_you": "{actor} 代您领取了「{task}」",
    "request_rejected": "您的申请被驳回：{process}",
    "instance_completed": "已办结：{process}",
    "task_reminder": "提醒：「{task}」即将到期",
    "task_overdue": "已超期：{task}（{assignee}）",
    "customer_notice": "{process}：{body}",
    "overdue_receivables": "逾期应收提醒：{body}",
    "price_changed": "调价通知：{process}",
    "service_escalated": "售后服务单超时：{process}",
    "service_follow_up": "售后服务单待跟进：{process}",
    "campaign_dispatch": "营销活动派单：{process}",
    "presales_won": "售前项目中标，请发起合同：{body}",
}


def _email_state(user: User, kind: str, mail_configured: bool) -> EmailState:
    if not mail_configured or not user.email:
        return EmailState.skipped
    preference = db.session.get(NotificationPreference, user.id)
    if preference is not None and (not preference.email_enabled or kind in (preference.muted_kinds or [])):
        return EmailState.skipped
    return EmailState.pending


_INSERT = Notification.__table__.insert()  # built once: its cache key too


def notify(users, kind: str, *, process: str = "", task=None, instance=None, actor: str = "", assignee: str = "",
           body: str = "") -> int:
    """Queue ``kind`` for each of ``users`` in the caller's transaction (its
    use case commits). ``task`` and ``instance`` need ids. Returns how many
    were queued."""
    from flask import current_app

    mail_configured = bool(current_app.config.get("MAIL_SERVER"))
    task_name = task.name if task is not None else ""
    subject = SUBJECTS[kind].format(task=task_name, process=process, actor=actor, assignee=assignee, body=body)
    rows = [{
        "user_id": user.id, "kind": kind, "subject": subject[:255], "body": body or subject,
        "instance_id": instance.id if instance is not None else None, "task_id": task.id if task is not None else None,
        "created_at": clock.now(), "read_at": None, "email_state": _email_state(user, kind, mail_configured),
        "email_attempts": 0, "next_attempt_at": None, "email_sent_at": None, "last_error": None,
    } for user in {u.id: u for u in users if u is not None and u.active}.values()]
    if rows:  # an append-only outbox: written at once, without the ORM's change tracking
        db.session.connection().execute(_INSERT, rows)
    return len(rows)


def role_holders(role_code: str) -> list[User]:
    """Every active holder of ``role_code`` in the group (notices that are
    not a role task's; a task's go to its organisation: role_scope.holders)."""
    return list(db.session.scalars(
        select(User).join(user_role).join(Role).where(Role.code == role_code, User.active.is_(True))
        .order_by(User.id).limit(MAX_ROLE_RECIPIENTS)))


_UNREAD = select(func.count()).select_from(Notification).where(  # built once: every page asks
    Notification.user_id == bindparam("user_id"), Notification.read_at.is_(None))


def unread_count(user: User) -> int:
    return db.session.scalar(_UNREAD, {"user_id": user.id}) or 0


def recent(user: User, limit: int = 30) -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(Notification.user_id == user.id)
                                   .order_by(Notification.id.desc()).limit(limit)))


def wants_email(user: User) -> bool:
    """The user's own e-mail switch: on until they turn it off."""
    preference = db.session.get(NotificationPreference, user.id)
    return preference.email_enabled if preference is not None else True


@use_case
def mark_read(user: User, notification_ids: list[int] | None = None) -> int:
    """Mark some (or all) of the user's notifications read; returns how many."""
    query = update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    if notification_ids is not None:
        query = query.where(Notification.id.in_(notification_ids))
    return db.session.execute(query.values(read_at=clock.now()).execution_options(synchronize_session=False)).rowcount


@use_case
def set_preference(user: User, *, email_enabled: bool, muted_kinds: list[str] = ()) -> NotificationPreference:
    """Store the user's e-mail choices (unknown kinds are ignored)."""
    preference = db.session.get(NotificationPreference, user.id) or NotificationPreference(user_id=user.id)
    preference.email_enabled = bool(email_enabled)
    preference.muted_kinds = sorted(set(muted_kinds) & set(SUBJECTS))
    db.session.add(preference)
    return preference
