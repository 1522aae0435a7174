"""Find any request: the auditors' filter over every process instance.

``parse_filter`` reads query arguments into an ``InstanceFilter``;
``filtered`` is the matching instances' summary rows as a SELECT, in the
asked order (the page, the API and the exports build on it); ``search`` is
one page of them with the total and the counts per status; ``describe`` is
the filter as JSON, for echoing and for an export's header.

Everything reads the read model ``instance_summary`` (one row per instance,
indexed per filter and sort: app/models/instance_summary.py), never the
instance state. Paging is limit/offset: the page shows numbered pages and
a total, auditors narrow by filters rather than walk deep, and an offset of
a few thousand rows on an index stays in milliseconds (bench/audit_find.py).

Flags: ``exception`` is a credit-limit override (CreditOverride) on the
instance, or a refused segregation-of-duties attempt on it (``sod_refusal``);
``admin_action`` a retry, a reassignment, or a cancel by someone
other than the starter (escalations are the worker's, not a person's);
``error`` the instance was ever in error."""
from dataclasses import dataclass, fields as dataclass_fields, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Mapping

from sqlalchemy import Select, func, or_, select, union

from app import clock
from app.bounds import NUMBER_MAX, date_problem, is_ascii_number, text_problem
from app.errors import Forbidden, ValidationFailed
from app.extensions import db
from app.models import AuditEvent, Customer, InstanceStatus, InstanceSummary, ProcessDefinition, SodRefusal, User
from app.services.accounts import find_user
from app.services.queries import sees_everything

S = InstanceSummary
MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 20
MAX_PAGE = 100_000
SORTS = ("-started_at", "started_at", "-ended_at", "ended_at", "-amount", "amount", "-id", "id")
DEFAULT_SORT = "-started_at"
STATUSES = tuple(status.value for status in InstanceStatus)
FLAGS = ("exception", "admin_action", "error")
_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")
_TEXT_LIMITS = {"process_key": 128, "starter": 64, "actor": 64, "business_key": 128, "customer": 255}
# A customer name part matching more customers than this is too vague to
# search by; the auditor is asked to be more precise.
MAX_CUSTOMERS = 1000


class BadFilter(ValidationFailed):
    """A filter argument that is not what the filter takes: 400, naming it."""

    status = 400
    code = "bad_filter"


@dataclass(frozen=True)
class InstanceFilter:
    process_key: str | None = None
    version: int | None = None
    status: str | None = None
    started_from: date | None = None  # business dates, both ends inclusive
    started_to: date | None = None
    ended_from: date | None = None
    ended_to: date | None = None
    starter: str | None = None  # username
    actor: str | None = None  # username: acted in it, or was acted for
    business_key: str | None = None
    customer: str | None = None  # customer code, or part of its name
    amount_min: Decimal | None = None
    amount_max: Decimal | None = None
    exception: bool | None = None  # True: has one; False: has none; None: either
    admin_action: bool | None = None
    error: bool | None = None
    sort: str = DEFAULT_SORT
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE


# The query arguments the filter reads (its fields); any other is ignored.
ARGUMENTS = tuple(field.name for field in dataclass_fields(InstanceFilter))


@dataclass(frozen=True)
class FoundInstance:
    """One row of the results: enough to list it and link to it."""

    id: int
    process_key: str
    process_name: str
    version: int
    status: str
    business_key: str | None
    customer_code: str | None
    customer_name: str | None
    amount: Decimal | None
    starter: str
    starter_name: str
    started_at: datetime
    ended_at: datetime | None
    exception: bool
    admin_action: bool
    error: bool


@dataclass(frozen=True)
class Page:
    rows: list
    total: int
    counts: dict  # status -> instances matching every criterion but the status
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def ensure_may_search(actor: User | None) -> None:
    """Raises Forbidden unless ``actor`` is an auditor or a process admin."""
    if actor is None or not sees_everything(actor):
        raise Forbidden("Only auditors and process administrators may search every request.")


def _bad(field: str, message: str):
    return BadFilter.for_fields({field: [message]}, message=f"The filter {field} is not valid.")


def _text(args: Mapping[str, str], name: str) -> str | None:
    value = args.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise _bad(name, "Must be text.")
    problem = text_problem(value)
    if problem:
        raise _bad(name, problem)
    value = value.strip()
    if len(value) > _TEXT_LIMITS.get(name, 64):
        raise _bad(name, f"Must be at most {_TEXT_LIMITS.get(name, 64)} characters.")
    return value or None


def _integer(args, name: str, low: int, high: int) -> int | None:
    value = _text(args, name)
    if value is None:
        return None
    if not value.isascii() or not value.isdigit() or not low <= int(value) <= high:
        raise _bad(name, f"Must be a whole number from {low} to {high}.")
    return int(value)


