"""Salesperson assessments: the collection assessment (回款考核, F08) and the
quarterly performance score (绩效考核, F09).

The collection assessment (seed §八.1: 将回款差价按扣税后的金额,以费用的形式,
考核到业务员名下) charges each salesperson, as a selling expense owed to them,
the price difference of what they collected: per invoice, its net (after
VAT) amount less the same lines at the base price list's net prices, times
the share the scheme charges, shared over the write-offs in proportion to the
cash collected. The base list and the share come from the sales assessment
scheme version in force for the month (``assessment_schemes``), found by the
server, never named by the requester; each charge records its version. Selling above the
base gives a positive amount the salesperson later draws against receipts
(贴票报销); selling below gives a negative amount: a recovery (Dr 2241 /
Cr 6601) that stands as what the salesperson owes and is offset against
their next assessment payout (``expenses.make_reimbursement``), never an error.
"""
from datetime import date as date_type
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, select

from app import clock
from app.extensions import db
from app.ledger import journal
from app.ledger.assessment_schemes import scheme_in_force
from app.ledger.catalogue import class_chain, user_by_username
from app.ledger.dates import parse_date
from app.ledger.journal import Line, next_number, post
from app.ledger.money import ZERO, line_amounts, money_str, round_money
from app.ledger.months import month_bounds
from app.ledger.posting import posted_once, posted_rows
from app.models import (
    Allocation, AssessmentLine, AssessmentScheme, CollectionAssessment, Invoice, MaterialClass, PerformanceScore, PriceItem,
    PriceList,
    User,
)
from app.actions import ActionCall, BusinessRuleViolation, action


def quarter_bounds(quarter: str) -> tuple[date_type, date_type]:
    """"2026-Q4" → [2026-10-01, 2027-01-01). Raises BusinessRuleViolation ``invalid_quarter``."""
    try:
        year, q = str(quarter).upper().split("-Q")
        year, q = int(year), int(q)
        if not 1 <= q <= 4:
            raise ValueError
    except ValueError:
        raise BusinessRuleViolation("invalid_quarter", f"Not a quarter (YYYY-Qn): {quarter!r}", field="quarter") from None
    return date_type(year, 3 * q - 2, 1), (date_type(year + 1, 1, 1) if q == 4 else date_type(year, 3 * q + 1, 1))


def previous_quarter(today: date_type) -> str:
    """The quarter that ended before ``today``'s: 2027-01-01 → "2026-Q4"."""
    current = (today.month - 1) // 3 + 1
    return f"{today.year - 1}-Q4" if current == 1 else f"{today.year}-Q{current - 1}"


def _base_price(price_list: PriceList, line, on: date_type) -> Decimal | None:
    chain = class_chain(MaterialClass, line.material.class_id)
    best = None
    for item in db.session.scalars(select(PriceItem).where(PriceItem.price_list_id == price_list.id,
                                                           PriceItem.unit == line.material.unit, PriceItem.valid_from <= on)):
        if item.valid_to is not None and item.valid_to <= on or item.min_qty > abs(line.qty):
            continue
        rank = 0 if item.material_id == line.material_id else (chain.index(item.material_class_id) + 1
                                                                if item.material_class_id in chain else None)
        if rank is not None and (best is None or (rank, -item.min_qty) < best[0]):
            best = ((rank, -item.min_qty), item.unit_price)
    return best[1] if best else None


def price_difference(invoice: Invoice, price_list: PriceList) -> Decimal:
    """Net of VAT: what ``invoice`` sold above (or below, negative) the base
    list's prices on its date. Lines the base list does not price count 0."""
    total = ZERO
    for line in invoice.lines:
        base = _base_price(price_list, line, invoice.invoice_date)
        if base is not None:
            total += line.net - line_amounts(line.qty, base, line.tax_rate, tax_inclusive=price_list.tax_inclusive).net
    return total


