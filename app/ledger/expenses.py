"""Employee advances (借支), expense claims (报销) and reimbursements (F08, F10).

An advance posts Dr 1221 / Cr 1002. A claim books the expense (Dr 6601) and
settles the advance first (Cr 1221); what the advance does not cover is owed
to the employee (Cr 2241) until a reimbursement pays it (Dr 2241 / Cr 1002).
Cash the employee brings back is Dr 1002 / Cr 1221. So per advance: paid =
claimed against it + returned + outstanding (invariant 8)."""
from datetime import date as date_type
from decimal import Decimal

from sqlalchemy import func, select

from app import clock
from app.extensions import db
from app.ledger import journal
from app.ledger.catalogue import customer_by_code, user_by_username
from app.ledger.dates import parse_date
from app.ledger.journal import Line, next_number, post
from app.ledger.money import ZERO, money_str, round_money
from app.ledger.ownership import ensure_of_this_request
from app.ledger.posting import posted_once
from app.models import (CollectionAssessment, EmployeeAdvance, ExpenseClaim, ExpenseClaimLine, Receipt, ReceiptReversal,
                        Reimbursement, User)
from app.actions import ActionCall, BusinessRuleViolation, action


def _sum(stmt) -> Decimal:
    value = db.session.scalar(stmt)
    return Decimal(value) if value is not None else ZERO


def advance_outstanding(advance: EmployeeAdvance) -> Decimal:
    """Paid − claimed against it − returned."""
    settled = _sum(select(func.sum(ExpenseClaim.applied + ExpenseClaim.returned)).where(ExpenseClaim.advance_id == advance.id))
    return advance.amount - settled


def _employee(username: str) -> User:
    user = user_by_username(username, "employee")
    if user is None:
        raise BusinessRuleViolation("unknown_user", "An employee is required.", field="employee")
    return user


def _positive(value, field: str, label: str | None = None) -> Decimal:
    amount = round_money(value, field)
    if amount <= 0:
        raise BusinessRuleViolation("invalid_amount", f"{label or field} must be a positive amount.", field=field)
    return amount


def make_advance(employee: User, amount, purpose: str, *, on: date_type, source_key: str) -> EmployeeAdvance:
    """Pay an advance (flushes) and post Dr 1221 / Cr 1002. Raises
    BusinessRuleViolation ``invalid_amount``, ``missing_purpose``, ``period_closed``."""
    amount = _positive(amount, "amount")
    if not (purpose or "").strip():
        raise BusinessRuleViolation("missing_purpose", "An advance needs its purpose.", field="purpose")
    journal.ensure_open(on)
    advance = EmployeeAdvance(number=next_number(EmployeeAdvance, "EA", on), employee=employee, amount=amount,
                              purpose=purpose.strip()[:255], advance_date=on, source_key=source_key, created_at=clock.now())
    db.session.add(advance)
    db.session.flush()
    post("employee_advance", advance.id, on, [Line(journal.EMPLOYEE_ADVANCES, "D", amount, salesperson_id=employee.id),
                                              Line(journal.BANK, "C", amount, salesperson_id=employee.id)],
         memo=f"advance {advance.number}")
    return advance


def make_claim(advance: EmployeeAdvance | None, employee: User, claim_lines: list[dict], returned=0, *, on: date_type,
               source_key: str, close: bool = False) -> ExpenseClaim:
    """An expense claim (flushes): its lines [{"category", "amount"}] settle
    ``advance`` first; the rest becomes owed to the employee; ``returned``
    cash closes (part of) what is left of the advance (``close``: all of
    it, whatever ``returned`` says). Posts Dr 6601, Dr 1002
    (returned) / Cr 1221, Cr 2241. Raises BusinessRuleViolation
    ``empty_claim``, ``invalid_amount``, ``over_return``, ``period_closed``."""
    if not claim_lines:
        raise BusinessRuleViolation("empty_claim", "A claim needs at least one line.", field="claim_lines")
    built = []
    for number, entry in enumerate(claim_lines, start=1):
        category = str(entry.get("category") or "").strip()
        if not category:
            raise BusinessRuleViolation("missing_category", f"Line {number} needs its expense category.", field="claim_lines")
        built.append(ExpenseClaimLine(line_no=number, category=category[:64], amount=_positive(entry.get("amount"), "claim_lines", f"line {number}")))
    claimed = sum((line.amount for line in built), ZERO)
    returned = round_money(returned or 0)
    left = advance_outstanding(advance) if advance is not None else ZERO
    applied = min(claimed, left)
    if close:
        returned = left - applied
    if returned < 0 or returned > left - applied:
        raise BusinessRuleViolation("over_return", f"At most {money_str(left - applied)} of the advance is left to return.",
                                    {"returnable": money_str(left - applied)}, field="returned")
    journal.ensure_open(on)
    claim = ExpenseClaim(number=next_number(ExpenseClaim, "EC", on), employee=employee, advance=advance, claim_date=on,
                         claimed=claimed, applied=applied, returned=returned, payable=claimed - applied,
                         source_key=source_key, created_at=clock.now(), lines=built)
    db.session.add(claim)
    db.session.flush()
    who = dict(salesperson_id=employee.id)
    post("expense_claim", claim.id, on, [
        Line(journal.SELLING_EXPENSES, "D", claimed, **who), Line(journal.BANK, "D", returned, **who),
        Line(journal.EMPLOYEE_ADVANCES, "C", applied + returned, **who), Line(journal.OWED_TO_EMPLOYEES, "C", claim.payable, **who),
    ], memo=f"expense claim {claim.number}")
    return claim


