"""The ledger's read side for the API: checks, customer statements, one
document with its lines and entries, and the customer/material lookups.
Reads only; the ledger's rules stay in app/ledger."""
from datetime import date
from decimal import Decimal

from sqlalchemy import func, or_, select

from app.actions import BusinessRuleViolation
from app.errors import Forbidden, NotFound, ValidationFailed
from app.extensions import db
from app.ledger import checks, pricing
from app.ledger.balances import open_advances, outstanding, unallocated
from app.ledger.money import ZERO, money_str
from app.ledger.months import month_bounds
from app.ledger.uninvoiced import invoiceable_qty, line_ref
from app.models import (
    Allocation, CollectionAssessment, Contract, Customer, CustomerClass, EmployeeAdvance, ExpenseClaim, Invoice, LedgerEntry,
    Material, MaterialClass, PriceAdjustment, PriceAdjustmentSheet, PriceList, Receipt, ReceiptReversal, Receivable, Reimbursement,
    SalesOrder, SalesOrderLine, ShippingNote, SignedReceipt,
    User,
)
from app.services.queries import _like, lookup
from app.services.reference_names import material_name

READER_ROLES = ("auditor", "finance", "sales_admin", "sales_director", "general_manager", "process_admin")


def require_ledger_reader(user: User) -> None:
    """Raises Forbidden unless ``user`` holds one of READER_ROLES."""
    if not any(user.has_role(code) for code in READER_ROLES):
        raise Forbidden(f"Reading the ledger needs one of the roles {', '.join(READER_ROLES)}.")


def checked_month(month: str) -> str:
    """``month`` when it names a month the ledger knows (YYYY-MM). Raises
    ValidationFailed on the field ``month``."""
    try:
        month_bounds(month)
    except BusinessRuleViolation as problem:
        raise ValidationFailed.for_fields({"month": [problem.message]}) from None
    return month


def run_checks(month: str | None) -> list[dict]:
    """Every invariant of LEDGER.md, narrowed to ``month`` (YYYY-MM) where it
    applies. Raises ValidationFailed on the field ``month``."""
    return checks.run_all(checked_month(month) if month is not None else None)


def price_coverage_gaps(on: date) -> list[dict]:
    """Every active (customer, saleable material) pair that does not resolve
    to exactly one price on ``on``: [{"customer", "material", "code"}]."""
    return pricing.coverage_gaps(on)


def _text(value):
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def customer_history(code: str) -> dict:
    """The versions of a customer's file (客户档案), oldest first, and which
    one is effective today. Raises NotFound."""
    from app.ledger.customers import customer_history as history

    customer = db.session.scalar(select(Customer).where(Customer.code == code))
    if customer is None:
        raise NotFound(f"No customer has the code {code!r}.", code="unknown_customer")
    return history(customer)


