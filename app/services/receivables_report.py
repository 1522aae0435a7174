"""Receivables ageing (应收账龄) and the overdue lists behind it, as of a
date, inside the reader's report scope.

The open amount of a receivable is the ledger's (``balances.
outstanding_as_of``: blue amount less allocations, red ones offsetting).
It ages from the due date frozen on the receivable when its invoice was
posted (invoice date + the customer's payment days then, or the delivery
day for cash on delivery; a red invoice falls due on its own date), so a
later change of the customer's terms never moves an old invoice. Salesperson
and region are the ones the receivable was credited to.

As of a date, only receivables posted, allocations made, receipts received
and red receipts posted on or before it count, so an earlier date shows what
the books said then."""
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import case, func, select

from app import clock
from app.errors import ValidationFailed
from app.extensions import db
from app.ledger.ageing import BUCKET_START, BUCKETS, bucket_of, days_overdue  # noqa: F401  (the report's names)
from app.ledger.balances import outstanding_as_of, unallocated_as_of
from app.ledger.money import ZERO
from app.models import Customer, Invoice, Receipt, Receivable, User
from app.services.queries import visible_instance_ids
from app.services.report_access import report_scope

DIMENSIONS = ("customer", "salesperson", "region")
FILTERS = ("region", "salesperson", "customer", "bucket")
LIST_LIMIT = 500


@dataclass(frozen=True)
class AgeingQuery:
    as_of: date
    region: str | None = None
    salesperson: str | None = None  # a username
    customer: str | None = None     # a customer code
    bucket: str | None = None

    @property
    def filters(self) -> dict:
        return {name: getattr(self, name) for name in FILTERS if getattr(self, name)}


def parse_query(args: dict) -> AgeingQuery:
    """The ageing question from request arguments (strings): ``as_of``
    (YYYY-MM-DD, default the business date) and the filters. Raises
    ValidationFailed naming ``as_of`` or ``bucket``."""
    raw = (args.get("as_of") or "").strip()
    try:
        as_of = date.fromisoformat(raw) if raw else clock.today()
    except ValueError:
        raise ValidationFailed.for_fields({"as_of": [f"{raw[:40]!r} is not a date (YYYY-MM-DD)."]}) from None
    bucket = (args.get("bucket") or "").strip() or None
    if bucket is not None and bucket not in BUCKETS:
        raise ValidationFailed.for_fields({"bucket": [f"Use one of {', '.join(BUCKETS)}."]})
    text = {name: ((args.get(name) or "").strip()[:64] or None) for name in ("region", "salesperson", "customer")}
    return AgeingQuery(as_of, bucket=bucket, **text)


def _bucket_expression(as_of: date):
    """The bucket as SQL, by comparing the due date with dates (no date
    arithmetic in SQL, which each database spells differently)."""
    whens = [(Receivable.due_date <= as_of - timedelta(days=BUCKET_START[name]), name) for name in reversed(BUCKETS[1:])]
    return case(*whens, else_="current")


def _receivable_conditions(user: User, query: AgeingQuery, bucket_expr) -> list:
    conditions = []
    clause = report_scope(user).clause(Receivable.salesperson_id, Receivable.region)
    if clause is not None:
        conditions.append(clause)
    if query.region:
        conditions.append(Receivable.region == query.region)
    if query.salesperson:
        conditions.append(Receivable.salesperson_id.in_(select(User.id).where(User.username == query.salesperson)))
    if query.customer:
        conditions.append(Customer.code == query.customer)
    if query.bucket:
        conditions.append(bucket_expr == query.bucket)
    return conditions


def _empty_buckets() -> dict:
    return {name: ZERO for name in BUCKETS}


class _Table:
    """Rows of one dimension: buckets, total and advances per key."""

    def __init__(self):
        self.rows: dict[str, dict] = {}

    def add(self, key: str, name: str, *, bucket: str | None = None, amount: Decimal = ZERO, advances: Decimal = ZERO):
        row = self.rows.setdefault(key, {"key": key, "name": name, "buckets": _empty_buckets(), "total": ZERO,
                                         "advances": ZERO})
        if bucket is not None:
            row["buckets"][bucket] += amount
            row["total"] += amount
        row["advances"] += advances

    def sorted(self) -> list[dict]:
        return sorted(self.rows.values(), key=lambda r: (-r["total"], r["key"]))


def _sales_name(username: str | None, display: str | None) -> tuple[str, str]:
    return (username or "", display or username or "")


def _advances(user: User, query: AgeingQuery) -> list:
    """Unallocated receipts by customer as of the date, in scope: a receipt
    counts for the salesperson it names, else the customer's, in the
    customer's region."""
    left = unallocated_as_of(query.as_of)
    salesperson_id = func.coalesce(Receipt.salesperson_id, Customer.salesperson_id)
    stmt = (select(Customer.code, Customer.name, Customer.region, User.username, User.display_name,
                   func.sum(left.c.unallocated))
            .join(Receipt, Receipt.id == left.c.receipt_id).join(Customer, Customer.id == Receipt.customer_id)
            .outerjoin(User, User.id == salesperson_id)
            .where(left.c.unallocated > 0)
            .group_by(Customer.code, Customer.name, Customer.region, User.username, User.display_name))
    clause = report_scope(user).clause(salesperson_id, Customer.region)
    for condition in (clause, query.region and Customer.region == query.region,
                      query.salesperson and User.username == query.salesperson,
                      query.customer and Customer.code == query.customer):
        if condition is not None:
            stmt = stmt.where(condition)
    return db.session.execute(stmt).all()


