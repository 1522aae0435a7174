"""Customer master data, as the flows create it, and its history.

Class, region, channel, salesperson, payment days and the hold and active
flags are versioned (LEDGER.md "Master data"): every change is a new
``CustomerProfile`` row valid from a date, never an update (credit limit and
rating keep their own history, ``CustomerCredit``). ``customer_as_of`` reads
the version of any day.

The ``Customer`` row keeps a snapshot of the version effective *today*,
because the documents copy the salesperson and region from it. A version
dated today or earlier is applied to it at once; a future-dated one waits
and is applied by ``refresh_snapshot`` when an action next needs the
customer after its day comes (``refreshed_customer``, the next change) —
no nightly job to forget, and a document can never copy a stale value, since
each action finds its customer through one of those paths. A credit limit
decided for a later day (``CustomerCredit``) comes due the same way."""
from datetime import date as date_type
from decimal import Decimal, InvalidOperation

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from app import clock
from app.extensions import db
from app.ledger.catalogue import customer_by_code
from app.ledger.journal import take_number, today
from app.ledger.posting import Source, posted_once
from app.models import Customer, CustomerClass, CustomerCredit, CustomerProfile, User
from app.actions import WHOLE_INPUT, ActionCall, BusinessRuleViolation, action

CHANNELS = ("direct", "dealer", "mail_order")
_CODE_PREFIX = {"direct": "C", "dealer": "D", "mail_order": "M"}


def _money(value, field: str) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError, TypeError):
        raise BusinessRuleViolation("invalid_amount", f"{field} is not an amount: {value!r}", field=field)
    if amount < 0:
        raise BusinessRuleViolation("invalid_amount", f"{field} may not be negative.", field=field)
    return amount


def next_customer_code(channel: str) -> str:
    """The next free code for a channel: D00001 (dealer), C… (direct), M…
    (mail order), from the channel's counter (``journal.take_number``: no
    duplicate under concurrency, no reuse)."""
    prefix = _CODE_PREFIX[channel]
    return f"{prefix}{take_number(f'customer:{prefix}', '', Customer.code, prefix, 5):05d}"


@action("ledger.create_customer")
def create_customer(call: ActionCall, *, name: str, region: str, channel: str = "dealer", province: str | None = None,
                    credit_limit=0, payment_days=30, contract_number: str | None = None,
                    salesperson: str | None = None, customer_class: str | None = None) -> dict:
    """Create the customer file, version 1 of its profile and the first
    version of its credit history (flushes only); ``customer_class`` links the class tree node with that
    code when there is one. Idempotent per call. Breaks the rule
    ``duplicate_customer`` when the name exists, ``invalid_amount`` for a bad
    credit limit."""
    def open_file() -> Customer:
        title = (name or "").strip()
        if not title:
            raise BusinessRuleViolation("missing_name", "A customer needs a name.", field="name")
        if channel not in CHANNELS:
            raise BusinessRuleViolation("invalid_channel", f"Channel must be one of {', '.join(CHANNELS)}.", field="channel")
        if db.session.scalar(select(Customer.id).where(Customer.name == title)) is not None:
            raise BusinessRuleViolation("duplicate_customer", f"A customer named {title} already exists.")
        limit = _money(credit_limit, "credit_limit")
        rep = db.session.scalar(select(User).where(User.username == salesperson)) if salesperson else None
        customer = Customer(
            code=next_customer_code(channel), name=title, customer_class=customer_class or channel, channel=channel,
            region=region, province=province, salesperson=rep, payment_days=int(payment_days or 0), credit_limit=limit,
            contract_number=contract_number, source_key=call.idempotency_key, created_at=clock.now(),
        )
        customer.class_id = db.session.scalar(select(CustomerClass.id).where(CustomerClass.code == customer.customer_class))
        db.session.add(customer)
        db.session.add(opening_version(customer, reason="onboarding", decided_by_id=call.actor_id,
                                       source_key=f"{call.idempotency_key}#profile"))
        db.session.flush()
        # the opening version of the credit history, so every limit has its record
        db.session.add(CustomerCredit(customer=customer, credit_limit=limit, valid_from=today(), reason="onboarding",
                                      decided_by_id=call.actor_id, source_key=f"{call.idempotency_key}#credit", created_at=clock.now()))
        db.session.flush()
        return customer

    customer = posted_once(Customer, call.idempotency_key, open_file)
    return {"customer_code": customer.code, "customer_id": customer.id}


