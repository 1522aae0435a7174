"""Receipts and write-off (回款核销, LEDGER.md rules 1–5).

A receipt posts Dr bank / Cr advances (2203) in full; an allocation moves the
settled part Dr 2203 / Cr receivables (1122). So the unallocated part of a
receipt is, by construction, the customer's advance (预收)."""
from datetime import date as date_type
from decimal import Decimal

from sqlalchemy import select

from app import clock
from app.extensions import db
from app.ledger import journal
from app.ledger.balances import live_allocations, open_advances, open_receivables, unallocated
from app.ledger.catalogue import user_by_username
from app.ledger.customers import attribution, refreshed_customer
from app.ledger.dates import parse_date
from app.ledger.journal import Line, next_number, post, today
from app.ledger.money import money_str, round_money, to_decimal
from app.ledger.ownership import ensure_of_this_request
from app.ledger.posting import Source, posted_once, posted_rows
from app.ledger.sales_facts import count_receipt, count_receipt_reversal
from app.models import Allocation, Customer, Invoice, Receipt, ReceiptReversal, Receivable
from app.actions import ActionCall, BusinessRuleViolation, action


def make_receipt(customer: Customer, amount, *, on: date_type, source_key: str, bank_reference: str | None = None,
                 invoice_reference: str | None = None, contract_reference: str | None = None, kind: str = "receipt") -> Receipt:
    """Record money received (flushes) and post Dr 1002 / Cr 2203. Raises
    BusinessRuleViolation ``invalid_amount``, ``period_closed``."""
    amount = round_money(amount, "amount")
    if amount <= 0:
        raise BusinessRuleViolation("invalid_amount", "A receipt must be a positive amount.", field="amount")
    journal.ensure_open(on)
    salesperson_id, region = attribution(customer, on)
    receipt = Receipt(number=next_number(Receipt, "RC", on), customer=customer, amount=amount, receipt_date=on,
                      bank_reference=bank_reference, invoice_reference=invoice_reference,
                      contract_reference=contract_reference, salesperson_id=salesperson_id, kind=kind,
                      source_key=source_key, created_at=clock.now())
    db.session.add(receipt)
    db.session.flush()
    dims = dict(customer_id=customer.id, salesperson_id=salesperson_id, region=region)
    post("receipt", receipt.id, on, [Line(journal.BANK, "D", amount, **dims), Line(journal.ADVANCES, "C", amount, **dims)],
         memo=f"receipt {receipt.number} {bank_reference or ''}".strip())
    count_receipt(receipt)
    return receipt


def _allocate(receivable: Receivable, amount: Decimal, *, on: date_type, source_key: str, seq: int,
              receipt: Receipt | None = None, credit: Receivable | None = None) -> Allocation:
    allocation = Allocation(customer_id=receivable.customer_id, receivable=receivable, receipt=receipt, credit_receivable=credit,
                            salesperson_id=receivable.salesperson_id, amount=amount, allocation_date=on,
                            source_key=source_key, seq=seq, created_at=clock.now())
    db.session.add(allocation)
    db.session.flush()
    dims = dict(customer_id=receivable.customer_id, salesperson_id=receivable.salesperson_id, region=receivable.region)
    if credit is not None:  # red against blue: both sides are receivables, the pair stays traceable
        lines = [Line(journal.RECEIVABLES, "D", amount, **dims), Line(journal.RECEIVABLES, "C", amount, **dims)]
    else:
        lines = [Line(journal.ADVANCES, "D", amount, **dims), Line(journal.RECEIVABLES, "C", amount, **dims)]
    post("allocation", allocation.id, on, lines, memo=f"write-off {receivable.invoice.number}")
    return allocation


def offset_red_receivables(customer: Customer, *, on: date_type, source_key: str, seq: int = 0,
                           prefer: Receivable | None = None) -> list[Allocation]:
    """Rule 5: the customer's open red receivables offset its open blue ones
    (``prefer``, usually the red one's original, first; then oldest due date)
    (flushes). Returns the allocations made; a red remainder stays as credit."""
    made = []
    reds = [(r, o) for r, o in open_receivables(customer.id) if o < 0]
    for red, red_open in reds:
        blues = [(r, o) for r, o in open_receivables(customer.id) if o > 0]
        blues.sort(key=lambda pair: (pair[0] is not prefer, pair[0].due_date, pair[0].id))
        for blue, blue_open in blues:
            if red_open >= 0:
                break
            amount = min(blue_open, -red_open)
            seq += 1
            made.append(_allocate(blue, amount, on=on, source_key=source_key, seq=seq, credit=red))
            red_open += amount
    return made


