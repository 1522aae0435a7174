"""The receipt list (回款清单) finance hands over: several receipts recorded
in one step, all or none, and written off together once the sales office
approves (F05)."""
from decimal import Decimal

from sqlalchemy import select

from app.extensions import db
from app.ledger.balances import unallocated
from app.ledger.collections import allocate, record_receipt_once
from app.ledger.dates import parse_date
from app.ledger.money import ZERO, money_str, to_decimal
from app.ledger.ownership import ensure_of_this_request
from app.ledger.posting import Source, posted_rows
from app.models import Allocation, Invoice, Receipt
from app.actions import ActionCall, BusinessRuleViolation, action


def _on_line(index: int, violation: BusinessRuleViolation, field: str | None = None) -> BusinessRuleViolation:
    """The same refusal, naming the line of the list (receipts.<index>.<field>)."""
    name = field or violation.field or "line"
    return BusinessRuleViolation(violation.code, f"Line {index + 1}: {violation.message}",
                                 {**violation.details, "line": index + 1}, field=f"receipts.{index}.{name}")


def _checked_line(index: int, line, seen: set) -> dict:
    """One line of the list, its values checked before anything is posted."""
    if not isinstance(line, dict):
        raise BusinessRuleViolation("invalid_line", f"Line {index + 1} is not a receipt.", {"line": index + 1},
                                    field=f"receipts.{index}")
    reference = str(line.get("bank_reference") or "").strip()
    if not reference:
        raise BusinessRuleViolation("missing_bank_reference", f"Line {index + 1} has no bank reference.",
                                    {"line": index + 1}, field=f"receipts.{index}.bank_reference")
    if reference in seen:
        raise BusinessRuleViolation("duplicate_bank_reference", f"Line {index + 1}: {reference} is on the list twice.",
                                    {"line": index + 1}, field=f"receipts.{index}.bank_reference")
    seen.add(reference)
    by_invoice = line.get("allocation_basis") == "invoice"
    if by_invoice and not str(line.get("invoice_reference") or "").strip():
        raise BusinessRuleViolation("missing_invoice_reference", f"Line {index + 1} pays a named invoice but names none.",
                                    {"line": index + 1}, field=f"receipts.{index}.invoice_reference")
    try:
        amount = to_decimal(line.get("amount"), "amount")
        day = parse_date(line.get("receipt_date"), "receipt_date")
    except BusinessRuleViolation as violation:
        raise _on_line(index, violation) from None
    return {"customer": line.get("customer"), "amount": amount, "date": day, "bank_reference": reference,
            "invoice_reference": str(line["invoice_reference"]).strip() if by_invoice else None}


def record_receipt_list(source: Source, receipts: list) -> dict:
    """Record every receipt of finance's list (flushes), once per source:
    line n under the key "<source>#n", so a repeated step returns the same
    receipts. All or none: a bad line refuses the whole list, naming it.
    Result {"receipts": [{"line", "receipt_no", "customer", "amount",
    "unallocated"}], "receipt_nos", "total"}. Raises BusinessRuleViolation
    ``empty_list``, ``invalid_line``, ``missing_bank_reference``,
    ``duplicate_bank_reference``, ``missing_invoice_reference``, and per
    line ``unknown_customer``, ``invalid_amount``, ``invalid_number``,
    ``invalid_date``, ``period_closed`` (field ``receipts.<i>.<name>``)."""
    if not receipts:
        raise BusinessRuleViolation("empty_list", "The list has no receipt.", field="receipts")
    seen: set = set()
    checked = [_checked_line(index, line, seen) for index, line in enumerate(receipts)]
    rows = []
    for index, line in enumerate(checked):
        try:
            made = record_receipt_once(Source(f"{source.key}#{index + 1}", source.actor_id, source.instance_id),
                                       line["customer"], line["amount"], line["date"],
                                       bank_reference=line["bank_reference"], invoice_reference=line["invoice_reference"])
        except BusinessRuleViolation as violation:
            raise _on_line(index, violation, "receipt_date" if violation.code == "period_closed" else None) from None
        rows.append({"line": index + 1, **made})
    return {"receipts": rows, "receipt_nos": [row["receipt_no"] for row in rows],
            "total": money_str(sum((Decimal(row["amount"]) for row in rows), ZERO))}