# --- the versioned master data ---------------------------------------------------------------------------------------

PROFILE_FIELDS = ("customer_class", "class_id", "channel", "region", "province", "salesperson_id", "payment_days",
                  "on_hold", "active")


def versions(customer: Customer) -> list[CustomerProfile]:
    """The customer's versions, oldest first (same-day versions in the order made)."""
    if customer.id is None:
        return []
    return list(db.session.scalars(select(CustomerProfile).where(CustomerProfile.customer_id == customer.id)
                                   .order_by(CustomerProfile.valid_from, CustomerProfile.id)))


def latest_version(customer: Customer) -> CustomerProfile | None:
    """The version made last (possibly not yet effective)."""
    if customer.id is None:
        return None
    return db.session.scalar(select(CustomerProfile).where(CustomerProfile.customer_id == customer.id)
                             .order_by(CustomerProfile.valid_from.desc(), CustomerProfile.id.desc()).limit(1))


def customer_as_of(customer: Customer, day: date_type) -> CustomerProfile | None:
    """The version valid on ``day``: the last one whose ``valid_from`` is on or
    before it (None before the customer existed)."""
    if customer.id is None:
        return None
    return db.session.scalar(select(CustomerProfile).where(CustomerProfile.customer_id == customer.id,
                                                           CustomerProfile.valid_from <= day)
                             .order_by(CustomerProfile.valid_from.desc(), CustomerProfile.id.desc()).limit(1))


def attribution(customer: Customer, day: date_type) -> tuple[int | None, str]:
    """(salesperson id, region) a document dated ``day`` is attributed to:
    the version valid that day, so a back-dated order after a change of
    salesperson still counts for the one who served the customer then."""
    version = customer_as_of(customer, day)
    return (version.salesperson_id, version.region) if version is not None else (customer.salesperson_id, customer.region)


def refresh_snapshot(customer: Customer, day: date_type | None = None) -> CustomerProfile | None:
    """Make the ``Customer`` row show the version effective on ``day``
    (default today); only differing columns are written, so a look-up that
    finds nothing due changes nothing. Returns that version."""
    version = customer_as_of(customer, day or today())
    if version is not None:
        for field in PROFILE_FIELDS:
            if getattr(customer, field) != getattr(version, field):
                setattr(customer, field, getattr(version, field))
    _apply_credit_come_due(customer, day or today())
    return version


def _apply_credit_come_due(customer: Customer, day: date_type) -> None:
    """A credit limit and rating decided for a later day (F12's from-date)
    take the place of the current ones once that day comes, as a profile
    version does; a limit decided for its own day was applied when made."""
    if customer.id is None:
        return
    credit = db.session.scalar(select(CustomerCredit).where(CustomerCredit.customer_id == customer.id,
                                                            CustomerCredit.valid_from <= day)
                               .order_by(CustomerCredit.valid_from.desc(), CustomerCredit.id.desc()).limit(1))
    if credit is None or credit.valid_from <= clock.business_date(credit.created_at):
        return
    if (customer.credit_limit, customer.credit_rating) != (credit.credit_limit, credit.rating):
        customer.credit_limit, customer.credit_rating = credit.credit_limit, credit.rating


def refreshed_customer(code: str) -> Customer:
    """The customer with ``code``, its snapshot first brought to today's
    version (``refresh_snapshot``: writes the columns a version come due
    changes): how an action about to copy the customer's file into a
    document finds it. Raises BusinessRuleViolation ``unknown_customer``."""
    customer = customer_by_code(code)
    refresh_snapshot(customer)
    return customer


def _column_default(field: str):
    default = Customer.__table__.c[field].default
    return default.arg if default is not None and not callable(default.arg) else None


def opening_version(customer: Customer, *, reason: str, decided_by_id: int | None, source_key: str) -> CustomerProfile:
    """Version 1, copied from a customer being created (not yet flushed: the
    relationships may hold what the ids do not yet, and column defaults are
    not applied), valid from its creation day."""
    values = {}
    for field in PROFILE_FIELDS:
        value = getattr(customer, field)
        values[field] = _column_default(field) if value is None else value
    version = CustomerProfile(customer=customer, reason=reason, decided_by_id=decided_by_id, source_key=source_key,
                              valid_from=clock.business_date(customer.created_at or clock.now()), created_at=clock.now(), **values)
    if customer.salesperson is not None:
        version.salesperson = customer.salesperson
    if customer.class_node is not None:
        version.class_node = customer.class_node
    return version


