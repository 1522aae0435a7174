"""The quarterly performance review (绩效考核, F09) beyond the collection
score: who is reviewed, field staff's sales targets against what they
achieved, and the approved rewards and penalties posted for payroll.

The seed: 外勤 are judged on their sales targets (以销售目标业绩做为自己主要工作评价),
and the review covers the region's and the department's staff (严格奖惩区域部门
职员的绩效), office staff included. A field person's target is the issued
annual sales plan's for the quarter (F11), else the stored ``SalesTarget`` of
the quarter (the latest row counts); where neither exists the review shows no
target and the director judges on the figures alone.

The rewards and penalties posted are the ones the director submitted, as
the instance's audit log records them, and only once the general manager
has approved them (by the task records, never a form's word)."""
from decimal import Decimal

from sqlalchemy import select

from app import clock
from app.extensions import db
from app.ledger import journal
from app.ledger.assessment import quarter_bounds, quarter_figures
from app.ledger.journal import Line, next_number, post
from app.ledger.money import ZERO, money_str, round_money
from app.ledger.posting import posted_once
from app.ledger.sales_plan import quarter_targets
from app.models import AuditEvent, PayrollAdjustment, PayrollAdjustmentLine, SalesTarget, Staffing, User
from app.actions import ActionCall, BusinessRuleViolation, action

# 应付职工薪酬: rewards and penalties are paid and deducted with the wages,
# apart from what expense claims owe employees (2241)
PAYROLL_PAYABLE = "2211"
PROPOSAL_STEP = "Task_ProposeRewards"
APPROVAL_STEP = "Task_GMApproval"
PROPOSER_ROLE = "sales_director"  # proposes the rewards, so is not among the reviewed


def reviewed_people() -> list[User]:
    """Everyone on the marketing staffing plan (office or field) who is
    active, except the director who proposes; by username."""
    people = db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.username))
    return [u for u in people if u.staffing is not None and not u.has_role(PROPOSER_ROLE)]


def set_sales_target(employee: User, quarter: str, amount) -> SalesTarget:
    """Store ``employee``'s sales target for ``quarter`` (flushes); a later
    target for the same quarter supersedes, the earlier row stays. Raises
    BusinessRuleViolation ``invalid_quarter``, ``invalid_number``,
    ``invalid_amount`` (not above zero). Posts no entries."""
    quarter_bounds(quarter)
    value = round_money(amount, "amount")
    if value <= 0:
        raise BusinessRuleViolation("invalid_amount", "A sales target must be above zero.", field="amount")
    target = SalesTarget(employee=employee, quarter=quarter.upper(), amount=value, created_at=clock.now())
    db.session.add(target)
    db.session.flush()
    return target


def _targets(quarter: str) -> dict[int, Decimal]:
    return quarter_targets(quarter)  # the issued sales plan's, else the stored one


def _achieved(person: User, sold: dict[int, Decimal], people: list[User]) -> Decimal:
    """A rep's own invoicing net of returns; a regional manager's, the region's."""
    if person.has_role("regional_manager") and person.region:
        region = {u.id for u in people if u.region == person.region and u.has_role("sales_rep")} | {person.id}
        return sum((sold.get(i, ZERO) for i in region), ZERO)
    return sold.get(person.id, ZERO)


def review_rows(quarter: str) -> list[dict]:
    """One row per reviewed person: field staff with their target, what they
    achieved (invoiced gross, net of returns) and the rate; office staff with
    no sales figures (the director judges their service)."""
    quarter_bounds(quarter)
    people = reviewed_people()
    sold = {rep_id: f["invoiced"] for rep_id, f in quarter_figures(quarter).items()}
    targets = _targets(quarter)
    rows = []
    for person in people:
        row = {"employee": person.username, "name": person.display_name, "staffing": person.staffing.value,
               "roles": ",".join(person.role_codes), "target": None, "achieved": None, "achievement_rate": None}
        if person.staffing is Staffing.field:
            achieved, target = _achieved(person, sold, people), targets.get(person.id)
            row["achieved"] = money_str(achieved)
            if target is not None:
                row["target"] = money_str(target)
                row["achievement_rate"] = str((achieved / target).quantize(Decimal("0.0001")))
        rows.append(row)
    return rows


@action("ledger.review_sheet")
def review_sheet(call: ActionCall, *, quarter: str) -> dict:
    """F09: the people the quarter's review covers (field and office staff of
    the staffing plan, regional managers included) and, for field staff,
    sales target against achievement. Result {"quarter", "people":
    [{"employee", "name", "staffing", "roles", "target", "achieved",
    "achievement_rate"}]}. Posts nothing. Raises ``invalid_quarter``."""
    asked = str(quarter or "").strip().upper()
    return {"quarter": asked, "people": review_rows(asked)}