def _date(args, name: str) -> date | None:
    value = _text(args, name)
    if value is None:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise _bad(name, "Must be a date written YYYY-MM-DD.") from None
    problem = date_problem(day)
    if problem:
        raise _bad(name, problem)
    return day


def _amount(args, name: str) -> Decimal | None:
    value = _text(args, name)
    if value is None:
        return None
    try:
        number = Decimal(value) if is_ascii_number(value) else None
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or abs(number) >= NUMBER_MAX:
        raise _bad(name, "Must be an amount such as 12000 or 12000.50.")
    return number


def _flag(args, name: str) -> bool | None:
    value = _text(args, name)
    if value is None:
        return None
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise _bad(name, "Must be 1 (has it) or 0 (has not).")


def _choice(args, name: str, choices: tuple, default=None):
    value = _text(args, name)
    if value is None:
        return default
    if value not in choices:
        raise _bad(name, f"Must be one of: {', '.join(choices)}.")
    return value


def parse_filter(args: Mapping[str, str]) -> InstanceFilter:
    """The filter that query arguments ask for; empty arguments are unset,
    unknown ones ignored. Raises BadFilter (a ValidationFailed, status 400)
    naming the first field that is not valid."""
    flt = InstanceFilter(
        process_key=_text(args, "process_key"), version=_integer(args, "version", 1, 1_000_000),
        status=_choice(args, "status", STATUSES),
        started_from=_date(args, "started_from"), started_to=_date(args, "started_to"),
        ended_from=_date(args, "ended_from"), ended_to=_date(args, "ended_to"),
        starter=_text(args, "starter"), actor=_text(args, "actor"), business_key=_text(args, "business_key"),
        customer=_text(args, "customer"), amount_min=_amount(args, "amount_min"), amount_max=_amount(args, "amount_max"),
        exception=_flag(args, "exception"), admin_action=_flag(args, "admin_action"), error=_flag(args, "error"),
        sort=_choice(args, "sort", SORTS, DEFAULT_SORT), page=_integer(args, "page", 1, MAX_PAGE) or 1,
        per_page=_integer(args, "per_page", 1, MAX_PER_PAGE) or DEFAULT_PER_PAGE)
    for low, high in (("started_from", "started_to"), ("ended_from", "ended_to"), ("amount_min", "amount_max")):
        if getattr(flt, low) is not None and getattr(flt, high) is not None and getattr(flt, low) > getattr(flt, high):
            raise _bad(high, f"Must not be before {low}.")
    return flt


def describe(flt: InstanceFilter) -> dict:
    """The criteria set in ``flt`` (paging and the default sort left out),
    JSON-able: dates ISO, amounts as strings."""
    described = {}
    for field in dataclass_fields(flt):
        value = getattr(flt, field.name)
        if value is None or field.name in ("page", "per_page") or (field.name == "sort" and value == DEFAULT_SORT):
            continue
        described[field.name] = value.isoformat() if isinstance(value, date) else (
            str(value) if isinstance(value, Decimal) else value)
    return described


def _day_start(day: date) -> datetime:
    """The instant the business date ``day`` begins."""
    return datetime.combine(day, time.min, tzinfo=clock.business_timezone())


def _user_id(username: str) -> int:
    user = find_user(username)
    return user.id if user else -1  # an unknown name matches nothing


def _customer_condition(text: str):
    """Its code as typed or in capitals, or any customer whose name holds
    ``text``; a request for a customer not (yet) in the master data (a new
    mail-order customer, a dealer prospect) by its full name."""
    codes = set(db.session.scalars(select(Customer.code).where(
        or_(Customer.code.in_((text, text.upper())), Customer.name.contains(text, autoescape=True)))
        .limit(MAX_CUSTOMERS + 1)))
    if len(codes) > MAX_CUSTOMERS:
        raise _bad("customer", f"Matches more than {MAX_CUSTOMERS} customers; type more of the name.")
    codes |= {text, text.upper()}
    return or_(S.customer_code.in_(sorted(codes)), S.customer_name == text)