@event.listens_for(Session, "before_flush")
def _open_the_history_of_new_customers(session, _flush_context, _instances):
    """A customer made anywhere (demo data, a test, an import) gets its
    opening version in the same flush, so every customer's history is
    complete from its first day; ``create_customer`` writes its own."""
    new_customers = [obj for obj in session.new if isinstance(obj, Customer)]
    if not new_customers:
        return
    covered = {id(obj.customer) for obj in session.new if isinstance(obj, CustomerProfile)}
    for customer in new_customers:
        if id(customer) not in covered:
            session.add(opening_version(customer, reason="opening version", decided_by_id=None,
                                        source_key=f"opening:customer:{customer.code}"))


def _known_regions() -> set[str]:
    """The organisation's regions, and those its people and the customer
    files already name."""
    from app.models import Region

    regions = db.session.scalars(select(Region.name))
    people = db.session.scalars(select(User.region).distinct().where(User.region.is_not(None)))
    files = db.session.scalars(select(Customer.region).distinct())
    return {*regions, *people, *files}


def _changes(*, customer_class, region, province, channel, salesperson, payment_days, on_hold, active) -> dict:
    """The requested fields as profile columns. Raises BusinessRuleViolation
    ``unknown_class``, ``unknown_region``, ``invalid_channel``,
    ``unknown_salesperson``, ``not_a_sales_rep``, ``invalid_payment_days``."""
    changes = {}
    if customer_class is not None:
        node = db.session.scalar(select(CustomerClass).where(CustomerClass.code == customer_class))
        if node is None:
            raise BusinessRuleViolation("unknown_class", f"No customer class has the code {customer_class!r}.", field="customer_class")
        changes.update(customer_class=node.code, class_id=node.id)
    if region is not None:
        if region not in _known_regions():
            raise BusinessRuleViolation("unknown_region", f"No region is called {region!r}.", field="region")
        changes["region"] = region
    if province is not None:
        changes["province"] = province.strip() or None
    if channel is not None:
        if channel not in CHANNELS:
            raise BusinessRuleViolation("invalid_channel", f"Channel must be one of {', '.join(CHANNELS)}.", field="channel")
        changes["channel"] = channel
    if salesperson is not None:
        rep = db.session.scalar(select(User).where(User.username == salesperson))
        if rep is None:
            raise BusinessRuleViolation("unknown_salesperson", f"No user is called {salesperson!r}.", field="salesperson")
        if not (rep.active and rep.has_role("sales_rep")):
            raise BusinessRuleViolation("not_a_sales_rep", f"{salesperson} is not an active sales representative.", field="salesperson")
        changes["salesperson_id"] = rep.id
    if payment_days is not None:
        if isinstance(payment_days, bool) or not isinstance(payment_days, int) or not 0 <= payment_days <= 3650:
            raise BusinessRuleViolation("invalid_payment_days", "payment_days must be a whole number of days, 0–3650.", field="payment_days")
        changes["payment_days"] = payment_days
    if on_hold is not None:
        changes["on_hold"] = bool(on_hold)
    if active is not None:
        changes["active"] = bool(active)
    return changes


def add_version(customer: Customer, changes: dict, *, valid_from: date_type, reason: str, decided_by_id: int | None,
                source_key: str) -> CustomerProfile:
    """A new version of ``customer`` from ``valid_from``: ``changes``
    (profile columns) over the latest version; the snapshot follows when it
    is effective today or earlier (flushes). Raises BusinessRuleViolation
    ``missing_reason``, ``version_out_of_order`` (before the latest
    version's day: history is only ever appended), ``no_change``."""
    reason = (reason or "").strip()
    if not reason:
        raise BusinessRuleViolation("missing_reason", "A change of the customer file needs a reason.", field="reason")
    latest = latest_version(customer)
    if latest is not None and valid_from < latest.valid_from:
        raise BusinessRuleViolation("version_out_of_order",
                                    f"valid_from {valid_from} is before the latest version's ({latest.valid_from}).", field="valid_from")
    base = {field: getattr(latest if latest is not None else customer, field) for field in PROFILE_FIELDS}
    if all(base[field] == value for field, value in changes.items()):
        raise BusinessRuleViolation("no_change", "The change leaves the customer file as it is.", field=WHOLE_INPUT)
    version = CustomerProfile(customer=customer, valid_from=valid_from, reason=reason[:255], decided_by_id=decided_by_id,
                              source_key=source_key, created_at=clock.now(), **{**base, **changes})
    db.session.add(version)
    db.session.flush()
    refresh_snapshot(customer)
    db.session.flush()
    return version


