"""Returns (退货, LEDGER.md "Returns"): a red order referencing the original
lines, a red outbound at the original cost, and — for what was already
invoiced — red invoices whose red receivables offset the originals."""
from datetime import date as date_type
from decimal import Decimal

from sqlalchemy import func, select

from app import clock
from app.extensions import db
from app.ledger import journal
from app.ledger.balances import outstanding
from app.ledger.collections import offset_red_receivables
from app.ledger.invoicing import make_red_invoices
from app.ledger.dates import parse_date
from app.ledger.journal import Line, next_number, post
from app.ledger.money import document_totals, exact_qty, line_amounts, money_str, qty_str, round_money, round_price
from app.ledger.orders import line_by_no, order_by_number
from app.ledger.ownership import ensure_of_this_request
from app.ledger.posting import posted_once
from app.ledger.service_cases import case_for_return
from app.models import Invoice, Receivable, SalesOrder, SalesOrderLine, StockMovement
from app.actions import ActionCall, BusinessRuleViolation, action


def returned_into(movement_id: int) -> Decimal:
    """How much has come back against one outbound movement."""
    value = db.session.scalar(select(func.sum(StockMovement.qty)).where(StockMovement.original_movement_id == movement_id))
    return Decimal(value) if value is not None else Decimal(0)


def _red_outbound(line: SalesOrderLine, qty: Decimal, *, on: date_type, source_key: str, seq: int,
                  stock_status: str = "saleable") -> list[StockMovement]:
    """Bring ``qty`` back into the batches it left from, latest first, at
    their original cost, as ``stock_status`` stock (quarantined goods keep
    their batch number for traceability but are never allocated again)."""
    outbound = db.session.scalars(select(StockMovement).where(
        StockMovement.order_line_id == line.id, StockMovement.kind == "outbound").order_by(StockMovement.id.desc())).all()
    made = []
    for original in outbound:
        take = min(qty, -original.qty - returned_into(original.id))
        if take <= 0:
            continue
        seq += 1
        movement = StockMovement(kind="red_outbound", material_id=original.material_id, qty=take, unit_cost=original.unit_cost,
                                 batch_no=original.batch_no, stock_status=stock_status, movement_date=on,
                                 location="warehouse", warehouse_id=original.warehouse_id, order_line_id=line.id,
                                 original_movement_id=original.id, source_key=source_key, seq=seq, created_at=clock.now())
        db.session.add(movement)
        made.append(movement)
        qty -= take
        if qty <= 0:
            break
    if qty > 0:
        raise ValueError(f"outbound movements of order line {line.id} do not cover the return")
    db.session.flush()
    return made


def plan_return(order: SalesOrder, lines: list[dict]) -> list[tuple[SalesOrderLine, Decimal, Decimal]]:
    """Check a return of a blue ``order`` without posting anything: each
    line {"line_no", "qty", optional "unit_price"} → (original line, qty,
    price). qty ≤ delivered − already returned − lost in transit (what the
    signed receipt recorded as lost never reached the customer, so it cannot
    come back); the price may not exceed the original (default: the
    original). Raises BusinessRuleViolation ``red_order``, ``empty_return``,
    ``unknown_line``, ``invalid_quantity``, ``return_exceeds_delivered``,
    ``return_of_lost_goods``, ``return_price_too_high``."""
    if order.kind != "blue":
        raise BusinessRuleViolation("red_order", "Only a blue order can be returned against.")
    if not lines:
        raise BusinessRuleViolation("empty_return", "A return needs at least one line.", field="lines")
    plan = []
    wanted: dict[int, Decimal] = {}
    for entry in lines:
        original = line_by_no(order, entry["line_no"])
        qty = exact_qty(entry["qty"], original.material.qty_scale)
        price = round_price(entry["unit_price"]) if entry.get("unit_price") is not None else original.unit_price
        if qty <= 0:
            raise BusinessRuleViolation("invalid_quantity", f"Line {original.line_no}: return a positive quantity.", field="lines")
        wanted[original.id] = wanted.get(original.id, Decimal(0)) + qty  # the same line twice counts once
        if wanted[original.id] > original.qty_delivered - original.qty_returned:
            raise BusinessRuleViolation("return_exceeds_delivered",
                                        f"Line {original.line_no}: {wanted[original.id]} exceeds delivered − returned "
                                        f"({original.qty_delivered - original.qty_returned}).", {"line_no": original.line_no}, field="lines")
        received = original.qty_delivered - original.qty_returned - original.qty_lost
        if wanted[original.id] > received:
            raise BusinessRuleViolation("return_of_lost_goods",
                                        f"Line {original.line_no}: {wanted[original.id]} exceeds what the customer received and "
                                        f"has not returned ({received}); {original.qty_lost} was lost in transit.",
                                        {"line_no": original.line_no, "returnable": str(received), "qty_lost": str(original.qty_lost)},
                                        field="lines")
        if price > original.unit_price or price < 0:
            raise BusinessRuleViolation("return_price_too_high", f"Line {original.line_no}: the return price may not exceed "
                                        f"the original {original.unit_price}.", {"line_no": original.line_no}, field="lines")
        plan.append((original, qty, price))
    return plan