def _submitted_proposal(instance_id: int) -> dict:
    """The director's last submitted proposal, as the audit log records it."""
    event = db.session.scalar(select(AuditEvent).where(
        AuditEvent.instance_id == instance_id, AuditEvent.kind == "task_completed",
        AuditEvent.element_id == PROPOSAL_STEP).order_by(AuditEvent.seq.desc()).limit(1))
    if event is None:
        raise BusinessRuleViolation("no_proposal", "No reward and penalty proposal was submitted in this review.")
    return event.data or {}


def _lines(proposal: dict, reviewed: dict[str, User]) -> list[PayrollAdjustmentLine]:
    lines = []
    for seq, item in enumerate(proposal.get("adjustments") or [], start=1):
        person = reviewed.get(str(item.get("salesperson")))
        if person is None:
            raise BusinessRuleViolation("not_reviewed", f"{item.get('salesperson')!r} is not among the people this "
                                        "review covers.", {"employee": item.get("salesperson")}, field="adjustments")
        amount = round_money(item.get("amount"), "amount")
        kind = item.get("kind")
        if amount <= 0 or kind not in ("reward", "penalty"):
            raise BusinessRuleViolation("invalid_amount", "Each reward or penalty needs a kind and an amount above "
                                        "zero.", field="adjustments")
        lines.append(PayrollAdjustmentLine(seq=seq, employee=person, kind=kind, amount=amount,
                                           reason=str(item.get("reason") or "")[:500]))
    return lines


def make_payroll_adjustment(call: ActionCall, quarter: str) -> PayrollAdjustment:
    """Post the approved proposal of ``call``'s instance (flushes). Rewards
    Dr 6601 / Cr 2211 (payroll payable), penalties Dr 2211 / Cr 6601, per employee. Raises
    ``not_approved``, ``no_proposal``, ``not_reviewed``, ``invalid_amount``,
    ``invalid_quarter``, ``period_closed``."""
    quarter_bounds(quarter)
    approver = call.approver_of_record([APPROVAL_STEP])
    if approver is None:
        raise BusinessRuleViolation("not_approved", "The general manager has not approved these rewards and penalties.")
    lines = _lines(_submitted_proposal(call.instance_id), {u.username: u for u in reviewed_people()})
    on = journal.today()
    journal.ensure_open(on)
    rewards = sum((line.amount for line in lines if line.kind == "reward"), ZERO)
    penalties = sum((line.amount for line in lines if line.kind == "penalty"), ZERO)
    sheet = PayrollAdjustment(number=next_number(PayrollAdjustment, "PA", on), quarter=quarter.upper(), rewards=rewards,
                              penalties=penalties, posting_date=on, approved_by_id=approver,
                              source_key=call.idempotency_key, created_at=clock.now(), lines=lines)
    db.session.add(sheet)
    db.session.flush()
    entries = []
    for line in lines:
        expense, owed = ("D", "C") if line.kind == "reward" else ("C", "D")
        who = {"salesperson_id": line.employee.id, "region": line.employee.region}
        entries += [Line(journal.SELLING_EXPENSES, expense, line.amount, **who),
                    Line(PAYROLL_PAYABLE, owed, line.amount, **who)]
    post("payroll_adjustment", sheet.id, on, entries, memo=f"performance rewards and penalties {sheet.number} {quarter}")
    return sheet


@action("ledger.post_performance_payroll")
def post_performance_payroll(call: ActionCall, *, quarter: str) -> dict:
    """F09: the approved rewards and penalties become a payroll adjustment
    document (奖惩单), posted once per call and never changed. Result
    {"number", "quarter", "rewards", "penalties", "lines": [{"employee",
    "kind", "amount"}]}. Raises ``not_approved``, ``no_proposal``,
    ``not_reviewed``, ``invalid_amount``, ``invalid_quarter``, ``period_closed``."""
    sheet = posted_once(PayrollAdjustment, call.idempotency_key,
                        lambda: make_payroll_adjustment(call, str(quarter or "").strip()))
    return {"number": sheet.number, "quarter": sheet.quarter, "rewards": money_str(sheet.rewards),
            "penalties": money_str(sheet.penalties),
            "lines": [{"employee": line.employee.username, "kind": line.kind, "amount": money_str(line.amount)}
                      for line in sheet.lines]}