def customer_statement(code: str) -> dict:
    """A customer's invoices (with what is outstanding), receipts (with what
    is unallocated), allocations and balance (open receivables − advances,
    and the ledger's own figure). Raises NotFound."""
    customer = db.session.scalar(select(Customer).where(Customer.code == code))
    if customer is None:
        raise NotFound(f"No customer has the code {code!r}.", code="unknown_customer")
    receivables = db.session.scalars(select(Receivable).where(Receivable.customer_id == customer.id)
                                     .order_by(Receivable.posting_date, Receivable.id)).all()
    receipts = db.session.scalars(select(Receipt).where(Receipt.customer_id == customer.id)
                                  .order_by(Receipt.receipt_date, Receipt.id)).all()
    unentered = db.session.scalars(select(Invoice).outerjoin(Receivable, Receivable.invoice_id == Invoice.id).where(
        Invoice.customer_id == customer.id, Receivable.id.is_(None)).order_by(Invoice.invoice_date, Invoice.id)).all()
    allocations = db.session.scalars(select(Allocation).where(Allocation.customer_id == customer.id)
                                     .order_by(Allocation.id)).all()
    reds = db.session.scalars(select(ReceiptReversal).where(ReceiptReversal.customer_id == customer.id)
                              .order_by(ReceiptReversal.reversal_date, ReceiptReversal.id)).all()
    open_total = sum((outstanding(r) for r in receivables), ZERO)
    advances = sum((u for _, u in open_advances(customer.id)), ZERO)
    ledger = db.session.scalar(select(func.sum(LedgerEntry.debit) - func.sum(LedgerEntry.credit)).where(
        LedgerEntry.customer_id == customer.id, LedgerEntry.account.in_(("1122", "2203")))) or ZERO
    return {
        "customer": {"code": customer.code, "name": customer.name, "region": customer.region,
                     "credit_limit": money_str(customer.credit_limit)},
        "documents": [{"kind": "invoice", "number": r.invoice.number, "invoice_kind": r.invoice.kind,
                       "invoice_type": r.invoice.invoice_type, "tax_invoice_number": r.invoice.tax_invoice_number,
                       "date": r.posting_date.isoformat(), "due_date": r.due_date.isoformat(), "amount": money_str(r.amount),
                       "outstanding": money_str(outstanding(r))} for r in receivables]
        + [{"kind": "invoice", "number": i.number, "invoice_kind": i.kind, "invoice_type": i.invoice_type,
            "tax_invoice_number": i.tax_invoice_number, "date": i.invoice_date.isoformat(), "due_date": i.due_date.isoformat(),
            "amount": money_str(i.gross), "outstanding": money_str(ZERO), "awaiting_entry": True} for i in unentered]
        + [{"kind": "receipt", "number": r.number, "date": r.receipt_date.isoformat(), "amount": money_str(r.amount),
            "unallocated": money_str(unallocated(r)), "bank_reference": r.bank_reference} for r in receipts]
        + [{"kind": "receipt_reversal", "number": r.number, "date": r.reversal_date.isoformat(), "amount": money_str(r.amount),
            "reverses": r.receipt.number, "reason": r.reason} for r in reds],
        "allocations": [{"id": a.id, "date": a.allocation_date.isoformat(), "invoice": a.receivable.invoice.number,
                         "source": a.receipt.number if a.receipt else a.credit_receivable.invoice.number,
                         "amount": money_str(a.amount), "reverses": a.reverses_id} for a in allocations],
        "balance": {"open_receivables": money_str(open_total), "advances": money_str(advances),
                    "balance": money_str(open_total - advances), "ledger": money_str(ledger)},
    }


def _columns(row, *names) -> dict:
    return {name: _text(getattr(row, name)) for name in names}


def _order(o: SalesOrder) -> dict:
    return {**_columns(o, "number", "kind", "status", "order_date", "region", "contract_number", "delivery_place",
                       "delivery_date", "acceptance_terms", "settlement_terms", "net", "tax", "gross"),
            "customer": o.customer.code, "approved_by": o.approved_by.display_name if o.approved_by else None,
            "lines": [{**_columns(line, "line_no", "qty", "unit_price", "tax_rate", "net", "tax", "gross", "qty_delivered",
                                  "qty_invoiced", "qty_returned", "priced"), "material": line.material.code} for line in o.lines]}


def _note(n: ShippingNote) -> dict:
    return {**_columns(n, "number", "status", "ship_date", "posted_date", "tracking_number", "route", "transport_mode",
                       "delivery_address", "qc_certificate_no"), "order": n.order.number,
            "lines": [{"line_no": line.line_no, "material": line.material.code, "qty": _text(line.qty)} for line in n.lines]}


def _signed_receipt(r: SignedReceipt) -> dict:
    return {**_columns(r, "number", "signed_date", "receiver_name", "loss_borne_by", "loss_cost"),
            "shipping_note": r.note.number, "customer": r.note.customer.code,
            "lines": [{**_columns(line, "line_no", "received_qty", "loss_qty", "loss_reason"), "qty": _text(line.shipped_qty),
                       "material": line.material.code} for line in r.lines]}


def _invoice(i: Invoice) -> dict:
    return {**_columns(i, "number", "kind", "invoice_type", "tax_invoice_number", "invoice_date", "due_date", "net", "tax",
                       "gross"), "customer": i.customer.code,
            "lines": [{**_columns(line, "line_no", "qty", "unit_price", "tax_rate", "net", "tax", "gross"),
                       "material": line.material.code} for line in i.lines]}


def _receipt(r: Receipt) -> dict:
    return {**_columns(r, "number", "kind", "receipt_date", "amount", "bank_reference"), "customer": r.customer.code,
            "unallocated": money_str(unallocated(r))}