def post_return_for(order: SalesOrder, lines: list[dict], *, on: date_type, source_key: str, reason: str | None = None,
                    stock_status: str = "saleable") -> SalesOrder:
    """Return goods of a blue ``order`` (flushes). Each line {"line_no",
    "qty", optional "unit_price"} becomes a red line (negative qty) that
    references the original; qty ≤ delivered − already returned − lost in
    transit; the price
    may not exceed the original. The uninvoiced part of a line's delivery is
    returned first (it only reduces what is delivered); the rest gets red
    invoices → red receivables, which offset the original's if open, else
    stay as customer credit. Stock comes back at the original cost and batch
    (Dr 1405 / Cr 6401), as ``stock_status`` stock. Raises BusinessRuleViolation ``red_order``,
    ``empty_return``, ``invalid_quantity``, ``return_exceeds_delivered``,
    ``return_of_lost_goods``, ``return_price_too_high``, ``period_closed``."""
    journal.ensure_open(on)
    plan = plan_return(order, lines)
    red_lines = []
    for number, (original, qty, price) in enumerate(plan, start=1):
        amounts = line_amounts(-qty, price, original.tax_rate, tax_inclusive=original.tax_inclusive)
        red_lines.append(SalesOrderLine(line_no=number, material_id=original.material_id, unit=original.unit, qty=-qty,
                                        unit_price=price, tax_inclusive=original.tax_inclusive, tax_rate=original.tax_rate,
                                        net=amounts.net, tax=amounts.tax, gross=amounts.gross, original_line=original,
                                        price_item_id=original.price_item_id, price_rule_id=original.price_rule_id,
                                        price_override_by_id=original.price_override_by_id))
    totals = document_totals(red_lines)
    red = SalesOrder(number=next_number(SalesOrder, "SR", on), kind="red", original_order_id=order.id, customer_id=order.customer_id,
                     salesperson_id=order.salesperson_id, region=order.region, contract_number=order.contract_number,
                     order_date=on, status="approved", hold_reason=reason, net=totals.net, tax=totals.tax, gross=totals.gross,
                     source_key=source_key, created_at=clock.now(), lines=red_lines)
    db.session.add(red)
    db.session.flush()
    movements, red_receivables = [], []
    for original, qty, price in plan:
        uninvoiced = max(original.qty_delivered - original.qty_returned - original.qty_lost - original.qty_invoiced, Decimal(0))
        from_invoiced = qty - min(qty, uninvoiced)
        movements += _red_outbound(original, qty, on=on, source_key=source_key, seq=len(movements), stock_status=stock_status)
        original.qty_returned = original.qty_returned + qty
        if from_invoiced > 0:
            for invoice in make_red_invoices(original, from_invoiced, price, on=on, source_key=f"{source_key}#{original.line_no}"):
                red_receivables.append(db.session.scalar(select(Receivable).where(Receivable.invoice_id == invoice.id)))
            original.qty_invoiced = original.qty_invoiced - from_invoiced
    db.session.flush()
    post("red_order", red.id, on, [
        line for m in movements for line in (
            Line(journal.INVENTORY, "D", round_money(m.qty * m.unit_cost), material_class_id=m.material.class_id),
            Line(journal.COST_OF_SALES, "C", round_money(m.qty * m.unit_cost), order.customer_id, order.salesperson_id,
                 order.region, m.material.class_id))
    ], memo=f"return {red.number}")
    seq = 0
    for receivable in red_receivables:
        original_invoice = db.session.get(Invoice, receivable.invoice.original_invoice_id)
        prefer = db.session.scalar(select(Receivable).where(Receivable.invoice_id == original_invoice.id))
        seq += len(offset_red_receivables(order.customer, on=on, source_key=f"{source_key}#offset", seq=seq, prefer=prefer))
    return red