@action("ledger.record_receipts")
def record_receipts(call: ActionCall, *, receipts: list) -> dict:
    """F05: finance's receipt list recorded in one step (``record_receipt_list``),
    each receipt held as an advance until written off. Idempotent per call."""
    return record_receipt_list(Source.of(call), receipts)


def _basis(bases: list | None, index: int) -> tuple[list[str] | None, bool]:
    """The invoices line ``index`` names (None: oldest due) and whether the
    reference stored on the receipt still counts (not when finance revised it)."""
    if bases is None:
        return None, True
    line = bases[index] if isinstance(bases[index], dict) else {}
    if line.get("allocation_basis") == "invoice" and str(line.get("invoice_reference") or "").strip():
        return [str(line["invoice_reference"]).strip()], False
    return None, False


def write_off_receipt_list(source: Source, receipts: list, bases: list | None = None) -> dict:
    """Write off each receipt (numbers) of this request's list against its
    customer's open invoices (flushes), line by line: the invoice the line
    names (``bases`` [{"allocation_basis", "invoice_reference"}], one per
    receipt, as finance last gave them; default the receipts' own
    references), else oldest due; what is left stays an advance. Once per
    source: asked again it returns the same allocations. Result
    {"allocations": [{"allocation_id", "invoice_no", "amount", "source"}],
    "allocated", "receipts": [{"receipt_no", "unallocated"}],
    "advance_left"}. Raises BusinessRuleViolation ``unknown_receipt``,
    ``not_this_request``, ``line_count``, ``period_closed``."""
    if bases is not None and len(bases) != len(receipts):
        raise BusinessRuleViolation("line_count", f"{len(bases)} write-off lines for {len(receipts)} receipts.", field="bases")
    found = []
    for index, number in enumerate(receipts):
        receipt = db.session.scalar(select(Receipt).where(Receipt.number == str(number)))
        if receipt is None:
            raise BusinessRuleViolation("unknown_receipt", f"No receipt is numbered {number!r}.", {"line": index + 1},
                                        field=f"receipts.{index}")
        ensure_of_this_request(source, receipt, kind="receipt")
        found.append(receipt)

    def write_off() -> list[Allocation]:
        made: list[Allocation] = []
        for index, receipt in enumerate(found):
            named, own = _basis(bases, index)
            for invoice in db.session.scalars(select(Invoice).where(Invoice.number.in_(named or []))):
                ensure_of_this_request(source, invoice, kind="invoice", requested=True)
            made += allocate(receipt.customer, on=parse_date(None), source_key=source.key, receipts=[receipt],
                             invoice_numbers=named, seq=len(made), receipt_references=own)
        return made

    made = posted_rows(Allocation, source.key, write_off)
    left = {r.number: unallocated(r) for r in found}
    return {"allocations": [{"allocation_id": a.id, "invoice_no": a.receivable.invoice.number, "amount": money_str(a.amount),
                             "source": a.receipt.number if a.receipt else a.credit_receivable.invoice.number} for a in made],
            "allocated": money_str(sum((a.amount for a in made if a.receipt is not None), ZERO)),
            "receipts": [{"receipt_no": number, "unallocated": money_str(amount)} for number, amount in left.items()],
            "advance_left": money_str(sum(left.values(), ZERO))}


@action("ledger.allocate_receipts")
def allocate_receipts(call: ActionCall, *, receipts: list, bases: list | None = None) -> dict:
    """F05: the write-off of finance's receipt list (``write_off_receipt_list``)
    on today's date. Idempotent per call."""
    return write_off_receipt_list(Source.of(call), receipts, bases)
