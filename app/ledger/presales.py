"""Presales proposals (售前方案, F21; seed 浪潮:ERP销售流程图): the rep's
project file for an opportunity, the research plan, research report,
proposal and demo recorded as insert-only versions once approved, and at
the end the bid's outcome, the presales costs and the knowledge base.

A project file belongs to the instance that opened it: every action finds
it by the calling instance, never by a number a form names, so no request
can write to another request's opportunity. Who approved a version is read
from the instance's task records (``call.approver_of_record``), never from
what a form says. Presales costs are selling expenses (Dr 6601) carrying
the opportunity number as their project dimension, owed to the rep who
laid them out (Cr 2241) until a reimbursement pays them."""
from decimal import Decimal

from sqlalchemy import func, select

from app.actions import ActionCall, BusinessRuleViolation, action
from app.extensions import db
from app.ledger import journal
from app.ledger.catalogue import customer_by_code
from app.ledger.dates import parse_date
from app.ledger.journal import Line, next_number, post, today
from app.ledger.money import ZERO, money_str, round_money
from app.ledger.posting import posted_once
from app.models import PresalesCost, PresalesKnowledge, PresalesProject, PresalesVersion, User
from app.models.presales import KNOWLEDGE_TOPICS, OUTCOMES

PREFIX = "PS"
MAX_COST_LINES = 20
# the approval steps of each version, in the order the diagram takes them
APPROVAL_STEPS = {
    "research_plan": ("Task_PlanApproval",),
    "research_report": ("Task_ReportApproval",),
    "proposal": ("Task_ProposalFeasibility", "Task_ProposalPMApproval", "Task_ProposalCMApproval",
                 "Task_ProposalDirectorApproval", "Task_ProposalGMApproval"),
    "demo": ("Task_DemoFeasibility", "Task_DemoPMApproval", "Task_DemoCMApproval",
             "Task_DemoDirectorApproval", "Task_DemoGMApproval"),
}


def _refuse(code: str, message: str, field: str | None = None):
    raise BusinessRuleViolation(code, message, field=field)


def _text(value, field: str, limit: int = 4000, required: bool = True) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if (required and not text) or len(text) > limit:
        _refuse("invalid_text", f"{field} needs text of up to {limit} characters.", field)
    return text


def project_of(call: ActionCall) -> PresalesProject:
    """The project file the calling instance opened. Raises ``no_presales_project``."""
    found = db.session.scalar(select(PresalesProject).where(PresalesProject.instance_id == call.instance_id))
    if found is None:
        _refuse("no_presales_project", "This request has opened no presales project file.")
    return found


def project_view(project: PresalesProject) -> dict:
    """What the presales team and the approvers see of the project file."""
    return {
        "opportunity_no": project.number, "customer": project.customer, "project": project.project,
        "bid_deadline": project.bid_deadline.isoformat(), "scope": project.scope,
        "estimated_value": money_str(project.estimated_value), "value_figure": float(project.estimated_value),
        "status": project.status, "salesperson": project.rep.username if project.rep else None,
    }


@action("ledger.open_presales_project")
def open_presales_project(call: ActionCall, *, customer: str, project: str, bid_deadline: str, scope: str,
                          estimated_value) -> dict:
    """Open the instance's project file (方案档案) for an opportunity of a
    known customer, the calling person as its rep; opening again returns
    the file already open. Result: the project view. Raises
    ``unknown_customer``, ``invalid_text``, ``invalid_date``,
    ``invalid_deadline`` (before today), ``invalid_number``, ``invalid_amount``
    (zero or less)."""
    found = db.session.scalar(select(PresalesProject).where(PresalesProject.instance_id == call.instance_id))
    if found is not None:
        return project_view(found)
    buyer = customer_by_code(str(customer or "").strip())
    deadline = parse_date(bid_deadline, "bid_deadline")
    if deadline < today():
        _refuse("invalid_deadline", "The bid deadline is today or later.", "bid_deadline")
    value = round_money(estimated_value, "estimated_value")
    if value <= 0:
        _refuse("invalid_amount", "The estimated contract value must be above zero.", "estimated_value")
    rep = db.session.get(User, call.actor_id) if call.actor_id else None
    if rep is None:
        _refuse("no_rep", "A presales project is opened by a person.")
    opened = PresalesProject(
        number=next_number(PresalesProject, PREFIX, today()), customer=buyer.code, customer_id=buyer.id,
        project=_text(project, "project", 255), bid_deadline=deadline, scope=_text(scope, "scope"),
        estimated_value=value, status="in_progress", rep_id=rep.id, region=rep.region, instance_id=call.instance_id,
        source_key=call.idempotency_key)
    db.session.add(opened)
    db.session.flush()
    return project_view(opened)