def _conditions(flt: InstanceFilter, *, status: bool = True) -> list:
    conds = []
    if flt.process_key is not None:
        conds.append(S.process_key == flt.process_key)
    if flt.version is not None:
        versions = select(ProcessDefinition.id).where(ProcessDefinition.version == flt.version)
        if flt.process_key is not None:
            versions = versions.where(ProcessDefinition.key == flt.process_key)
        conds.append(S.definition_id.in_(versions))
    if status and flt.status is not None:
        conds.append(S.status == flt.status)
    if flt.started_from is not None:
        conds.append(S.started_at >= _day_start(flt.started_from))
    if flt.started_to is not None:
        conds.append(S.started_at < _day_start(flt.started_to + timedelta(days=1)))
    if flt.ended_from is not None:
        conds.append(S.ended_at >= _day_start(flt.ended_from))
    if flt.ended_to is not None:
        conds.append(S.ended_at < _day_start(flt.ended_to + timedelta(days=1)))
    if flt.starter is not None:
        conds.append(S.started_by_id == _user_id(flt.starter))
    if flt.actor is not None:
        # Two index-only scans (app/models/instance_summary.py), not one OR.
        conds.append(S.instance_id.in_(union(
            select(AuditEvent.instance_id).where(AuditEvent.actor == flt.actor, AuditEvent.instance_id.is_not(None)),
            select(AuditEvent.instance_id).where(AuditEvent.on_behalf_of == flt.actor,
                                                 AuditEvent.instance_id.is_not(None)))))
    if flt.business_key is not None:
        conds.append(S.business_key == flt.business_key)
    if flt.customer is not None:
        conds.append(_customer_condition(flt.customer))
    if flt.amount_min is not None:
        conds.append(S.amount >= flt.amount_min)
    if flt.amount_max is not None:
        conds.append(S.amount <= flt.amount_max)
    if flt.exception is not None:
        # A refused attempt rolled back its own command, so it is never on the
        # summary row; the refusals table is small, so the union stays an index lookup.
        has = S.instance_id.in_(union(select(S.instance_id).where(S.exception.is_(True)),
                                      select(SodRefusal.instance_id)))
        conds.append(has if flt.exception else ~has)
    for name in ("admin_action", "error"):
        wanted = getattr(flt, name)
        if wanted is not None:
            conds.append(getattr(S, name).is_(wanted))
    return conds


def _with_refusals(rows: list) -> list:
    """``rows`` with ``exception`` also set where a refused attempt was kept."""
    if not rows:
        return rows
    ids = set(db.session.scalars(select(SodRefusal.instance_id).where(
        SodRefusal.instance_id.in_([row.id for row in rows]))))
    return [replace(row, exception=True) if row.id in ids else row for row in rows]


def _order(sort: str) -> list:
    column = {"started_at": S.started_at, "ended_at": S.ended_at, "amount": S.amount, "id": S.instance_id}[
        sort.lstrip("-")]
    descending = sort.startswith("-")
    first = column.desc() if descending else column.asc()
    if column is not S.instance_id and column is not S.started_at:
        first = first.nulls_last()  # requests without an amount or not ended come after the rest
    return [first] if column is S.instance_id else [first, S.instance_id.desc() if descending else S.instance_id.asc()]


def filtered(flt: InstanceFilter) -> Select:
    """The summary rows (InstanceSummary) of every instance matching
    ``flt``, in its order, unpaged. Raises BadFilter (a customer name part
    too vague)."""
    return select(S).where(*_conditions(flt)).order_by(*_order(flt.sort))


def search(flt: InstanceFilter, actor: User | None) -> Page:
    """One page of the instances matching ``flt``, the total, and per status
    how many match every other criterion. Raises Forbidden (not an auditor
    or process admin), BadFilter."""
    ensure_may_search(actor)
    others = _conditions(flt, status=False)
    matching = others + ([S.status == flt.status] if flt.status is not None else [])
    counts = {status: 0 for status in STATUSES}
    counts.update(db.session.execute(select(S.status, func.count()).where(*others).group_by(S.status)).all())
    total = counts.get(flt.status, 0) if flt.status else sum(counts.values())
    query = (select(S, ProcessDefinition.name, ProcessDefinition.version, User.username, User.display_name)
             .join(ProcessDefinition, ProcessDefinition.id == S.definition_id)
             .join(User, User.id == S.started_by_id)
             .where(*matching).order_by(*_order(flt.sort))
             .offset((flt.page - 1) * flt.per_page).limit(flt.per_page))
    rows = [FoundInstance(
        id=summary.instance_id, process_key=summary.process_key, process_name=name, version=version,
        status=summary.status, business_key=summary.business_key, customer_code=summary.customer_code,
        customer_name=summary.customer_name, amount=summary.amount, starter=username, starter_name=display_name,
        started_at=summary.started_at, ended_at=summary.ended_at, exception=bool(summary.exception),
        admin_action=bool(summary.admin_action), error=bool(summary.error))
        for summary, name, version, username, display_name in db.session.execute(query)
    ] if total > (flt.page - 1) * flt.per_page else []  # past the last match: nothing to fetch
    return Page(_with_refusals(rows), total, counts, flt.page, flt.per_page)


def process_choices() -> list[tuple[str, str]]:
    """(key, name of its latest version) of every deployed process, by key:
    the choices of the find page's process filter."""
    latest = select(ProcessDefinition.key, func.max(ProcessDefinition.version).label("version")) \
        .group_by(ProcessDefinition.key).subquery()
    return list(db.session.execute(select(ProcessDefinition.key, ProcessDefinition.name).join(
        latest, (latest.c.key == ProcessDefinition.key) & (latest.c.version == ProcessDefinition.version))
        .order_by(ProcessDefinition.key)).all())
