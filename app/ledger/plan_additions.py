"""A new dealer's annual target becomes lines of the year's sales plan (F13
→ F11: 新经销商的年度目标进入年度销售计划).

Plan versions are insert-only, so the target is added as a NEW version of
the year's latest plan: its lines as issued plus one line per remaining
month of the year for the dealer (the annual target spread over twelve
months; the months before the signing month are not the dealer's). A new
version rather than a table beside the plan, because every reader of
targets (the monthly report's achievement, the quarterly review's targets,
the monthly plans) already reads the latest version and needs no second
source. The version's approver is the person who approved the dealer's
terms (by the task records), and its strategy says where it came from."""
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, select

from app import clock
from app.actions import ActionCall, BusinessRuleViolation, action
from app.extensions import db
from app.ledger.dates import parse_date
from app.ledger.money import ZERO, money_str
from app.ledger.sales_plan import latest_plan
from app.models import Customer, SalesPlan, SalesPlanLine

MONTHS = 12
CENT = Decimal("0.01")


def monthly_share(annual_target) -> Decimal:
    """One month's part of an annual target, to the cent. Raises ``invalid_amount``."""
    try:
        amount = Decimal(str(annual_target))
    except ArithmeticError:
        amount = None
    if amount is None or not amount.is_finite() or amount < 0:
        raise BusinessRuleViolation("invalid_amount", f"An annual target is an amount of 0 or more, not {annual_target!r}.",
                                    field="annual_target")
    return (amount / MONTHS).quantize(CENT, rounding=ROUND_HALF_UP)


def _first_month(signed: date, year: int) -> int:
    return signed.month if signed.year == year else 1


def _copy(line: SalesPlanLine, seq: int) -> SalesPlanLine:
    return SalesPlanLine(seq=seq, region=line.region, salesperson_id=line.salesperson_id, customer_id=line.customer_id,
                         class_id=line.class_id, month=line.month, amount=line.amount, quantity=line.quantity)


def add_dealer_lines(plan: SalesPlan, customer: Customer, *, share: Decimal, signed: date, approved_by_id: int,
                     source_key: str, contract_number: str) -> SalesPlan:
    """The next version of ``plan``'s year: ``plan``'s lines and one line of
    ``share`` for ``customer`` per month from ``signed``'s month (flushes)."""
    first_month = _first_month(signed, plan.year)
    lines = [_copy(line, seq) for seq, line in enumerate(plan.lines, start=1)]
    lines += [SalesPlanLine(seq=len(lines) + n, region=customer.region, salesperson_id=customer.salesperson_id,
                            customer_id=customer.id, class_id=None, month=month, amount=share, quantity=Decimal("0"))
              for n, month in enumerate(range(first_month, MONTHS + 1), start=1)]
    version = (db.session.scalar(select(func.max(SalesPlan.version)).where(SalesPlan.year == plan.year)) or 0) + 1
    added = SalesPlan(
        number=f"SP{plan.year}-{version}", year=plan.year, version=version,
        strategy=f"{plan.strategy}\n[F13] 新经销商 {customer.code} {customer.name} 年度目标计入计划（合同 {contract_number}）",
        forecast=plan.forecast, amount=sum((line.amount for line in lines), ZERO),
        quantity=sum((line.quantity for line in lines), Decimal("0")), issued_on=signed, approved_by_id=approved_by_id,
        source_key=source_key, created_at=clock.now(), lines=lines)
    db.session.add(added)
    db.session.flush()
    return added


@action("ledger.add_dealer_to_plan")
def add_dealer_to_plan(call: ActionCall, *, customer: str, annual_target, signed_date: str, contract_number: str = "",
                       terms_approved_in: list | None = None) -> dict:
    """F13's last step after the customer file: the dealer's annual target as
    lines of the signing year's latest issued plan, in a new plan version
    (once per call). Without an issued plan for that year nothing is added
    (the year's plan, when issued, breaks down every customer's target
    itself). Result {"added": bool, "number", "version", "months", "monthly"}
    or {"added": False, "reason": "no_plan", "year"}. Raises
    ``unknown_customer``, ``not_approved`` (no approval of the terms on
    record), ``invalid_amount``, ``invalid_date``."""
    signed = parse_date(signed_date, "signed_date")
    share = monthly_share(annual_target)
    dealer = db.session.scalar(select(Customer).where(Customer.code == customer))
    if dealer is None:
        raise BusinessRuleViolation("unknown_customer", f"No customer {customer!r}.", field="customer")
    added = db.session.scalar(select(SalesPlan).where(SalesPlan.source_key == call.idempotency_key))
    if added is None:
        approver = call.approver_of_record(terms_approved_in or [])
        if approver is None:
            raise BusinessRuleViolation("not_approved", "Nobody approved the dealer's terms in this request.")
        plan = latest_plan(signed.year)
        if plan is None:
            return {"added": False, "reason": "no_plan", "year": signed.year}
        added = add_dealer_lines(plan, dealer, share=share, signed=signed, approved_by_id=approver,
                                 source_key=call.idempotency_key, contract_number=contract_number)
    return {"added": True, "number": added.number, "version": added.version,
            "months": MONTHS + 1 - _first_month(signed, added.year),
            "monthly": money_str(share)}
