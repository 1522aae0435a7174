"""The invariants of LEDGER.md as functions. Each returns
{"name", "ok", "violations": [...]}; the tests run them after every step and
``flask ledger check`` runs them for the monthly reconciliation."""
from collections import defaultdict
from decimal import Decimal

from sqlalchemy import func, select

from app.extensions import db
from app.ledger import balances, journal
from app.ledger.money import round_money
from app.ledger.months import month_bounds
from app.ledger.stock_checks import stock_places
from app.ledger.transfer_checks import internal_settlements, transfers_balance
from app.ledger.loan_checks import overdue_loans, stock_loans
from app.ledger.pricing import discounted_price, rule_problems, strategy_price
from app.models import (
    Allocation, CollectionAssessment, EmployeeAdvance, ExpenseClaim, Reimbursement, Invoice, InvoiceLine, LedgerEntry, PriceItem, Receipt, Receivable, RevenueRecognition, SalesOrder, SalesOrderCancellation, SalesOrderLine, ShippingLine,
    ServiceCharge, ServiceResolution, ShippingNote, SignedReceiptLine, StockMovement, PresalesCost, PresalesProject,
)

ZERO = Decimal("0")


def _result(name: str, violations: list) -> dict:
    return {"name": name, "ok": not violations, "violations": violations}


def _sums(stmt) -> dict:
    return {key: (value if value is not None else ZERO) for key, value in db.session.execute(stmt).all()}


def entries_balance(month: str | None = None) -> dict:
    """1. Every source document's entries balance: debits = credits."""
    stmt = select(LedgerEntry.source_type, LedgerEntry.source_id, func.sum(LedgerEntry.debit), func.sum(LedgerEntry.credit)) \
        .group_by(LedgerEntry.source_type, LedgerEntry.source_id)
    if month:
        start, end = month_bounds(month)
        stmt = stmt.where(LedgerEntry.posting_date >= start, LedgerEntry.posting_date < end)
    violations = [{"source": f"{kind} {ident}", "debit": str(d), "credit": str(c)}
                  for kind, ident, d, c in db.session.execute(stmt) if d != c]
    return _result("entries_balance", violations)


def _allocation_totals():
    settled = _sums(select(Allocation.receivable_id, func.sum(Allocation.amount)).group_by(Allocation.receivable_id))
    offset = _sums(select(Allocation.credit_receivable_id, func.sum(Allocation.amount))
                   .where(Allocation.credit_receivable_id.is_not(None)).group_by(Allocation.credit_receivable_id))
    return settled, offset


def invoice_outstanding() -> dict:
    """2. Per invoice: outstanding = gross − allocations, ≥ 0 blue, ≤ 0 red
    (and its receivable equals its gross)."""
    settled, offset = _allocation_totals()
    violations = []
    rows = db.session.execute(select(Receivable.id, Receivable.amount, Invoice.number, Invoice.kind, Invoice.gross)
                              .join(Invoice, Receivable.invoice_id == Invoice.id))
    for rid, amount, number, kind, gross in rows:
        left = amount - settled.get(rid, ZERO) + offset.get(rid, ZERO)
        if amount != gross or (kind == "blue" and not ZERO <= left <= gross) or (kind == "red" and not gross <= left <= ZERO):
            violations.append({"invoice": number, "kind": kind, "gross": str(gross), "outstanding": str(left)})
    return _result("invoice_outstanding", violations)


def receipt_allocations() -> dict:
    """3. Per receipt: amount = allocations + unallocated, unallocated ≥ 0,
    every allocation within the receipt's customer."""
    used = balances.receipt_used_totals()  # allocations and what a red receipt cancelled
    violations = [{"receipt": number, "amount": str(amount), "allocated": str(used.get(rid, ZERO))}
                  for rid, number, amount in db.session.execute(select(Receipt.id, Receipt.number, Receipt.amount))
                  if not ZERO <= used.get(rid, ZERO) <= amount]
    crossed = db.session.execute(select(Allocation.id).join(Receipt, Allocation.receipt_id == Receipt.id)
                                 .where(Receipt.customer_id != Allocation.customer_id)).scalars().all()
    violations += [{"allocation": ident, "problem": "receipt of another customer"} for ident in crossed]
    return _result("receipt_allocations", violations)