def _advance(a: EmployeeAdvance) -> dict:
    return {**_columns(a, "number", "advance_date", "amount", "purpose"), "employee": a.employee.username}


def _claim(c: ExpenseClaim) -> dict:
    return {**_columns(c, "number", "claim_date", "claimed", "applied", "returned", "payable"),
            "employee": c.employee.username, "advance": c.advance.number if c.advance else None,
            "lines": [{"line_no": line.line_no, "category": line.category, "amount": _text(line.amount)} for line in c.lines]}


def _reimbursement(r: Reimbursement) -> dict:
    return {**_columns(r, "number", "pay_date", "amount", "claim_id", "assessment_id"), "employee": r.employee.username}


def _assessment(a: CollectionAssessment) -> dict:
    return {**_columns(a, "number", "month", "base_price_list", "amount", "posting_date"),
            "salesperson": a.salesperson.username, "scheme": a.scheme.label if a.scheme else None,
            "lines": [{"allocation_id": line.allocation_id, "collected": _text(line.collected),
                       "difference": _text(line.difference)} for line in a.lines]}


def _contract(c: Contract) -> dict:
    from app.ledger.contracts import contract_result

    return {**_columns(c, "number", "amount_cap", "price_terms", "payment_terms", "payment_days", "valid_from", "valid_to"),
            **contract_result(c), "customer": c.customer.code}


def _red_receipt(r: ReceiptReversal) -> dict:
    return {**_columns(r, "number", "reversal_date", "amount", "reason"), "receipt": r.receipt.number,
            "customer": r.receipt.customer.code}


def _sheet(p: PriceAdjustmentSheet) -> dict:
    from app.ledger.adjustments import sheet_result

    return {"number": p.number, **sheet_result(p)}


def _adjustment(p: PriceAdjustment) -> dict:
    return {**_columns(p, "number", "old_price", "new_price", "effective_date", "reason", "old_item_id", "new_item_id"),
            "approved_by": db.session.get(User, p.approved_by_id).username}


# kind in the URL → (model, the source_type of its ledger entries, render)
DOCUMENT_KINDS = {
    "sales_order": (SalesOrder, None, _order),
    "shipping_note": (ShippingNote, "shipping_note", _note),
    "signed_receipt": (SignedReceipt, "signed_receipt", _signed_receipt),
    "invoice": (Invoice, "invoice", _invoice),
    "receipt": (Receipt, "receipt", _receipt),
    "receipt_reversal": (ReceiptReversal, "receipt_reversal", _red_receipt),
    "employee_advance": (EmployeeAdvance, "employee_advance", _advance),
    "expense_claim": (ExpenseClaim, "expense_claim", _claim),
    "reimbursement": (Reimbursement, "reimbursement", _reimbursement),
    "collection_assessment": (CollectionAssessment, "collection_assessment", _assessment),
    "contract": (Contract, None, _contract),
    "price_adjustment": (PriceAdjustment, None, _adjustment),
    "price_adjustment_sheet": (PriceAdjustmentSheet, None, _sheet),
}


def document(kind: str, number: str) -> dict:
    """One document by kind and number, with its ledger entries. Raises
    NotFound (``unknown_document_kind``, ``unknown_document``)."""
    if kind not in DOCUMENT_KINDS:
        raise NotFound(f"No document kind {kind!r}; known: {', '.join(sorted(DOCUMENT_KINDS))}.", code="unknown_document_kind")
    model, source_type, render = DOCUMENT_KINDS[kind]
    found = db.session.scalar(select(model).where(model.number == number))
    if found is None:
        raise NotFound(f"No {kind} is numbered {number!r}.", code="unknown_document")
    entries = []
    if source_type is not None:
        entries = [{**_columns(e, "account", "debit", "credit", "posting_date", "memo", "reverses_entry_id"), "id": e.id}
                   for e in db.session.scalars(select(LedgerEntry).where(LedgerEntry.source_type == source_type,
                                                                         LedgerEntry.source_id == found.id)
                                               .order_by(LedgerEntry.id))]
    return {"kind": kind, "document": render(found), "entries": entries}


def _coded(model, q: str | None, limit: int) -> list[dict]:
    """The rows of ``model`` whose code or name holds ``q``, as lookup options."""
    pattern = _like(q)
    rows = db.session.scalars(select(model).where(
        or_(func.lower(model.code).like(pattern, escape="\\"), func.lower(model.name).like(pattern, escape="\\")))
        .order_by(model.code).limit(limit))
    return [{"value": row.code, "label": f"{row.name} ({row.code})", "name": row.name} for row in rows]