def allocate(customer: Customer, *, on: date_type, source_key: str, receipts: list[Receipt] | None = None,
             invoice_numbers: list[str] | None = None, salesperson_id: int | None = None, seq: int = 0,
             receipt_references: bool = True) -> list[Allocation]:
    """Write off (flushes): first red receivables against blue (rule 5), then
    ``receipts`` (default: every receipt of the customer with money left,
    oldest first) against the customer's open blue receivables (rule 1),
    explicit invoice references first (given, or the receipt's own), then
    oldest due date (rule 2), never beyond what is outstanding (rule 3);
    what is left stays as advance (rule 4). Allocations are numbered from
    ``seq`` + 1 (several calls under one source key continue the count);
    ``receipt_references`` False ignores the references stored on the
    receipts (finance has since named others, or none). Raises
    BusinessRuleViolation ``wrong_customer``, ``period_closed``."""
    journal.ensure_open(on)
    made = offset_red_receivables(customer, on=on, source_key=source_key, seq=seq)
    seq += len(made)
    sources = [(r, unallocated(r)) for r in receipts] if receipts is not None else open_advances(customer.id)
    for receipt, left in sources:
        if receipt.customer_id != customer.id:
            raise BusinessRuleViolation("wrong_customer", f"Receipt {receipt.number} belongs to another customer.", field="receipt")
        references = list(invoice_numbers or []) + (
            [receipt.invoice_reference] if receipt.invoice_reference and receipt_references else [])
        blues = [(r, o) for r, o in open_receivables(customer.id) if o > 0
                 and (salesperson_id is None or r.salesperson_id == salesperson_id)
                 and (not receipt.contract_reference or r.contract_number == receipt.contract_reference
                      or r.invoice.number in references)]
        blues.sort(key=lambda pair: (pair[0].invoice.number not in references, pair[0].due_date, pair[0].id))
        for blue, blue_open in blues:
            if left <= 0:
                break
            amount = min(left, blue_open)
            seq += 1
            made.append(_allocate(blue, amount, on=on, source_key=source_key, seq=seq, receipt=receipt))
            left -= amount
    return made


def reverse_allocation(allocation: Allocation, *, on: date_type, source_key: str, seq: int = 1) -> Allocation:
    """Undo a write-off: a new allocation of the negative amount that
    references the original, and reversing entries dated ``on`` (flushes).
    Raises BusinessRuleViolation ``already_reversed``, ``period_closed``."""
    if allocation.reverses_id is not None or db.session.scalar(
            select(Allocation.id).where(Allocation.reverses_id == allocation.id)) is not None:
        raise BusinessRuleViolation("already_reversed", f"Allocation {allocation.id} is a reversal or already reversed.")
    journal.ensure_open(on)
    reversal = Allocation(customer_id=allocation.customer_id, receivable_id=allocation.receivable_id,
                          receipt_id=allocation.receipt_id, credit_receivable_id=allocation.credit_receivable_id,
                          salesperson_id=allocation.salesperson_id, amount=-allocation.amount, allocation_date=on,
                          reverses_id=allocation.id, source_key=source_key, seq=seq, created_at=clock.now())
    db.session.add(reversal)
    db.session.flush()
    journal.reverse("allocation", allocation.id, "allocation", reversal.id, on)
    return reversal


def reverse_receipt(receipt: Receipt, *, on: date_type, reason: str, source_key: str,
                    reversed_by_id: int | None = None) -> ReceiptReversal:
    """Cancel a receipt entered by mistake (flushes): each of its live
    allocations is undone by a reversing allocation (the invoices it paid
    reopen), then a red receipt of the negative amount reverses its entries
    (Dr 1002 / Cr 2203, negated) in the open period of ``on``. Nothing posted
    is changed. Raises BusinessRuleViolation ``missing_reason``,
    ``already_reversed``, ``period_closed``."""
    reason = (reason or "").strip()
    if not reason:
        raise BusinessRuleViolation("missing_reason", "Say why the receipt is reversed.", field="reason")
    if db.session.scalar(select(ReceiptReversal.id).where(ReceiptReversal.receipt_id == receipt.id)) is not None:
        raise BusinessRuleViolation("already_reversed", f"Receipt {receipt.number} is already reversed.")
    journal.ensure_open(on)
    for seq, allocation in enumerate(reversed(live_allocations(receipt.id)), start=1):
        reverse_allocation(allocation, on=on, source_key=f"{source_key}#allocations", seq=seq)
    red = ReceiptReversal(number=next_number(ReceiptReversal, "RR", on), receipt=receipt, customer_id=receipt.customer_id,
                          amount=-receipt.amount, reversal_date=on, reason=reason[:255], reversed_by_id=reversed_by_id,
                          source_key=source_key, created_at=clock.now())
    db.session.add(red)
    db.session.flush()
    journal.reverse("receipt", receipt.id, "receipt_reversal", red.id, on)
    count_receipt_reversal(red)
    return red