def _record(call: ActionCall, kind: str, content: dict) -> dict:
    """Record the approved version of ``kind`` with each approval step's
    approver of record; once per service-task run. Raises
    ``no_presales_project``, ``not_approved`` (no approval on record)."""
    project = project_of(call)
    if project.status != "in_progress":
        _refuse("project_closed", f"The project {project.number} is {project.status}.")

    def make() -> PresalesVersion:
        approvals = []
        for step in APPROVAL_STEPS[kind]:
            approver = call.approver_of_record((step,))
            if approver is not None:
                approvals.append({"step": step, "approver": db.session.get(User, approver).username})
        if not approvals:
            _refuse("not_approved", f"The {kind} has not been approved.")
        number = (db.session.scalar(select(func.max(PresalesVersion.version)).where(
            PresalesVersion.project_id == project.id, PresalesVersion.kind == kind)) or 0) + 1
        version = PresalesVersion(project_id=project.id, kind=kind, version=number, content=content,
                                  approvals=approvals, source_key=call.idempotency_key)
        db.session.add(version)
        db.session.flush()
        return version

    version = posted_once(PresalesVersion, call.idempotency_key, make)
    return {"opportunity_no": project.number, "kind": version.kind, "version": version.version,
            "approvals": version.approvals}


@action("ledger.record_research_plan")
def record_research_plan(call: ActionCall, *, research_plan: str, task_breakdown: str, units: str, team: str,
                         itinerary: str) -> dict:
    """Record the approved research plan (调研规划: plan, task breakdown,
    units, team, itinerary) as the project's next version. Result {"opportunity_no",
    "kind", "version", "approvals"}. Raises as ``_record``, ``invalid_text``."""
    return _record(call, "research_plan", {
        "research_plan": _text(research_plan, "research_plan"), "task_breakdown": _text(task_breakdown, "task_breakdown"),
        "units": _text(units, "units"), "team": _text(team, "team"), "itinerary": _text(itinerary, "itinerary")})


@action("ledger.record_research_report")
def record_research_report(call: ActionCall, *, unit_reports: list, research_report: str) -> dict:
    """Archive the approved research report (调研报告 归档) with each unit's
    questionnaire and daily reports. Result as ``record_research_plan``.
    Raises as ``_record``, ``invalid_text``."""
    units = [{"unit": _text((row or {}).get("unit"), "unit_reports", 255),
              "questionnaire": _text((row or {}).get("questionnaire"), "unit_reports"),
              "daily_report": _text((row or {}).get("daily_report"), "unit_reports")}
             for row in (unit_reports if isinstance(unit_reports, list) else [])]
    if not units:
        _refuse("invalid_text", "The research report needs at least one unit's research.", "unit_reports")
    return _record(call, "research_report", {"unit_reports": units,
                                             "research_report": _text(research_report, "research_report", 20000)})


@action("ledger.record_proposal")
def record_proposal(call: ActionCall, *, proposal_team: str, requirements: str, validation: str, budget,
                    proposal_text: str) -> dict:
    """Record the approved proposal (项目方案: team and duties, requirements
    analysis and validation, the proposal budget, the written proposal).
    Result as ``record_research_plan``. Raises as ``_record``,
    ``invalid_text``, ``invalid_number``."""
    return _record(call, "proposal", {
        "proposal_team": _text(proposal_team, "proposal_team"), "requirements": _text(requirements, "requirements"),
        "validation": _text(validation, "validation"), "budget": money_str(round_money(budget, "budget")),
        "proposal_text": _text(proposal_text, "proposal_text", 20000)})


@action("ledger.record_demo")
def record_demo(call: ActionCall, *, demo_team: str, demo_data: str, simulated_flow: str) -> dict:
    """Record the approved demo plan (演示数据, 模拟流程, the demo team).
    Result as ``record_research_plan``. Raises as ``_record``, ``invalid_text``."""
    return _record(call, "demo", {"demo_team": _text(demo_team, "demo_team"), "demo_data": _text(demo_data, "demo_data"),
                                  "simulated_flow": _text(simulated_flow, "simulated_flow")})


