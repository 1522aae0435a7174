"""Travel requests (出差申请, F15): who the head-office travel procedure
applies to.

The seed's procedure says of itself: 本流程不适用于驻外机构人员 — staff
stationed at a field office (``User.field_office``) travel under their
office's own rules. The traveller is the person who started the request, as
the instance records it; nothing typed into a form decides it.

After the trip the traveller claims the expenses against the approved
request (a separate process, travel_claim): the claim shows the request,
carries the trip report, compares the actual cost with the estimate and
settles the advance through ``expenses.make_claim``. What is settled is what
the traveller submitted, as the audit log records it, once finance approved."""
from decimal import Decimal

from sqlalchemy import select

from app import clock
from app.extensions import db
from app.ledger import expenses, journal
from app.ledger.money import ZERO, money_str, round_money
from app.ledger.posting import posted_once
from app.models import AuditEvent, EmployeeAdvance, InstanceStatus, ProcessInstance, TravelSettlement, User
from app.actions import ActionCall, BusinessRuleViolation, action

FIELD_OFFICE_STAFF = "field_office_staff"


@action("ledger.check_traveller")
def check_traveller(call: ActionCall) -> dict:
    """F15: whether the head-office travel procedure applies to the person
    who started this request. Result {"traveller", "level"}. Posts nothing.
    Raises BusinessRuleViolation ``field_office_staff`` (本流程不适用于驻外机构人员)
    for staff stationed at a field office, naming the office."""
    instance = db.session.get(ProcessInstance, call.instance_id)
    traveller = instance.started_by if instance is not None else None
    if traveller is None:
        raise BusinessRuleViolation("unknown_user", "The traveller is not known.")
    if traveller.field_office:
        raise BusinessRuleViolation(
            FIELD_OFFICE_STAFF,
            f"本流程不适用于驻外机构人员：{traveller.display_name}驻{traveller.field_office}，请按驻外机构的规定办理出差。",
            {"field_office": traveller.field_office, "traveller": traveller.username})
    return {"traveller": traveller.username, "level": traveller.level.value}


# --- after the trip: the expense claim (出差完成报销费用时出示《出差申请单》及差旅述职报告) ---

CLAIM_REVISION_STEP = "Task_ReviseClaim"
CLAIM_APPROVAL_STEP = "Task_FinanceReview"


def _claim_submission(instance_id: int) -> dict:
    """What the traveller last submitted (the start form or a revision), as
    the instance's audit log records it."""
    event = db.session.scalar(select(AuditEvent).where(
        AuditEvent.instance_id == instance_id,
        (AuditEvent.kind == "instance_started") | ((AuditEvent.kind == "task_completed")
                                                  & (AuditEvent.element_id == CLAIM_REVISION_STEP)))
        .order_by(AuditEvent.seq.desc()).limit(1))
    if event is None:
        raise BusinessRuleViolation("no_claim", "No travel expense claim was submitted.")
    return (event.data.get("data") if event.kind == "instance_started" else event.data) or {}


def _approved_request(number, claimant: User) -> ProcessInstance:
    """The claimant's own approved travel request numbered ``number``, not yet
    settled. Raises ``request_not_approved``, ``already_claimed``."""
    try:
        request = db.session.get(ProcessInstance, int(number))
    except (TypeError, ValueError):
        request = None
    approved = (request is not None and request.process_key == "travel_request" and request.started_by_id == claimant.id
                and request.status is InstanceStatus.completed and (request.data or {}).get("decision") == "approve")
    if not approved:
        raise BusinessRuleViolation("request_not_approved", f"Travel request {number!r} is not an approved request of "
                                    f"{claimant.display_name}.", field="request_no")
    if db.session.scalar(select(TravelSettlement.id).where(TravelSettlement.request_instance_id == request.id)):
        raise BusinessRuleViolation("already_claimed", f"Travel request {number} was settled already.", field="request_no")
    return request


def _own_advance(number, claimant: User) -> EmployeeAdvance | None:
    """The claimant's advance numbered ``number`` with something left on it
    (None when no number is given). Raises ``unknown_employee_advance``."""
    if not str(number or "").strip():
        return None
    advance = db.session.scalar(select(EmployeeAdvance).where(EmployeeAdvance.number == str(number).strip()))
    if advance is None or advance.employee_id != claimant.id or expenses.advance_outstanding(advance) <= 0:
        raise BusinessRuleViolation("unknown_employee_advance", f"{number!r} is no open advance paid to "
                                    f"{claimant.display_name}.", field="advance_no")
    return advance