def version_dict(version: CustomerProfile, number: int, current_id: int | None) -> dict:
    """A version as JSON: its number (1 = opening), fields and who decided."""
    decider = db.session.get(User, version.decided_by_id) if version.decided_by_id else None
    return {"version": number, "valid_from": version.valid_from.isoformat(), "customer_class": version.customer_class,
            "channel": version.channel, "region": version.region, "province": version.province,
            "salesperson": version.salesperson.username if version.salesperson else None,
            "payment_days": version.payment_days, "on_hold": version.on_hold, "active": version.active,
            "reason": version.reason, "decided_by": decider.username if decider else None,
            "current": version.id == current_id}


def customer_history(customer: Customer) -> dict:
    """{"customer", "current" (the version number effective today), "versions"}."""
    current = customer_as_of(customer, today())
    rows = [version_dict(v, n, current.id if current else None) for n, v in enumerate(versions(customer), start=1)]
    return {"customer": customer.code, "name": customer.name,
            "current": next((row["version"] for row in rows if row["current"]), None), "versions": rows}


def _change_result(version: CustomerProfile) -> dict:
    ids = [v.id for v in versions(version.customer)]
    current = customer_as_of(version.customer, today())
    return {"customer": version.customer.code, "version_id": version.id,
            **version_dict(version, ids.index(version.id) + 1, current.id if current else None),
            "effective": version.valid_from <= today()}


def change_customer_once(source: Source, customer: str, reason: str | None, valid_from: date_type | None = None, *,
                         customer_class: str | None = None, region: str | None = None, province: str | None = None,
                         channel: str | None = None, salesperson: str | None = None, payment_days: int | None = None,
                         on_hold: bool | None = None, active: bool | None = None) -> dict:
    """Change the customer file from ``valid_from`` (default today), once per
    source: a new version with the fields given, the others carried over;
    the Customer snapshot follows when the version is effective today or
    earlier. Result {"customer", "version_id", "version", "valid_from", the
    fields, "reason", "decided_by", "current", "effective"}. Raises
    ``unknown_customer``, ``missing_reason``, ``version_out_of_order``,
    ``unknown_class``, ``unknown_region``, ``invalid_channel``,
    ``unknown_salesperson``, ``not_a_sales_rep``, ``invalid_payment_days``,
    ``no_change``."""
    def new_version() -> CustomerProfile:
        buyer = customer_by_code(customer)
        changes = _changes(customer_class=customer_class, region=region, province=province, channel=channel,
                           salesperson=salesperson, payment_days=payment_days, on_hold=on_hold, active=active)
        return add_version(buyer, changes, valid_from=valid_from or today(), reason=reason,
                           decided_by_id=source.actor_id, source_key=source.key)

    return _change_result(posted_once(CustomerProfile, source.key, new_version))


@action("ledger.change_customer")
def change_customer(call: ActionCall, *, customer: str, reason: str | None = None, valid_from: str | None = None,
                    customer_class: str | None = None, region: str | None = None, province: str | None = None,
                    channel: str | None = None, salesperson: str | None = None, payment_days: int | None = None,
                    on_hold: bool | None = None, active: bool | None = None) -> dict:
    """``change_customer_once`` for a service task, ``valid_from`` an ISO
    date. Idempotent per call. Raises as it does, and ``invalid_date``."""
    try:
        day = date_type.fromisoformat(valid_from) if valid_from else None
    except (TypeError, ValueError):
        raise BusinessRuleViolation("invalid_date", f"valid_from is not a date: {valid_from!r}", field="valid_from") from None
    return change_customer_once(Source.of(call), customer, reason, day, customer_class=customer_class, region=region,
                                province=province, channel=channel, salesperson=salesperson, payment_days=payment_days,
                                on_hold=on_hold, active=active)