def assessable_allocations(salesperson: User, month: str) -> list[Allocation]:
    """Cash write-offs of ``month`` attributed to ``salesperson`` that no
    assessment has used and nobody reversed."""
    start, end = month_bounds(month)
    reversed_ids = select(Allocation.reverses_id).where(Allocation.reverses_id.is_not(None))
    assessed = select(AssessmentLine.allocation_id)
    return list(db.session.scalars(select(Allocation).where(
        Allocation.salesperson_id == salesperson.id, Allocation.receipt_id.is_not(None), Allocation.reverses_id.is_(None),
        Allocation.allocation_date >= start, Allocation.allocation_date < end, Allocation.id.not_in(reversed_ids),
        Allocation.id.not_in(assessed)).order_by(Allocation.id)))


def assessment_lines(allocations: list[Allocation], scheme: AssessmentScheme) -> list[AssessmentLine]:
    """Each allocation's share of its invoice's price difference from the
    scheme's base list, times the share the scheme charges, in proportion to
    the cash it collected (unsaved lines)."""
    lines, differences = [], {}
    for allocation in allocations:
        invoice = allocation.receivable.invoice
        if invoice.id not in differences:
            differences[invoice.id] = price_difference(invoice, scheme.base_price_list) * scheme.charge_pct / 100
        share = round_money(differences[invoice.id] * allocation.amount / invoice.gross) if invoice.gross else ZERO
        lines.append(AssessmentLine(allocation=allocation, invoice_id=invoice.id, collected=allocation.amount, difference=share))
    return lines


def _approved_only(allocations: list[Allocation], approved: list | None) -> list[Allocation]:
    """The allocations the reviewers approved, when they named them (write-offs
    made since the review wait for the next assessment). Raises
    ``assessment_changed`` when an approved one is no longer assessable
    (reversed, or assessed by another instance since)."""
    if approved is None:
        return allocations
    wanted = {int(i) for i in approved}
    kept = [a for a in allocations if a.id in wanted]
    if len(kept) != len(wanted):
        raise BusinessRuleViolation("assessment_changed", "Some approved write-offs were reversed or assessed since the "
                                    "review; assess the period again.",
                                    {"missing": sorted(wanted - {a.id for a in kept})})
    return kept


def make_assessment(salesperson: User, month: str, scheme: AssessmentScheme, *, on: date_type, source_key: str,
                    approved: list | None = None) -> CollectionAssessment | None:
    """Charge the collection price difference of ``month``'s write-offs
    (only the ``approved`` allocation ids, when given) to ``salesperson``
    under ``scheme``, which the assessment records (flushes). A positive amount posts Dr 6601 / Cr 2241 (owed to the
    salesperson); a negative one is a recovery, Dr 2241 / Cr 6601 (owed by
    them). None when nothing was collected. Raises BusinessRuleViolation
    ``invalid_month``, ``assessment_changed``, ``period_closed``."""
    allocations = _approved_only(assessable_allocations(salesperson, month), approved)
    if not allocations:
        return None
    journal.ensure_open(on)
    lines = assessment_lines(allocations, scheme)
    amount = sum((line.difference for line in lines), ZERO)
    assessment = CollectionAssessment(number=next_number(CollectionAssessment, "CA", on), salesperson=salesperson, month=month,
                                      base_price_list=scheme.base_price_list.code, scheme=scheme, amount=amount,
                                      posting_date=on, source_key=source_key,
                                      created_at=clock.now(), lines=lines)
    db.session.add(assessment)
    db.session.flush()
    expense, owed = ("D", "C") if amount >= 0 else ("C", "D")
    post("collection_assessment", assessment.id, on, [
        Line(journal.SELLING_EXPENSES, expense, abs(amount), salesperson_id=salesperson.id, region=salesperson.region),
        Line(journal.OWED_TO_EMPLOYEES, owed, abs(amount), salesperson_id=salesperson.id, region=salesperson.region),
    ], memo=f"collection {'assessment' if amount >= 0 else 'recovery'} {assessment.number} {month}")
    return assessment