def ageing(user: User, query: AgeingQuery) -> dict:
    """The open receivables as of ``query.as_of`` in buckets, by customer,
    salesperson and region, with totals and each row's unallocated
    receipts (预收) beside. Raises Forbidden for someone outside the
    sales reports."""
    report_scope(user)  # refuses before any query
    opened = outstanding_as_of(query.as_of)
    bucket = _bucket_expression(query.as_of)
    stmt = (select(Customer.code, Customer.name, User.username, User.display_name, Receivable.region,
                   bucket.label("bucket"), func.sum(opened.c.open))
            .select_from(opened).join(Receivable, Receivable.id == opened.c.receivable_id)
            .join(Customer, Customer.id == Receivable.customer_id).outerjoin(User, User.id == Receivable.salesperson_id)
            .where(opened.c.open != 0, *_receivable_conditions(user, query, bucket))
            .group_by(Customer.code, Customer.name, User.username, User.display_name, Receivable.region, bucket))
    tables = {name: _Table() for name in DIMENSIONS}
    totals = {"buckets": _empty_buckets(), "total": ZERO, "advances": ZERO}
    for code, name, username, display, region, in_bucket, amount in db.session.execute(stmt):
        amount = Decimal(amount)
        tables["customer"].add(code, name, bucket=in_bucket, amount=amount)
        tables["salesperson"].add(*_sales_name(username, display), bucket=in_bucket, amount=amount)
        tables["region"].add(region, region, bucket=in_bucket, amount=amount)
        totals["buckets"][in_bucket] += amount
        totals["total"] += amount
    for code, name, region, username, display, amount in _advances(user, query):
        amount = Decimal(amount)
        tables["customer"].add(code, name, advances=amount)
        tables["salesperson"].add(*_sales_name(username, display), advances=amount)
        tables["region"].add(region, region, advances=amount)
        totals["advances"] += amount
    return {"as_of": query.as_of, "filters": query.filters, "buckets": list(BUCKETS),
            **{f"by_{name}": table.sorted() for name, table in tables.items()}, "totals": totals}


def open_invoices(user: User, query: AgeingQuery, *, limit: int | None = LIST_LIMIT) -> dict:
    """The open invoices behind the ageing (the overdue list), most overdue
    first: number, dates, days overdue, amount, open amount, customer,
    salesperson and the request that made the invoice when the reader may
    open it. ``count`` is the number of invoices, ``total`` their open sum,
    whatever ``limit`` cuts from ``invoices``. Raises Forbidden."""
    report_scope(user)
    opened = outstanding_as_of(query.as_of)
    bucket = _bucket_expression(query.as_of)
    conditions = [opened.c.open != 0, *_receivable_conditions(user, query, bucket)]
    base = (select(opened.c.open).select_from(opened).join(Receivable, Receivable.id == opened.c.receivable_id)
            .join(Customer, Customer.id == Receivable.customer_id).where(*conditions))
    count, total = db.session.execute(select(func.count(), func.sum(base.subquery().c.open))).one()
    stmt = (select(Invoice.number, Invoice.kind, Invoice.invoice_date, Receivable.due_date, Receivable.amount,
                   opened.c.open, Customer.code, Customer.name, User.username, User.display_name, Receivable.region,
                   Invoice.source_key)
            .select_from(opened).join(Receivable, Receivable.id == opened.c.receivable_id)
            .join(Invoice, Invoice.id == Receivable.invoice_id).join(Customer, Customer.id == Receivable.customer_id)
            .outerjoin(User, User.id == Receivable.salesperson_id).where(*conditions)
            .order_by(Receivable.due_date, Invoice.number).limit(limit))
    rows = db.session.execute(stmt).all()
    visible = visible_instance_ids(user, {_instance_of(row.source_key) for row in rows})
    invoices = []
    for row in rows:
        days = days_overdue(query.as_of, row.due_date)
        instance_id = _instance_of(row.source_key)
        invoices.append({"number": row.number, "kind": row.kind, "invoice_date": row.invoice_date,
                         "due_date": row.due_date, "days_overdue": days, "bucket": bucket_of(days),
                         "amount": row.amount, "open": Decimal(row.open), "customer": row.code,
                         "customer_name": row.name, "salesperson": row.username or "",
                         "salesperson_name": row.display_name or row.username or "", "region": row.region,
                         "instance_id": instance_id if instance_id in visible else None})
    return {"as_of": query.as_of, "filters": query.filters, "invoices": invoices, "count": count,
            "total": Decimal(total) if total is not None else ZERO}


def _instance_of(source_key: str | None) -> int | None:
    """The request whose action posted the document ("<instance>:<task>:<action>…"); 0 is outside any flow."""
    head = (source_key or "").split(":", 1)[0]
    return int(head) if head.isdigit() and int(head) > 0 else None