def customer_balances() -> dict:
    """4. Per customer: open receivables − unallocated advances = ledger
    balance (receivables 1122 + advances 2203)."""
    settled, offset = _allocation_totals()
    subledger: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for rid, customer_id, amount in db.session.execute(select(Receivable.id, Receivable.customer_id, Receivable.amount)):
        subledger[customer_id] += amount - settled.get(rid, ZERO) + offset.get(rid, ZERO)
    used = balances.receipt_used_totals()  # allocations and what a red receipt cancelled
    for rid, customer_id, amount in db.session.execute(select(Receipt.id, Receipt.customer_id, Receipt.amount)):
        subledger[customer_id] -= amount - used.get(rid, ZERO)
    ledger = _sums(select(LedgerEntry.customer_id, func.sum(LedgerEntry.debit) - func.sum(LedgerEntry.credit))
                   .where(LedgerEntry.account.in_([journal.RECEIVABLES, journal.ADVANCES]))
                   .group_by(LedgerEntry.customer_id))
    violations = [{"customer_id": cid, "documents": str(subledger.get(cid, ZERO)), "ledger": str(ledger.get(cid, ZERO))}
                  for cid in sorted(set(subledger) | set(ledger), key=lambda c: c or 0)
                  if subledger.get(cid, ZERO) != ledger.get(cid, ZERO)]
    return _result("customer_balances", violations)


def order_line_quantities() -> dict:
    """5. Per order line: returned ≤ delivered ≤ ordered; invoiced ≤
    delivered − returned − lost in transit; each running total equals its
    documents (delivered: outbound movements, or the after-sales charge of
    a service line)."""
    delivered = _sums(select(StockMovement.order_line_id, -func.sum(StockMovement.qty))
                      .where(StockMovement.kind == "outbound").group_by(StockMovement.order_line_id))
    # billable after-sales work is delivered by its charge (the work was done), not from stock
    for line_id, qty in db.session.execute(select(ServiceCharge.order_line_id, ServiceCharge.qty)):
        delivered[line_id] = delivered.get(line_id, ZERO) + qty
    returned = _sums(select(SalesOrderLine.original_line_id, -func.sum(SalesOrderLine.qty))
                     .where(SalesOrderLine.original_line_id.is_not(None)).group_by(SalesOrderLine.original_line_id))
    invoiced = _sums(select(InvoiceLine.order_line_id, func.sum(InvoiceLine.qty)).group_by(InvoiceLine.order_line_id))
    lost = _sums(select(SignedReceiptLine.order_line_id, func.sum(SignedReceiptLine.loss_qty))
                 .group_by(SignedReceiptLine.order_line_id))
    violations = []
    lines = db.session.execute(select(SalesOrderLine, SalesOrder.number).join(SalesOrder).where(SalesOrder.kind == "blue"))
    for line, number in lines:
        ok = (ZERO <= line.qty_returned <= line.qty_delivered <= line.qty
              and ZERO <= line.qty_invoiced <= line.qty_delivered - line.qty_returned - line.qty_lost
              and ZERO <= line.qty_lost <= line.qty_delivered and line.qty_lost == lost.get(line.id, ZERO)
              and line.qty_delivered == delivered.get(line.id, ZERO) and line.qty_returned == returned.get(line.id, ZERO)
              and line.qty_invoiced == invoiced.get(line.id, ZERO))
        if not ok:
            violations.append({"order": number, "line_no": line.line_no, "ordered": str(line.qty),
                               "delivered": str(line.qty_delivered), "returned": str(line.qty_returned),
                               "invoiced": str(line.qty_invoiced)})
    return _result("order_line_quantities", violations)


def shipments_match_stock(month: str | None = None) -> dict:
    """6. Per posted shipment line: quantity = −(its stock movements); per
    month and material: shipped = sales outbound."""
    moved = _sums(select(StockMovement.shipping_line_id, -func.sum(StockMovement.qty))
                  .where(StockMovement.shipping_line_id.is_not(None)).group_by(StockMovement.shipping_line_id))
    violations = [{"shipping_note": number, "line_no": line_no, "qty": str(qty), "moved": str(moved.get(lid, ZERO))}
                  for lid, number, line_no, qty in db.session.execute(
                      select(ShippingLine.id, ShippingNote.number, ShippingLine.line_no, ShippingLine.qty)
                      .join(ShippingNote).where(ShippingNote.status == "posted"))
                  if qty != moved.get(lid, ZERO)]
    shipped: dict = defaultdict(lambda: ZERO)
    for day, material_id, qty in db.session.execute(select(ShippingNote.posted_date, ShippingLine.material_id, ShippingLine.qty)
                                                    .join(ShippingNote).where(ShippingNote.status == "posted")):
        shipped[(journal.period_of(day), material_id)] += qty
    outbound: dict = defaultdict(lambda: ZERO)
    for day, material_id, qty in db.session.execute(select(StockMovement.movement_date, StockMovement.material_id, StockMovement.qty)
                                                    .where(StockMovement.kind == "outbound")):
        outbound[(journal.period_of(day), material_id)] -= qty
    for key in sorted(set(shipped) | set(outbound)):
        if (month is None or key[0] == month) and shipped[key] != outbound[key]:
            violations.append({"month": key[0], "material_id": key[1], "shipped": str(shipped[key]), "outbound": str(outbound[key])})
    return _result("shipments_match_stock", violations)