def reimbursed(*, claim_id: int | None = None, assessment_id: int | None = None) -> Decimal:
    column = Reimbursement.claim_id if claim_id is not None else Reimbursement.assessment_id
    return _sum(select(func.sum(Reimbursement.amount)).where(column == (claim_id if claim_id is not None else assessment_id)))


def assessments_owed(salesperson_id: int) -> Decimal:
    """What a salesperson's collection assessments owe them net of what was
    paid: payouts less recoveries (negative assessments) less reimbursements."""
    charged = _sum(select(func.sum(CollectionAssessment.amount)).where(CollectionAssessment.salesperson_id == salesperson_id))
    paid = _sum(select(func.sum(Reimbursement.amount)).where(Reimbursement.employee_id == salesperson_id,
                                                             Reimbursement.assessment_id.is_not(None)))
    return charged - paid


def assessment_due(assessment: CollectionAssessment) -> Decimal:
    """What may still be paid on ``assessment``: its own rest, less any
    recovery the salesperson still owes from earlier assessments (offset)."""
    own = assessment.amount - reimbursed(assessment_id=assessment.id)
    return max(min(own, assessments_owed(assessment.salesperson_id)), ZERO)


def make_reimbursement(*, claim: ExpenseClaim | None = None, assessment: CollectionAssessment | None = None, amount=None,
                       on: date_type, source_key: str) -> Reimbursement:
    """Pay the employee what a claim or an assessment still owes them
    (``amount``, default all of it) (flushes); posts Dr 2241 / Cr 1002. An
    assessment's payout is first reduced by recoveries the salesperson still
    owes. Raises BusinessRuleViolation ``nothing_to_pay``, ``over_payment``,
    ``invalid_amount``, ``period_closed``."""
    if claim is not None:
        due, employee_id = claim.payable - reimbursed(claim_id=claim.id), claim.employee_id
    else:
        due, employee_id = assessment_due(assessment), assessment.salesperson_id
    if due <= 0:
        raise BusinessRuleViolation("nothing_to_pay", "Nothing is owed on this document.")
    amount = due if amount is None else _positive(amount, "amount")
    if amount > due:
        raise BusinessRuleViolation("over_payment", f"Only {money_str(due)} is owed.", {"due": money_str(due)}, field="amount")
    journal.ensure_open(on)
    payment = Reimbursement(number=next_number(Reimbursement, "RB", on), employee_id=employee_id,
                            claim_id=claim.id if claim else None, assessment_id=assessment.id if assessment else None,
                            amount=amount, pay_date=on, source_key=source_key, created_at=clock.now())
    db.session.add(payment)
    db.session.flush()
    post("reimbursement", payment.id, on, [Line(journal.OWED_TO_EMPLOYEES, "D", amount, salesperson_id=employee_id),
                                           Line(journal.BANK, "C", amount, salesperson_id=employee_id)],
         memo=f"reimbursement {payment.number}")
    return payment


def _by_number(model, number: str, code: str, field: str):
    found = db.session.scalar(select(model).where(model.number == number)) if number else None
    if found is None:
        raise BusinessRuleViolation(code, f"No {model.__tablename__.replace('_', ' ')} is numbered {number!r}.", field=field)
    return found


def _advance_result(advance: EmployeeAdvance) -> dict:
    return {"advance_no": advance.number, "employee": advance.employee.username, "amount": money_str(advance.amount),
            "outstanding": money_str(advance_outstanding(advance))}


@action("ledger.pay_advance")
def pay_advance(call: ActionCall, *, employee: str, amount, purpose: str, date: str | None = None) -> dict:
    """F10: finance pays ``employee`` an advance (借支). Result {"advance_no",
    "employee", "amount", "outstanding"}. Idempotent per call. Raises
    ``unknown_user``, ``invalid_amount``, ``missing_purpose``, ``period_closed``."""
    return _advance_result(posted_once(EmployeeAdvance, call.idempotency_key, lambda: make_advance(
        _employee(employee), amount, purpose, on=parse_date(date), source_key=call.idempotency_key)))