def reversal_result(red: ReceiptReversal) -> dict:
    undone = db.session.scalars(select(Allocation).where(Allocation.source_key == f"{red.source_key}#allocations")
                                .order_by(Allocation.seq)).all()
    return {"reversal_no": red.number, "receipt_no": red.receipt.number, "customer": red.receipt.customer.code,
            "amount": money_str(red.amount), "date": red.reversal_date.isoformat(), "reason": red.reason,
            "reversed_allocations": [{"allocation_id": a.id, "reverses": a.reverses_id, "invoice_no": a.receivable.invoice.number,
                                      "amount": money_str(a.amount)} for a in undone]}


def _receipt_result(receipt: Receipt) -> dict:
    return {"receipt_no": receipt.number, "customer": receipt.customer.code, "amount": money_str(receipt.amount),
            "unallocated": money_str(unallocated(receipt))}


def _allocations_result(made: list[Allocation]) -> dict:
    return {"allocations": [{"allocation_id": a.id, "invoice_no": a.receivable.invoice.number, "amount": money_str(a.amount),
                             "source": a.receipt.number if a.receipt else a.credit_receivable.invoice.number} for a in made],
            "allocated": money_str(sum((a.amount for a in made), Decimal("0")))}


def _receipt_once(source: Source, customer: str, amount: Decimal, date: date_type | None, **references) -> Receipt:
    return posted_once(Receipt, source.key, lambda: make_receipt(refreshed_customer(customer), amount, on=date or today(),
                                                                 source_key=source.key, **references))


def record_receipt_once(source: Source, customer: str, amount: Decimal, date: date_type | None = None, *,
                        bank_reference: str | None = None, invoice_reference: str | None = None,
                        contract_reference: str | None = None) -> dict:
    """Money in from ``customer`` on ``date`` (default today), once per
    source; held as advance until allocated. Result {"receipt_no",
    "customer", "amount", "unallocated"}. Raises ``unknown_customer``,
    ``invalid_amount``, ``period_closed``."""
    return _receipt_result(_receipt_once(source, customer, amount, date, bank_reference=bank_reference,
                                         invoice_reference=invoice_reference, contract_reference=contract_reference))


@action("ledger.record_receipt")
def record_receipt(call: ActionCall, *, customer: str, amount, date: str | None = None, bank_reference: str | None = None,
                   invoice_reference: str | None = None, contract_reference: str | None = None) -> dict:
    """F02/F05: money in from ``customer``; held as advance until allocated.
    Result {"receipt_no", "customer", "amount", "unallocated"}. Idempotent
    per call. Raises ``unknown_customer``, ``invalid_amount``,
    ``invalid_number``, ``invalid_date``, ``period_closed``."""
    return record_receipt_once(Source.of(call), customer, to_decimal(amount, "amount"), parse_date(date),
                               bank_reference=bank_reference, invoice_reference=invoice_reference,
                               contract_reference=contract_reference)


@action("ledger.record_advance")
def record_advance(call: ActionCall, *, customer: str, amount, date: str | None = None,
                   bank_reference: str | None = None) -> dict:
    """F02/F05: money received before goods (预收), kept whole as advance.
    Result {"receipt_no", "customer", "amount", "unallocated", "advance_total"}.
    Idempotent per call. Raises ``unknown_customer``, ``invalid_amount``."""
    receipt = _receipt_once(Source.of(call), customer, to_decimal(amount, "amount"), parse_date(date),
                            bank_reference=bank_reference, kind="advance")
    advances = sum((u for _, u in open_advances(receipt.customer_id)), Decimal("0"))
    return {**_receipt_result(receipt), "advance_total": money_str(advances)}