@lookup("customer")
def _customers(q: str | None, limit: int) -> list[dict]:
    return _coded(Customer, q, limit)


@lookup("order_line")
def _order_lines(q: str | None, limit: int) -> list[dict]:
    """Shipped-not-invoiced order lines whose reference or customer matches ``q``."""
    needle = (q or "").strip().lower()
    rows = db.session.scalars(select(SalesOrderLine).join(SalesOrder).join(Customer).where(
        SalesOrder.kind == "blue", SalesOrderLine.qty_delivered - SalesOrderLine.qty_returned - SalesOrderLine.qty_invoiced > 0,
        or_(func.lower(SalesOrder.number).like(_like(needle.split("/")[0]), escape="\\"),
            func.lower(Customer.code).like(_like(needle), escape="\\")))
        .order_by(SalesOrder.id, SalesOrderLine.line_no).limit(limit))
    return [{"value": line_ref(line), "label": f"{line_ref(line)} {line.material.name} ×{invoiceable_qty(line).normalize():f} "
             f"({line.order.customer.code})"} for line in rows]


@lookup("material")
def _materials(q: str | None, limit: int) -> list[dict]:
    pattern = _like(q)
    rows = db.session.scalars(select(Material).where(
        or_(func.lower(Material.code).like(pattern, escape="\\"), func.lower(Material.name).like(pattern, escape="\\"),
            func.lower(Material.spec).like(pattern, escape="\\")))
        .order_by(Material.code).limit(limit))
    return [{"value": m.code, "label": f"{m.name} ({m.code})", "name": material_name(m)} for m in rows]


@lookup("material_class")
def _material_classes(q: str | None, limit: int) -> list[dict]:
    return _coded(MaterialClass, q, limit)


@lookup("customer_class")
def _customer_classes(q: str | None, limit: int) -> list[dict]:
    return _coded(CustomerClass, q, limit)


@lookup("price_list")
def _price_lists(q: str | None, limit: int) -> list[dict]:
    return _coded(PriceList, q, limit)


def _contract_terms(number: str | None) -> dict:
    """The terms of the contract an order was made under, for reading beside it."""
    contract = db.session.scalar(select(Contract).where(Contract.number == number)) if number else None
    if contract is None:
        return {}
    terms = _contract(contract)
    return {"contract_amount_cap": terms["amount_cap"], "contract_used": terms["used"], "price_terms": terms["price_terms"],
            "payment_terms": terms["payment_terms"], "payment_days": terms["payment_days"]}


def document_for_reader(kind: str, number: str) -> dict | None:
    """One document as a person deciding on it reads it: ``{"kind",
    "number", "facts": {...}, "lines": [...], "totals": {...}}`` — its
    header (the customer by name, a sales order's contract cap and terms),
    its lines with each material's name, spec and unit, and its net, tax and
    gross. None when ``kind`` is unknown or no document has that number.
    Reads only."""
    if kind not in DOCUMENT_KINDS or not isinstance(number, str) or not number:
        return None
    model, _, render = DOCUMENT_KINDS[kind]
    found = db.session.scalar(select(model).where(model.number == number))
    if found is None:
        return None
    facts = render(found)
    lines = facts.pop("lines", None) or []
    totals = {key: facts.pop(key) for key in ("net", "tax", "gross") if key in facts}
    customer = getattr(found, "customer", None)
    if customer is not None:
        facts["customer"] = f"{customer.name} ({customer.code})"
    if kind == "sales_order":
        facts.update(_contract_terms(found.contract_number))
    if kind == "contract":
        for noisy in ("versions", "attachments", "contract_no"):
            facts.pop(noisy, None)
    codes = {line["material"] for line in lines if line.get("material")}
    materials = {m.code: m for m in db.session.scalars(select(Material).where(Material.code.in_(codes)))} if codes else {}
    for line in lines:
        material = materials.get(line.get("material"))
        if material is not None:
            line.update(material_name=material.name, spec=material.spec, unit=material.unit)
    return {"kind": kind, "number": number, "facts": facts, "lines": lines, "totals": totals}