def revenue_and_receivables(month: str | None = None) -> dict:
    """7. Per month: recognised revenue (blue − red, net of VAT, in the month
    each invoice's receivable was posted) = the ledger's revenue movement;
    the documents' receivables = the ledger's 1122."""
    invoiced: dict = defaultdict(lambda: ZERO)
    for day, net in db.session.execute(select(Receivable.posting_date, Invoice.net)
                                       .join(Invoice, Receivable.invoice_id == Invoice.id)):
        invoiced[journal.period_of(day)] += net
    booked: dict = defaultdict(lambda: ZERO)
    for day, debit, credit in db.session.execute(select(LedgerEntry.posting_date, LedgerEntry.debit, LedgerEntry.credit)
                                                 .where(LedgerEntry.account == journal.REVENUE)):
        booked[journal.period_of(day)] += credit - debit
    violations = [{"month": m, "invoiced": str(invoiced[m]), "ledger": str(booked[m])}
                  for m in sorted(set(invoiced) | set(booked)) if (month is None or m == month) and invoiced[m] != booked[m]]
    settled, offset = _allocation_totals()
    documents = sum((amount - settled.get(rid, ZERO) + offset.get(rid, ZERO)
                     for rid, amount in db.session.execute(select(Receivable.id, Receivable.amount))), ZERO)
    ledger = db.session.scalar(select(func.sum(LedgerEntry.debit) - func.sum(LedgerEntry.credit))
                               .where(LedgerEntry.account == journal.RECEIVABLES)) or ZERO
    if documents != ledger:
        violations.append({"receivables": str(documents), "ledger_1122": str(ledger)})
    return _result("revenue_and_receivables", violations)


def invoices_match_ledger(month: str | None = None) -> dict:
    """7, line by line: every recognised invoice (of ``month``) has one
    receivable of its gross, and its own entries book that gross to
    receivables 1122, its net to revenue 6001 and its tax to output VAT
    222101; an invoice issued and not yet entered (F04) has no receivable,
    no entries and no entry record."""
    stmt = select(Invoice.id, Invoice.number, Invoice.net, Invoice.tax, Invoice.gross)
    if month:
        start, end = month_bounds(month)
        stmt = stmt.where(Invoice.invoice_date >= start, Invoice.invoice_date < end)
    invoices = db.session.execute(stmt).all()
    ids = [row[0] for row in invoices]
    receivables: dict = defaultdict(list)
    booked: dict = defaultdict(lambda: ZERO)
    entered: set = set()
    if ids:
        for invoice_id, amount in db.session.execute(select(Receivable.invoice_id, Receivable.amount)
                                                     .where(Receivable.invoice_id.in_(ids))):
            receivables[invoice_id].append(amount)
        for invoice_id, account, debit, credit in db.session.execute(
                select(LedgerEntry.source_id, LedgerEntry.account, func.sum(LedgerEntry.debit), func.sum(LedgerEntry.credit))
                .where(LedgerEntry.source_type == "invoice", LedgerEntry.source_id.in_(ids))
                .group_by(LedgerEntry.source_id, LedgerEntry.account)):
            booked[(invoice_id, account)] = debit - credit
        entered = set(db.session.scalars(select(RevenueRecognition.invoice_id)
                                         .where(RevenueRecognition.invoice_id.in_(ids))))
    violations = []
    for invoice_id, number, net, tax, gross in invoices:
        awaiting_entry = not receivables[invoice_id] and invoice_id not in entered
        expected = ({journal.RECEIVABLES: ZERO, journal.REVENUE: ZERO, journal.OUTPUT_VAT: ZERO} if awaiting_entry else
                    {journal.RECEIVABLES: gross, journal.REVENUE: -net, journal.OUTPUT_VAT: -tax})
        found = {account: booked[(invoice_id, account)] for account in expected}
        if (not awaiting_entry and receivables[invoice_id] != [gross]) or found != expected:
            violations.append({"invoice": number, "gross": str(gross), "receivables": [str(a) for a in receivables[invoice_id]],
                               "ledger_1122": str(found[journal.RECEIVABLES]), "ledger_6001": str(-found[journal.REVENUE]),
                               "ledger_222101": str(-found[journal.OUTPUT_VAT])})
    return _result("invoices_match_ledger", violations)


