"""Keeps each instance's row of the auditors' read model (InstanceSummary)
current, inside the command that changed the instance: ``finish`` of every
instance command, a reassignment and a job that put an instance in error
call ``refresh_summary``. Nothing here commits.

What a row says about a request's data (its customer and amount) is read by
``summary_figures`` from the instance data, whose keys vary per flow."""
import functools
from decimal import Decimal, InvalidOperation

from sqlalchemy import bindparam, insert, select, update

from app.audit.chain import appended_since
from app.extensions import db
from app.models import AuditEvent, CreditOverride, Customer, InstanceStatus, InstanceSummary, ProcessInstance
from app.services.step_summaries import count_completed_instance
from app.services.step_visits import refresh_step_visits, seconds_between

# The request's total, by the first of these keys its data holds: the
# contract (F01), a promotion or payment, a delivery note, a travel estimate.
AMOUNT_KEYS = ("contract_amount", "amount", "total_amount", "estimated_cost")
# Lists whose lines' ``amount`` add up to the request's total (travel
# claims, receipt hand-overs).
AMOUNT_LINE_KEYS = ("claim_lines", "receipts")
# Event kinds that are an administrator stepping in; a cancel counts when
# somebody other than the starter made it. Escalations are the worker's, not
# a person's, and are left out. A message delivered by a person (by hand,
# not the worker) counts too.
ADMIN_EVENT_KINDS = ("retry", "task_reassigned", "timer_fired_early", "instance_migrated")
CREDIT_OVERRIDE_OPERATION = "ledger.release_credit_hold"
AMOUNT_LIMIT = Decimal("1e15")


def _decimal(value) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    if not number.is_finite() or abs(number) >= AMOUNT_LIMIT:
        return None
    return number.quantize(Decimal("0.01"))


def _amount(data: dict) -> Decimal | None:
    for key in AMOUNT_KEYS:
        number = _decimal(data.get(key))
        if number is not None:
            return number
    for key in AMOUNT_LINE_KEYS:
        lines = data.get(key)
        if isinstance(lines, list) and lines:
            numbers = [_decimal(line.get("amount")) for line in lines if isinstance(line, dict)]
            numbers = [number for number in numbers if number is not None]
            if numbers:
                total = sum(numbers, Decimal("0"))
                return total if abs(total) < AMOUNT_LIMIT else None
    return None


def _text(value, length: int) -> str | None:
    return value.strip()[:length] or None if isinstance(value, str) else None


def summary_figures(data: dict) -> tuple[str | None, str | None, Decimal | None]:
    """(customer code, customer name, amount) of a request's data: the code
    from ``customer``, a name from a new customer or a dealer prospect's
    company (those have no code yet), the amount by AMOUNT_KEYS then the sum
    of AMOUNT_LINE_KEYS lines. Each is None when the data has none."""
    if not isinstance(data, dict):
        return None, None, None
    code = _text(data.get("customer"), 32)
    name = None
    new_customer = data.get("new_customer")
    if isinstance(new_customer, dict):
        name = _text(new_customer.get("name"), 255)
    name = name or _text(data.get("company_name"), 255)
    return code, name, _amount(data)


def _customer_name(code: str | None, fallback: str | None) -> str | None:
    if code is None:
        return fallback
    return db.session.scalar(select(Customer.name).where(Customer.code == code)) or fallback


def _new_flags(instance: ProcessInstance, since_seq: int) -> tuple[bool, bool, bool]:
    """(exception, admin_action, error) from the events of the instance's
    chain after ``since_seq``: the flags are sticky, so only what the command
    added is read, and a step costs the same however long the history."""
    events = appended_since(instance, since_seq)  # what this command appended, without reading it back
    if events is None:
        events = db.session.execute(
            select(AuditEvent.kind, AuditEvent.actor, AuditEvent.task_id, AuditEvent.data)
            .where(AuditEvent.chain == f"instance:{instance.id}", AuditEvent.seq > since_seq)).all()
    starter = instance.started_by.username if instance.started_by else None
    error = any(event.kind == "error" for event in events)
    admin = any(event.kind in ADMIN_EVENT_KINDS or (event.kind == "instance_cancelled" and event.actor != starter)
                or (event.kind == "message_delivered" and event.actor) for event in events)
    # An override is posted under its service call's idempotency key
    # (app/actions.py), so the keys are known exactly and looked up by index.
    keys = [f"{instance.id}:{event.task_id}:{CREDIT_OVERRIDE_OPERATION}" for event in events
            if event.kind == "service_call" and isinstance(event.data, dict)
            and event.data.get("operation") == CREDIT_OVERRIDE_OPERATION]
    exception = bool(keys) and db.session.scalar(
        select(CreditOverride.id).where(CreditOverride.source_key.in_(keys)).limit(1)) is not None
    return exception, admin, error


_SUMMARY = InstanceSummary.__table__
_READ_SUMMARY = select(_SUMMARY).where(_SUMMARY.c.instance_id == bindparam("instance_id"))


@functools.lru_cache(maxsize=64)
def _summary_update(columns: tuple):
    """UPDATE of ``columns`` of one summary row, built once per set of columns."""
    return (update(_SUMMARY).where(_SUMMARY.c.instance_id == bindparam("summary_of"))
            .values({column: bindparam(column) for column in columns}))


def refresh_summary(instance: ProcessInstance) -> None:
    """Bring the instance's summary row up to date with the instance as it
    now is (creating it on the first command). Flags never go back to False.
    The customer and amount are the last ones the data carried. Read and
    written through Core on the session's connection: the ORM tracks no
    summary row, so a step pays no unit-of-work bookkeeping for it. Raises
    nothing of its own."""
    if instance.id is None:
        db.session.flush()
    connection = db.session.connection()
    row = connection.execute(_READ_SUMMARY, {"instance_id": instance.id}).mappings().first()
    code, name, amount = summary_figures(instance.data or {})
    exception, admin, error = _new_flags(instance, row["revision"] if row is not None else 0)
    if code is not None or name is not None:
        name = row["customer_name"] if row is not None and code is not None and code == row["customer_code"] \
            else _customer_name(code, name)
    before = dict(row) if row is not None else {"exception": False, "admin_action": False, "error": False}
    now = {"definition_id": instance.definition_id, "process_key": instance.process_key,
           "status": instance.status.value, "business_key": instance.business_key,
           "started_by_id": instance.started_by_id, "started_at": instance.started_at, "ended_at": instance.ended_at,
           "exception": bool(before["exception"]) or exception, "admin_action": bool(before["admin_action"]) or admin,
           "error": bool(before["error"]) or error or instance.status.value == "error",
           "revision": instance.audit_seq}
    # Data a step no longer carries (a cancelled engine keeps none) leaves
    # the last figures known standing.
    if code is not None or name is not None:
        now["customer_code"], now["customer_name"] = code, name
    if amount is not None:
        now["amount"] = amount
    if row is None:
        connection.execute(insert(_SUMMARY), {"instance_id": instance.id, **now})
    else:
        changed = {key: value for key, value in now.items() if row[key] != value}
        if changed:
            connection.execute(_summary_update(tuple(sorted(changed))), {**changed, "summary_of": instance.id})
    # The process analytics' read model changes with the same commands.
    refresh_step_visits(instance)
    was_completed = before.get("status") == InstanceStatus.completed.value
    if now["status"] == InstanceStatus.completed.value and not was_completed and now["ended_at"] is not None:
        count_completed_instance(now["definition_id"], now["process_key"],
                                 seconds_between(now["started_at"], now["ended_at"]), now["ended_at"])