def _claim_figures(call: ActionCall) -> tuple[User, ProcessInstance, EmployeeAdvance | None, list[dict], Decimal, Decimal]:
    instance = db.session.get(ProcessInstance, call.instance_id)
    claimant = instance.started_by if instance is not None else None
    if claimant is None:
        raise BusinessRuleViolation("unknown_user", "The traveller is not known.")
    submitted = _claim_submission(call.instance_id)
    request = _approved_request(submitted.get("request_no"), claimant)
    advance = _own_advance(submitted.get("advance_no"), claimant)
    lines = [{"category": line.get("category"), "amount": line.get("amount")} for line in submitted.get("claim_lines") or []]
    if not lines:
        raise BusinessRuleViolation("empty_claim", "A claim needs at least one line.", field="claim_lines")
    actual = sum((round_money(line["amount"], "claim_lines") for line in lines), ZERO)
    return claimant, request, advance, lines, round_money(request.data.get("estimated_cost") or 0), actual


@action("ledger.check_trip_claim")
def check_trip_claim(call: ActionCall) -> dict:
    """F15 after the trip: the claim the traveller submitted (read from the
    audit log) against the approved request it names. Result {"request":
    {"request_no", "purpose", "reason", "destination", "start_date",
    "end_date", "estimated_cost"}, "estimated", "actual", "cost_difference"
    (actual − estimated), "over_estimate", "advance_no", "advance_outstanding"}.
    Posts nothing. Raises ``request_not_approved``, ``already_claimed``,
    ``unknown_employee_advance``, ``empty_claim``, ``invalid_number``."""
    _claimant, request, advance, _lines, estimated, actual = _claim_figures(call)
    data = request.data
    return {"request": {"request_no": request.id, **{key: data.get(key) for key in (
                "purpose", "reason", "destination", "start_date", "end_date")}, "estimated_cost": money_str(estimated)},
            "estimated": money_str(estimated), "actual": money_str(actual), "cost_difference": money_str(actual - estimated),
            "over_estimate": actual > estimated, "advance_no": advance.number if advance else None,
            "advance_outstanding": money_str(expenses.advance_outstanding(advance)) if advance else None}


def make_travel_settlement(call: ActionCall) -> TravelSettlement:
    """Settle the trip (flushes): an expense claim of the claimed lines
    against the named advance, closing it (what the trip did not use comes
    back as returned cash; what it overspent is owed to the traveller), or
    owed in full without an advance. Posts through ``expenses.make_claim``
    (Dr 6601, Dr 1002 / Cr 1221, Cr 2241). Raises ``not_approved`` (no
    finance approval of record) and what ``check_trip_claim`` raises."""
    if call.approver_of_record([CLAIM_APPROVAL_STEP]) is None:
        raise BusinessRuleViolation("not_approved", "Finance has not approved this travel expense claim.")
    claimant, request, advance, lines, estimated, actual = _claim_figures(call)
    claim = expenses.make_claim(advance, claimant, lines, on=journal.today(), source_key=call.idempotency_key,
                                close=advance is not None)
    settlement = TravelSettlement(request_instance_id=request.id, expense_claim_id=claim.id, estimated=estimated,
                                  actual=actual, source_key=call.idempotency_key, created_at=clock.now())
    db.session.add(settlement)
    db.session.flush()
    return settlement


@action("ledger.settle_trip")
def settle_trip(call: ActionCall) -> dict:
    """F15 after the trip: the approved claim settles the request and its
    advance, once per call. Result {"claim_no", "request_no", "estimated",
    "actual", "cost_difference", "applied", "returned", "payable"}. Raises
    ``not_approved``, ``request_not_approved``, ``already_claimed``,
    ``unknown_employee_advance``, ``empty_claim``, ``period_closed``."""
    settlement = posted_once(TravelSettlement, call.idempotency_key, lambda: make_travel_settlement(call))
    claim = settlement.expense_claim
    return {"claim_no": claim.number, "request_no": settlement.request_instance_id,
            "estimated": money_str(settlement.estimated), "actual": money_str(settlement.actual),
            "cost_difference": money_str(settlement.actual - settlement.estimated), "applied": money_str(claim.applied),
            "returned": money_str(claim.returned), "payable": money_str(claim.payable)}