def _assessment_inputs(salesperson: str, month: str, reviewed_scheme: str | None = None) -> tuple[User, AssessmentScheme]:
    """The salesperson and the scheme version in force for ``month``. Raises
    ``scheme_changed`` when ``reviewed_scheme`` (the label the reviewers
    saw) is no longer the version in force."""
    rep = user_by_username(salesperson, "salesperson")
    if rep is None:
        raise BusinessRuleViolation("unknown_user", "A salesperson is required.", field="salesperson")
    month_bounds(month)
    scheme = scheme_in_force(month)
    if reviewed_scheme is not None and reviewed_scheme != scheme.label:
        raise BusinessRuleViolation("scheme_changed", f"The assessment was reviewed under {reviewed_scheme}, but "
                                    f"{scheme.label} is now in force for {month}; assess the period again.",
                                    {"reviewed": reviewed_scheme, "in_force": scheme.label}, field="scheme")
    return rep, scheme


def _scheme_result(scheme: AssessmentScheme) -> dict:
    return {"scheme": scheme.label, "scheme_name": scheme.name, "base_price_list": scheme.base_price_list.code,
            "charge_pct": f"{scheme.charge_pct:.2f}"}


def _line_result(line: AssessmentLine) -> dict:
    return {"allocation_id": line.allocation.id, "invoice_no": line.allocation.receivable.invoice.number,
            "collected": money_str(line.collected), "difference": money_str(line.difference)}


@action("ledger.preview_assessment")
def preview_assessment(call: ActionCall, *, salesperson: str, month: str) -> dict:
    """F08: what ``charge_assessment`` would charge under the scheme version
    in force for ``month``, for the reviewers; posts nothing. Result
    {"salesperson", "month", "scheme" ("code/vN"), "scheme_name",
    "base_price_list", "charge_pct", "amount",
    "kind" ("payout", "recovery" or "none"), "allocation_ids",
    "allocations": [{"allocation_id", "invoice_no", "collected",
    "difference"}]}. Raises ``unknown_user``, ``invalid_month``, ``no_assessment_scheme``."""
    rep, scheme = _assessment_inputs(salesperson, month)
    lines = assessment_lines(assessable_allocations(rep, month), scheme)
    for line in lines:  # computed, never saved: keep them out of the session
        if line in db.session:
            db.session.expunge(line)
    amount = sum((line.difference for line in lines), ZERO)
    return {"salesperson": rep.username, "month": month, **_scheme_result(scheme), "amount": money_str(amount),
            "kind": "payout" if amount > 0 else "recovery" if amount < 0 else "none",
            "allocation_ids": [line.allocation.id for line in lines], "allocations": [_line_result(line) for line in lines]}


def _reviewed_ids(lines: list, rejected: list | None) -> tuple[list[int], dict[int, str]]:
    """The preview's allocation ids finance accepted, and the reasons of those
    it rejected. Raises ``unknown_assessment_line`` for a rejection of a line
    the charge does not hold, ``missing_reason`` for one without a reason,
    ``nothing_accepted`` when every line is rejected (that is rejecting the
    charge)."""
    offered = [int(i) for i in lines or []]
    reasons: dict[int, str] = {}
    for item in rejected or []:
        ident = item.get("allocation_id") if isinstance(item, dict) else None
        if not isinstance(ident, int) or isinstance(ident, bool) or ident not in offered:
            raise BusinessRuleViolation("unknown_assessment_line", f"Line {ident!r} is not a line of this charge.",
                                        {"allocation_id": ident}, field="rejected_lines")
        reason = str(item.get("reason") or "").strip()
        if not reason:
            raise BusinessRuleViolation("missing_reason", "A rejected line needs its reason.", {"allocation_id": ident},
                                        field="rejected_lines")
        reasons[ident] = reason
    accepted = [i for i in offered if i not in reasons]
    if offered and not accepted:
        raise BusinessRuleViolation("nothing_accepted", "Every line was rejected: reject the charge instead.",
                                    field="rejected_lines")
    return accepted, reasons