@action("ledger.settle_advance")
def settle_advance(call: ActionCall, *, advance: str, claim_lines: list, returned=None, close: bool = False,
                   date: str | None = None) -> dict:
    """F10: the claim against ``advance`` (its number): ``claim_lines``
    [{"category", "amount"}], ``returned`` cash; ``close`` settles the
    advance for good: what the claim does not use comes back as returned
    cash (a claim above the advance leaves the difference payable). Result
    {"claim_no", "advance_no", "claimed", "applied", "returned", "payable",
    "outstanding"}. Idempotent per call. Raises ``unknown_employee_advance``,
    ``empty_claim``, ``invalid_amount``, ``over_return``, ``period_closed``,
    ``not_this_request``."""
    def settle() -> ExpenseClaim:
        found = _by_number(EmployeeAdvance, advance, "unknown_employee_advance", "advance")
        ensure_of_this_request(call, found, kind="advance")
        return make_claim(found, found.employee, claim_lines, returned, on=parse_date(date), source_key=call.idempotency_key,
                          close=close)

    claim = posted_once(ExpenseClaim, call.idempotency_key, settle)
    return {"claim_no": claim.number, "advance_no": claim.advance.number, "claimed": money_str(claim.claimed),
            "applied": money_str(claim.applied), "returned": money_str(claim.returned), "payable": money_str(claim.payable),
            "outstanding": money_str(advance_outstanding(claim.advance))}


@action("ledger.pay_reimbursement")
def pay_reimbursement(call: ActionCall, *, claim: str | None = None, assessment: str | None = None, amount=None,
                      date: str | None = None) -> dict:
    """F08/F10: pay what ``claim`` (an expense claim number) or
    ``assessment`` (a collection assessment number) still owes the employee
    (``amount``, default all). Result {"reimbursement_no", "employee",
    "amount", "still_due"}. Idempotent per call. Raises ``unknown_expense_claim``,
    ``unknown_collection_assessment``, ``nothing_to_pay``, ``over_payment``,
    ``period_closed``, ``not_this_request``."""
    def pay() -> Reimbursement:
        if bool(claim) == bool(assessment):
            raise BusinessRuleViolation("reimbursement_source", "Name either a claim or an assessment.", field="claim")
        owed = (_by_number(ExpenseClaim, claim, "unknown_expense_claim", "claim") if claim
                else _by_number(CollectionAssessment, assessment, "unknown_collection_assessment", "assessment"))
        ensure_of_this_request(call, owed, kind="claim" if claim else "assessment")
        return make_reimbursement(claim=owed if claim else None, assessment=None if claim else owed,
                                  amount=amount, on=parse_date(date), source_key=call.idempotency_key)

    payment = posted_once(Reimbursement, call.idempotency_key, pay)
    if payment.claim_id is not None:
        still = db.session.get(ExpenseClaim, payment.claim_id).payable - reimbursed(claim_id=payment.claim_id)
    else:
        still = assessment_due(db.session.get(CollectionAssessment, payment.assessment_id))
    return {"reimbursement_no": payment.number, "employee": payment.employee.username, "amount": money_str(payment.amount),
            "still_due": money_str(still)}


@action("ledger.confirm_customer_paid")
def confirm_customer_paid(call: ActionCall, *, customer: str, advance: str, customer_paid_date: str | None = None) -> dict:
    """F10 (seed 9.1, 回款后): a promotion claim may only be made once the
    customer has paid, and the ledger, not the claimant's word, says so: the
    ledger must hold a receipt from ``customer``, not reversed, dated
    ``customer_paid_date`` and no earlier than ``advance`` (the promotion's
    advance) was paid. Posts nothing. Result {"receipt_no", "receipt_date",
    "amount", "customer"} (the largest receipt of that day). Raises
    ``missing_date``, ``invalid_date``, ``unknown_customer``,
    ``unknown_employee_advance``, ``not_this_request``, ``paid_before_advance``
    and ``no_customer_receipt`` (the date names no receipt), each naming
    ``customer_paid_date`` where the date is at fault."""
    if not customer_paid_date:
        raise BusinessRuleViolation("missing_date", "The date the customer paid is required.", {"field": "customer_paid_date"}, field="customer_paid_date")
    day = parse_date(customer_paid_date, "customer_paid_date")
    buyer = customer_by_code(customer)
    found = _by_number(EmployeeAdvance, advance, "unknown_employee_advance", "advance")
    ensure_of_this_request(call, found, kind="advance")
    if day < found.advance_date:
        raise BusinessRuleViolation("paid_before_advance", f"{day} is before the advance {found.number} was paid "
                                    f"({found.advance_date}): the claim needs the customer's payment after the promotion.",
                                    {"field": "customer_paid_date"}, field="customer_paid_date")
    reversed_ids = select(ReceiptReversal.receipt_id)
    receipt = db.session.scalar(select(Receipt).where(Receipt.customer_id == buyer.id, Receipt.receipt_date == day,
                                                      Receipt.id.not_in(reversed_ids))
                                .order_by(Receipt.amount.desc(), Receipt.id).limit(1))
    if receipt is None:
        raise BusinessRuleViolation("no_customer_receipt", f"The ledger holds no receipt from {buyer.name} dated {day}.",
                                    {"field": "customer_paid_date"}, field="customer_paid_date")
    return {"receipt_no": receipt.number, "receipt_date": receipt.receipt_date.isoformat(),
            "amount": money_str(receipt.amount), "customer": buyer.code}