def month_figures(month: str) -> dict:
    """What the month's reconciliation compared, for the people who confirm
    it: shipping lines and outbound quantity (a loan's back-filled outbound
    once), invoiced revenue and the ledger's revenue movement (amounts as
    strings), and the loans overdue at the month's end."""
    start, end = month_bounds(month)
    shipped = db.session.execute(select(func.count(ShippingLine.id), func.sum(ShippingLine.qty)).join(ShippingNote).where(
        ShippingNote.status == "posted", ShippingNote.posted_date >= start, ShippingNote.posted_date < end)).one()
    outbound = db.session.scalar(select(-func.sum(StockMovement.qty)).where(
        StockMovement.kind == "outbound", StockMovement.movement_date >= start, StockMovement.movement_date < end))
    invoiced = db.session.execute(select(func.count(Invoice.id), func.sum(Invoice.net))
                                  .join(Receivable, Receivable.invoice_id == Invoice.id).where(
        Receivable.posting_date >= start, Receivable.posting_date < end)).one()
    revenue = db.session.scalar(select(func.sum(LedgerEntry.credit) - func.sum(LedgerEntry.debit)).where(
        LedgerEntry.account == journal.REVENUE, LedgerEntry.posting_date >= start, LedgerEntry.posting_date < end))
    def qty(value):
        return f"{Decimal(value or 0).normalize():f}"

    return {"shipping_lines": shipped[0], "shipped_qty": qty(shipped[1]), "outbound_qty": qty(outbound),
            "invoices": invoiced[0], "invoiced_net": str(invoiced[1] or ZERO), "ledger_revenue": str(revenue or ZERO),
            "overdue_loans": overdue_loans(end)}  # F17: due by the month's last day, goods still out


def employee_advances() -> dict:
    """8. Per employee advance: paid = claimed against it + returned +
    outstanding, outstanding ≥ 0; per employee: the advances outstanding =
    the ledger's 1221, and what claims, assessments and presales costs
    (F21, owed to the project's rep) owe less reimbursements = the ledger's 2241."""
    settled = _sums(select(ExpenseClaim.advance_id, func.sum(ExpenseClaim.applied + ExpenseClaim.returned))
                    .where(ExpenseClaim.advance_id.is_not(None)).group_by(ExpenseClaim.advance_id))
    violations = []
    outstanding: dict = defaultdict(lambda: ZERO)
    for aid, number, employee_id, paid in db.session.execute(
            select(EmployeeAdvance.id, EmployeeAdvance.number, EmployeeAdvance.employee_id, EmployeeAdvance.amount)):
        left = paid - settled.get(aid, ZERO)
        outstanding[employee_id] += left
        if left < 0:
            violations.append({"advance": number, "paid": str(paid), "settled": str(settled.get(aid, ZERO))})
    for claim_no, claimed, applied, payable in db.session.execute(
            select(ExpenseClaim.number, ExpenseClaim.claimed, ExpenseClaim.applied, ExpenseClaim.payable)):
        if claimed != applied + payable or applied < 0 or payable < 0:
            violations.append({"claim": claim_no, "claimed": str(claimed), "applied": str(applied), "payable": str(payable)})
    owed: dict = defaultdict(lambda: ZERO)
    for employee_id, amount in db.session.execute(select(ExpenseClaim.employee_id, ExpenseClaim.payable)):
        owed[employee_id] += amount
    for employee_id, amount in db.session.execute(select(CollectionAssessment.salesperson_id, CollectionAssessment.amount)):
        owed[employee_id] += amount
    for employee_id, amount in db.session.execute(select(PresalesProject.rep_id, PresalesCost.amount)
                                                  .join(PresalesProject, PresalesCost.project_id == PresalesProject.id)):
        owed[employee_id] += amount
    for employee_id, amount in db.session.execute(select(Reimbursement.employee_id, Reimbursement.amount)):
        owed[employee_id] -= amount
    for account, documents, sign in ((journal.EMPLOYEE_ADVANCES, outstanding, 1), (journal.OWED_TO_EMPLOYEES, owed, -1)):
        booked = _sums(select(LedgerEntry.salesperson_id, func.sum(LedgerEntry.debit) - func.sum(LedgerEntry.credit))
                       .where(LedgerEntry.account == account).group_by(LedgerEntry.salesperson_id))
        for employee_id in sorted(set(documents) | set(booked), key=lambda e: e or 0):
            if documents.get(employee_id, ZERO) != sign * booked.get(employee_id, ZERO):
                violations.append({"account": account, "employee_id": employee_id,
                                   "documents": str(documents.get(employee_id, ZERO)),
                                   "ledger": str(sign * booked.get(employee_id, ZERO))})
    return _result("employee_advances", violations)