def _cost_lines(costs) -> list[tuple[str, Decimal]]:
    costs = costs or []
    if not isinstance(costs, list) or len(costs) > MAX_COST_LINES:
        _refuse("invalid_costs", f"Up to {MAX_COST_LINES} presales cost lines.", "costs")
    lines = []
    for number, row in enumerate(costs, start=1):
        row = row if isinstance(row, dict) else {}
        amount = round_money(row.get("amount"), "costs")
        if amount <= 0:
            _refuse("invalid_costs", f"Cost line {number}: the amount must be above zero.", "costs")
        lines.append((_text(row.get("item"), "costs", 255), amount))
    return lines


def _book_costs(call: ActionCall, project: PresalesProject, costs: list[tuple[str, Decimal]]) -> Decimal:
    key, on = f"{call.idempotency_key}#costs", today()
    total = sum((amount for _item, amount in costs), ZERO)
    if not costs or db.session.scalar(select(PresalesCost.id).where(PresalesCost.source_key == key).limit(1)):
        return total
    rows = [PresalesCost(project_id=project.id, seq=seq, item=item, amount=amount, posting_date=on, source_key=key)
            for seq, (item, amount) in enumerate(costs, start=1)]
    db.session.add_all(rows)
    db.session.flush()
    who = {"salesperson_id": project.rep_id, "region": project.region}
    post("presales_cost", rows[0].id, on, [
        Line(journal.SELLING_EXPENSES, "D", total, customer_id=project.customer_id, project_code=project.number, **who),
        Line(journal.OWED_TO_EMPLOYEES, "C", total, project_code=project.number, **who)],
        memo=f"presales costs {project.number}")
    return total


def _add_knowledge(call: ActionCall, project: PresalesProject, entries: dict) -> int:
    key = f"{call.idempotency_key}#knowledge"
    if db.session.scalar(select(PresalesKnowledge.id).where(PresalesKnowledge.source_key == key).limit(1)):
        return len(entries)
    db.session.add_all([PresalesKnowledge(project_id=project.id, seq=seq, topic=topic, text=text, source_key=key)
                        for seq, (topic, text) in enumerate(entries.items(), start=1)])
    db.session.flush()
    return len(entries)


@action("ledger.close_presales_project")
def close_presales_project(call: ActionCall, *, outcome: str, outcome_reason: str = "", costs: list | None = None,
                           industry: str = "", software: str = "", competitors: str = "", bid_rules: str = "") -> dict:
    """Close the project file with the bid's outcome (won, or lost and
    archived), book its presales costs as selling expenses with the
    opportunity number as project dimension (Dr 6601 / Cr 2241, the rep's),
    and add the knowledge-base entries (知识库完善). Once per run: asked
    again it returns the closed file. Result: the project view with
    ``costs_total`` and ``knowledge``. Raises ``no_presales_project``,
    ``invalid_choice``, ``invalid_costs``, ``invalid_number``,
    ``invalid_text``, ``period_closed``."""
    project = project_of(call)
    if outcome not in OUTCOMES:
        _refuse("invalid_choice", f"outcome must be one of {', '.join(OUTCOMES)}.", "outcome")
    given = {"industry": industry, "software": software, "competitors": competitors, "bid_rules": bid_rules}
    entries = {topic: _text(given[topic], topic, required=False) for topic in KNOWLEDGE_TOPICS}
    entries = {topic: text for topic, text in entries.items() if text}
    lines = _cost_lines(costs)
    if project.status == "in_progress":
        project.status = outcome
        project.outcome_reason = _text(outcome_reason, "outcome_reason", required=False) or None
    total = _book_costs(call, project, lines)
    known = _add_knowledge(call, project, entries)
    return {**project_view(project), "costs_total": money_str(total), "knowledge": known}


def project_costs(number: str) -> Decimal:
    """The selling expenses booked to the project ``number`` (its dimension)."""
    from app.models import LedgerEntry

    value = db.session.scalar(select(func.sum(LedgerEntry.debit - LedgerEntry.credit)).where(
        LedgerEntry.project_code == number, LedgerEntry.account == journal.SELLING_EXPENSES))
    return Decimal(value) if value is not None else ZERO