@action("ledger.review_assessment_lines")
def review_assessment_lines(call: ActionCall, *, salesperson: str, month: str, scheme: str | None = None,
                            lines: list | None = None, rejected: list | None = None) -> dict:
    """F08, finance's line-by-line review (财务部逐一审核费用明细): of the
    charge's ``lines`` (the preview's allocation ids, which the server
    computed under the ``scheme`` version it names) keep those finance did
    not reject; ``rejected`` is finance's [{"allocation_id", "reason"}]. Recomputes the accepted lines from the
    ledger; posts nothing. Result as ``preview_assessment`` for the accepted
    lines, plus "rejected": [{"allocation_id", "invoice_no", "collected",
    "difference", "reason"}]. Raises ``unknown_user``, ``invalid_month``,
    ``no_assessment_scheme``, ``scheme_changed``, ``unknown_assessment_line``,
    ``missing_reason``, ``nothing_accepted``, ``assessment_changed``."""
    rep, in_force = _assessment_inputs(salesperson, month, scheme)
    scheme = in_force
    accepted, reasons = _reviewed_ids(lines, rejected)
    offered = _approved_only(assessable_allocations(rep, month), list(accepted) + list(reasons))
    computed = assessment_lines(offered, in_force)
    for line in computed:  # computed, never saved
        if line in db.session:
            db.session.expunge(line)
    kept = [line for line in computed if line.allocation.id not in reasons]
    amount = sum((line.difference for line in kept), ZERO)
    return {"salesperson": rep.username, "month": month, **_scheme_result(scheme), "amount": money_str(amount),
            "kind": "payout" if amount > 0 else "recovery" if amount < 0 else "none",
            "allocation_ids": [line.allocation.id for line in kept], "allocations": [_line_result(line) for line in kept],
            "rejected": [{**_line_result(line), "reason": reasons[line.allocation.id]}
                         for line in computed if line.allocation.id in reasons]}


@action("ledger.charge_assessment")
def charge_assessment(call: ActionCall, *, salesperson: str, month: str, scheme: str | None = None,
                      allocations: list | None = None, date: str | None = None) -> dict:
    """F08: the month's collection price difference, after tax, charged to
    ``salesperson``: positive, an expense owed to them; negative, a recovery
    owed by them. ``allocations`` (ids, from ``preview_assessment``) limits
    the charge to what was approved; ``scheme`` (the reviewed "code/vN")
    must still be the version in force, which the assessment records. Result {"assessment_no" (None when
    nothing was collected), "salesperson", "month", "amount", "kind",
    "allocations": [{"allocation_id", "invoice_no", "collected",
    "difference"}]}. Idempotent per call. Raises ``unknown_user``,
    ``invalid_month``, ``no_assessment_scheme``, ``scheme_changed``, ``assessment_changed``,
    ``period_closed``."""
    rep = None

    def charge() -> CollectionAssessment | None:
        nonlocal rep
        rep, in_force = _assessment_inputs(salesperson, month, scheme)
        return make_assessment(rep, month, in_force, on=parse_date(date), source_key=call.idempotency_key, approved=allocations)

    assessment = posted_once(CollectionAssessment, call.idempotency_key, charge)
    if assessment is None:  # nothing collected, nothing posted: asked again, it looks again
        return {"assessment_no": None, "salesperson": rep.username, "month": month, "amount": "0.00", "kind": "none",
                "allocations": []}
    amount = assessment.amount
    return {"assessment_no": assessment.number, "salesperson": assessment.salesperson.username, "month": assessment.month,
            "amount": money_str(amount), "kind": "payout" if amount > 0 else "recovery" if amount < 0 else "none",
            "allocations": [_line_result(line) for line in assessment.lines],
            "scheme": assessment.scheme.label if assessment.scheme else None, "base_price_list": assessment.base_price_list}