def order_line_prices() -> dict:
    """9. Every blue order line has a price item valid on the order date,
    at its price (by its rule's pricing strategy, if any) less the customer's special discount that day (F13), or
    an approved manual price; every red line references its original. A
    line saved unpriced (询不到价格) is allowed only on an order no review
    ever approved: it can be saved, not approved."""
    violations = []
    rows = db.session.execute(select(SalesOrderLine, SalesOrder.number, SalesOrder.kind, SalesOrder.order_date,
                                     SalesOrder.approved_at, SalesOrder.customer_id)
                              .join(SalesOrder).outerjoin(PriceItem, SalesOrderLine.price_item_id == PriceItem.id))
    for line, number, kind, on, approved_at, customer_id in rows:
        if not line.priced:
            ok = approved_at is None and kind == "blue"
        elif kind == "red":
            ok = line.original_line_id is not None
        elif line.price_override_by_id is not None:
            ok = True
        else:
            item = line.price_item
            strategy = line.price_rule.pricing_strategy if line.price_rule is not None else None
            ok = (item is not None and item.valid_from <= on and (item.valid_to is None or on < item.valid_to)
                  and discounted_price(item.unit_price if strategy is None else strategy_price(strategy, item.unit_price),
                                       customer_id, on) == line.unit_price)
        if not ok:
            violations.append({"order": number, "line_no": line.line_no})
    return _result("order_line_prices", violations)


def order_cancellations() -> dict:
    """Cancelled orders: exactly the blue orders with a cancellation record,
    and nothing delivered or invoiced from them (the way back after delivery
    is a return)."""
    recorded = set(db.session.scalars(select(SalesOrderCancellation.order_id)))
    violations = []
    for order in db.session.scalars(select(SalesOrder).where(
            (SalesOrder.status == "cancelled") | SalesOrder.id.in_(recorded))):
        if order.status != "cancelled" or order.id not in recorded or order.kind != "blue" or any(
                line.qty_delivered or line.qty_invoiced for line in order.lines):
            violations.append({"order": order.number, "status": order.status, "recorded": order.id in recorded})
    return _result("order_cancellations", violations)


def price_rules() -> dict:
    """Configuration: no tied rules, the NC class rule holds."""
    return _result("price_rules", rule_problems())


def service_parts_match_stock() -> dict:
    """Per after-sales resolution: the parts' cost = what its
    ``service_issue`` movements took out of stock (each to the cent) = the
    inventory its posting credits; and no such movement without a resolution."""
    moved: dict = defaultdict(lambda: ZERO)
    for key, qty, unit_cost in db.session.execute(select(StockMovement.source_key, StockMovement.qty,
                                                         StockMovement.unit_cost)
                                                  .where(StockMovement.kind == "service_issue")):
        moved[key] += round_money(-qty * unit_cost)
    credited = _sums(select(LedgerEntry.source_id, func.sum(LedgerEntry.credit) - func.sum(LedgerEntry.debit))
                     .where(LedgerEntry.source_type == "service_resolution", LedgerEntry.account == journal.INVENTORY)
                     .group_by(LedgerEntry.source_id))
    violations, known = [], set()
    for rid, key, cost in db.session.execute(
            select(ServiceResolution.id, ServiceResolution.source_key, ServiceResolution.parts_cost)):
        known.add(key)
        if not cost == moved.get(key, ZERO) == credited.get(rid, ZERO):
            violations.append({"resolution": rid, "parts_cost": str(cost), "moved": str(moved.get(key, ZERO)),
                               "credited": str(credited.get(rid, ZERO))})
    violations += [{"movements": key, "resolution": None} for key in sorted(set(moved) - known)]
    return _result("service_parts_match_stock", violations)


def run_all(month: str | None = None) -> list[dict]:
    """Every invariant; ``month`` (YYYY-MM) narrows the per-month ones."""
    return [entries_balance(month), invoice_outstanding(), receipt_allocations(), customer_balances(),
            order_line_quantities(), shipments_match_stock(month), revenue_and_receivables(month),
            invoices_match_ledger(month), employee_advances(),
            order_line_prices(), order_cancellations(), price_rules(), stock_places(), transfers_balance(),
            internal_settlements(), stock_loans(), service_parts_match_stock()]