def allocate_receipt_once(source: Source, *, customer: str | None = None, receipt: str | None = None,
                          invoices: list | None = None, salesperson: str | None = None,
                          date: date_type | None = None) -> dict:
    """Write off ``receipt`` (or every open advance of ``customer``) against
    open invoices on ``date`` (default today), ``invoices`` (numbers) first,
    then oldest due, once per source. Result {"allocations":
    [{"allocation_id", "invoice_no", "amount", "source"}], "allocated",
    "advance_left"}. Raises ``unknown_receipt``, ``unknown_customer``,
    ``period_closed``, ``not_this_request`` (a receipt another request
    recorded, an invoice this request neither made nor named)."""
    buyer = None

    def write_off() -> list[Allocation]:
        nonlocal buyer
        chosen = None
        if receipt:
            chosen = db.session.scalar(select(Receipt).where(Receipt.number == receipt))
            if chosen is None:
                raise BusinessRuleViolation("unknown_receipt", f"No receipt is numbered {receipt!r}.", field="receipt")
            ensure_of_this_request(source, chosen, kind="receipt")
        for named in db.session.scalars(select(Invoice).where(Invoice.number.in_([str(n) for n in invoices or []]))):
            ensure_of_this_request(source, named, kind="invoice", requested=True)
        buyer = chosen.customer if chosen else refreshed_customer(customer)
        rep = user_by_username(salesperson, "salesperson")
        return allocate(buyer, on=date or today(), source_key=source.key, receipts=[chosen] if chosen else None,
                        invoice_numbers=invoices, salesperson_id=rep.id if rep else None)

    made = posted_rows(Allocation, source.key, write_off)
    advances = sum((u for _, u in open_advances(made[0].customer_id if made else buyer.id)), Decimal("0"))
    return {**_allocations_result(made), "advance_left": money_str(advances)}


@action("ledger.allocate_receipt")
def allocate_receipt(call: ActionCall, *, customer: str | None = None, receipt: str | None = None,
                     invoices: list | None = None, salesperson: str | None = None, date: str | None = None) -> dict:
    """F05: ``allocate_receipt_once`` for a service task. Idempotent per
    call. Raises as it does, and ``invalid_date``."""
    return allocate_receipt_once(Source.of(call), customer=customer, receipt=receipt, invoices=invoices,
                                 salesperson=salesperson, date=parse_date(date))


@action("ledger.reverse_allocation")
def reverse_allocation_action(call: ActionCall, *, allocation_id: int, date: str | None = None) -> dict:
    """Undo one write-off. Result {"allocation_id", "reverses", "amount"}.
    Idempotent per call. Raises ``unknown_allocation``, ``already_reversed``,
    ``period_closed``."""
    def reverse() -> Allocation:
        original = db.session.get(Allocation, int(allocation_id))
        if original is None:
            raise BusinessRuleViolation("unknown_allocation", f"No allocation {allocation_id}.", field="allocation_id")
        return reverse_allocation(original, on=parse_date(date), source_key=call.idempotency_key)

    reversal = posted_once(Allocation, call.idempotency_key, reverse)
    return {"allocation_id": reversal.id, "reverses": reversal.reverses_id, "amount": money_str(reversal.amount)}


def reverse_receipt_once(source: Source, receipt: str, reason: str, date: date_type | None = None) -> dict:
    """Reverse the receipt numbered ``receipt`` (entered by mistake) with a
    red receipt dated ``date`` (default today), undoing its allocations
    first; once per source. Result {"reversal_no", "receipt_no",
    "customer", "amount", "date", "reason", "reversed_allocations":
    [{"allocation_id", "reverses", "invoice_no", "amount"}]}. Raises
    ``unknown_receipt``, ``missing_reason``, ``already_reversed``,
    ``period_closed``, ``not_this_request``."""
    def reverse() -> ReceiptReversal:
        original = db.session.scalar(select(Receipt).where(Receipt.number == receipt))
        if original is None:
            raise BusinessRuleViolation("unknown_receipt", f"No receipt is numbered {receipt!r}.", field="receipt")
        ensure_of_this_request(source, original, kind="receipt")
        return reverse_receipt(original, on=date or today(), reason=reason, source_key=source.key,
                               reversed_by_id=source.actor_id)

    return reversal_result(posted_once(ReceiptReversal, source.key, reverse))


@action("ledger.reverse_receipt")
def reverse_receipt_action(call: ActionCall, *, receipt: str, reason: str, date: str | None = None) -> dict:
    """``reverse_receipt_once`` for a service task. Idempotent per call.
    Raises as it does, and ``invalid_date``."""
    return reverse_receipt_once(Source.of(call), receipt, reason, parse_date(date))