def quarter_figures(quarter: str) -> dict[int, dict]:
    """Per salesperson id: invoiced (gross, blue less red), returned (red
    gross, positive) and collected (cash write-offs, net of reversals)."""
    start, end = quarter_bounds(quarter)
    figures: dict[int, dict] = {}

    def row(rep_id):
        return figures.setdefault(rep_id, {"invoiced": ZERO, "returned": ZERO, "collected": ZERO})

    for rep_id, kind, gross in db.session.execute(select(Invoice.salesperson_id, Invoice.kind, func.sum(Invoice.gross))
                                                  .where(Invoice.invoice_date >= start, Invoice.invoice_date < end,
                                                         Invoice.salesperson_id.is_not(None))
                                                  .group_by(Invoice.salesperson_id, Invoice.kind)):
        row(rep_id)["invoiced"] += gross
        if kind == "red":
            row(rep_id)["returned"] -= gross
    for rep_id, amount in db.session.execute(select(Allocation.salesperson_id, func.sum(Allocation.amount))
                                             .where(Allocation.allocation_date >= start, Allocation.allocation_date < end,
                                                    Allocation.receipt_id.is_not(None), Allocation.salesperson_id.is_not(None))
                                             .group_by(Allocation.salesperson_id)):
        row(rep_id)["collected"] += amount
    return figures


def score(invoiced: Decimal, returned: Decimal, collected: Decimal) -> tuple[Decimal, Decimal]:
    """The rule of the quarterly assessment (季度绩效考核细则; the seed names
    the rules but not their content, so these are ours): collection rate =
    collected / invoiced (capped at 1); score = 100 × collection rate − 100 ×
    returned / (invoiced + returned), never below 0. Collection counts because
    §八 assesses 回款; returns count against because they undo sales."""
    rate = min(collected / invoiced, Decimal(1)) if invoiced > 0 else Decimal(0)
    sold = invoiced + returned
    penalty = returned / sold if sold > 0 else Decimal(0)
    points = max(Decimal(100) * rate - Decimal(100) * penalty, Decimal(0))
    return (rate.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP),
            points.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


# Grade bands for the director's reward and penalty proposal (严格奖惩): the
# lowest score of each grade, best first.
GRADES = ((Decimal(90), "A"), (Decimal(75), "B"), (Decimal(60), "C"), (Decimal(0), "D"))


def grade(points: Decimal) -> str:
    """A (≥ 90, rewarded), B (≥ 75), C (≥ 60), D (below 60, penalised)."""
    return next(letter for floor, letter in GRADES if points >= floor)


@action("ledger.score_performance")
def score_performance(call: ActionCall, *, quarter: str | None = None) -> dict:
    """F09: score every salesperson with business in ``quarter`` (YYYY-Qn;
    empty: the quarter that ended before today in business time, which is
    what the quarter-end timer start asks for) and record the scores. Result
    {"quarter", "scores": [{"salesperson", "invoiced", "returned",
    "collected", "collection_rate", "score", "grade"}]}. Idempotent per
    call. Posts no entries. Raises ``invalid_quarter``."""
    asked = str(quarter or "").strip() or previous_quarter(journal.today())

    def score_all() -> list[PerformanceScore]:
        quarter_bounds(asked)
        figures = quarter_figures(asked)
        reps = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(figures)))}
        made = []
        for seq, rep_id in enumerate(sorted(figures, key=lambda i: reps[i].username), start=1):
            f = figures[rep_id]
            rate, points = score(f["invoiced"], f["returned"], f["collected"])
            made.append(PerformanceScore(quarter=asked.upper(), salesperson_id=rep_id, invoiced=f["invoiced"],
                                         returned=f["returned"], collected=f["collected"], collection_rate=rate, score=points,
                                         source_key=call.idempotency_key, seq=seq, created_at=clock.now()))
        db.session.add_all(made)
        db.session.flush()
        return made

    rows = posted_rows(PerformanceScore, call.idempotency_key, score_all)
    return {"quarter": (rows[0].quarter if rows else asked).upper(), "scores": [
        {"salesperson": r.salesperson.username, "invoiced": money_str(r.invoiced), "returned": money_str(r.returned),
         "collected": money_str(r.collected), "collection_rate": str(r.collection_rate), "score": str(r.score),
         "grade": grade(r.score)} for r in rows]}