@action("ledger.post_return")
def post_return(call: ActionCall, *, order: str, lines: list, date: str | None = None, reason: str | None = None) -> dict:
    """F03: return goods of ``order`` (``lines`` [{"line_no", "qty",
    optional "unit_price"}]). Result {"return_order_no", "net", "tax", "gross",
    "red_invoices": [{"invoice_no", "gross"}], "customer_credit"}. Idempotent
    per call. Raises ``return_exceeds_delivered``, ``return_of_lost_goods``,
    ``return_price_too_high``, ``invalid_quantity``, ``period_closed``, ``not_this_request`` (an order
    nobody of this request named)."""
    def take_back() -> SalesOrder:
        found = order_by_number(order)
        ensure_of_this_request(call, found, kind="order", requested=True)
        return post_return_for(found, lines, on=parse_date(date), source_key=call.idempotency_key, reason=reason)

    return return_figures(posted_once(SalesOrder, call.idempotency_key, take_back), call.idempotency_key)


def return_figures(red: SalesOrder, source_key: str) -> dict:
    """What a posted return (made under ``source_key``) came to: {"return_order_no",
    "net", "tax", "gross", "red_invoices": [{"invoice_no", "gross"}], "customer_credit"}."""
    # the red invoices were made under keys derived from the return's, one per returned line
    invoices = db.session.scalars(select(Invoice).where(Invoice.source_key.startswith(f"{source_key}#", autoescape=True))
                                  .order_by(Invoice.id)).all()
    credit = sum((-outstanding(r) for r in db.session.scalars(select(Receivable).where(
        Receivable.invoice_id.in_([i.id for i in invoices])))), Decimal("0"))
    return {"return_order_no": red.number, "net": money_str(red.net), "tax": money_str(red.tax), "gross": money_str(red.gross),
            "red_invoices": [{"invoice_no": i.number, "gross": money_str(i.gross)} for i in invoices],
            "customer_credit": money_str(credit)}


@action("ledger.check_return")
def check_return(call: ActionCall, *, order: str, lines: list, customer: str | None = None,
                 service_case: str | None = None) -> dict:
    """F03: check a return or exchange request before anyone reviews it, and
    price it; posts nothing. Result {"order_no", "customer", "net", "tax",
    "gross", "lines": [{"line_no", "material", "qty", "unit_price",
    "gross"}], "service_case"}, amounts positive (what the customer gets
    back). A request filed against an after-sales case (``service_case``,
    F20's goods to come back) must be the case's customer's; the case then
    remembers the request (service_cases.case_for_return, also raising
    ``unknown_case``, ``case_not_for_return``, ``case_has_return``). Raises
    ``unknown_order``, ``wrong_customer`` (the order or the case is another customer's),
    ``red_order``, ``empty_return``, ``unknown_line``, ``invalid_quantity``,
    ``return_exceeds_delivered``, ``return_of_lost_goods``, ``return_price_too_high``,
    ``not_this_request``."""
    found = order_by_number(order)
    ensure_of_this_request(call, found, kind="order", requested=True)
    if customer and found.customer.code != customer:
        raise BusinessRuleViolation("wrong_customer", f"Order {found.number} is not an order of {customer}.", field="order")
    case = case_for_return(call, service_case, found.customer) if service_case else None
    priced = []
    for original, qty, price in plan_return(found, lines):
        priced.append((original, qty, price, line_amounts(qty, price, original.tax_rate, tax_inclusive=original.tax_inclusive)))
    totals = document_totals([amounts for *_, amounts in priced])
    return {"order_no": found.number, "customer": found.customer.code, "net": money_str(totals.net),
            "tax": money_str(totals.tax), "gross": money_str(totals.gross),
            "lines": [{"line_no": original.line_no, "material": original.material.code,
                       "qty": qty_str(qty, original.material.qty_scale), "unit_price": str(price),
                       "gross": money_str(amounts.gross)} for original, qty, price, amounts in priced],
            "service_case": case.number if case is not None else None}
