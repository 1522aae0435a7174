"""What a campaign (F19) brought: each task's reported results, the orders
attributed to it, spend against budget, and the evaluation posted at the
end; and the special list (特殊名单) kept as insert-only entries.

A result belongs to the task of whoever the engine gave the report step to
(the audit log says who completed it), never to a task a form names. An
order counts for the campaign when it carries the campaign's code, or when
a task reported it and it is a target customer's order in the campaign's
period."""
from decimal import Decimal

from sqlalchemy import or_, select

from app.actions import ActionCall, BusinessRuleViolation, action
from app.extensions import db
from app.ledger.campaigns import campaign_of, campaign_view, snapshot, task_row, tasks_of
from app.ledger.money import ZERO, money_str, round_money
from app.ledger.plan_inputs import submitted
from app.models import Customer, SalesOrder, User
from app.models.campaign import CampaignEvaluation, CampaignResult, CampaignTask, SpecialListEntry

REPORT_STEP = "Task_ReportResults"
MAX_ORDERS = 200


def _count(value, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, str)) or not str(value).isdigit():
        raise BusinessRuleViolation("invalid_number", f"{field} must be a whole number of zero or more.", field=field)
    return int(value)


def _order_numbers(values) -> list[str]:
    values = values or []
    if not isinstance(values, list) or len(values) > MAX_ORDERS:
        raise BusinessRuleViolation("invalid_orders", f"Up to {MAX_ORDERS} order numbers.", field="order_numbers")
    return sorted({str(v).strip() for v in values if isinstance(v, str) and v.strip()})


def _reporter_task(tasks: list[CampaignTask], username: str | None) -> CampaignTask | None:
    person = db.session.scalar(select(User).where(User.username == username)) if username else None
    mine = [t for t in tasks if person is not None and t.assignee_id == person.id]
    return mine[0] if mine else None


@action("ledger.record_campaign_results")
def record_campaign_results(call: ActionCall) -> dict:
    """Post what each performer reported (contacts, responses, leads,
    order numbers, spend) against their own task of the current split, as
    the audit log records each completion of the report step; a report
    whose performer holds no task of the campaign is listed in ``unmatched``
    and posts nothing. Result {"results", "unmatched"}. Raises ``no_campaign``,
    ``invalid_number``, ``invalid_orders``, ``invalid_amount``."""
    campaign = campaign_of(call)
    tasks = tasks_of(campaign)
    unmatched = []
    for event in submitted(call.instance_id, (REPORT_STEP,)):
        form, by = event.data or {}, event.on_behalf_of or event.actor
        key = f"{call.instance_id}:{event.task_id}:result"
        if db.session.scalar(select(CampaignResult.id).where(CampaignResult.source_key == key)) is not None:
            continue
        task = _reporter_task(tasks, by)
        if task is None:
            unmatched.append(by)
            continue
        spend = round_money(form.get("spend") or 0, "spend")
        if spend < 0:
            raise BusinessRuleViolation("invalid_amount", "spend cannot be negative.", field="spend")
        db.session.add(CampaignResult(
            task_id=task.id, contacts=_count(form.get("contacts", 0), "contacts"),
            responses=_count(form.get("responses", 0), "responses"), leads=_count(form.get("leads", 0), "leads"),
            order_numbers=_order_numbers(form.get("order_numbers")), spend=spend,
            note=str(form.get("note") or "")[:2000], reported_by_id=task.assignee_id, source_key=key))
    db.session.flush()
    return {"results": [result_row(r) for r in results_of(tasks)], "unmatched": unmatched}


def results_of(tasks: list[CampaignTask]) -> list[CampaignResult]:
    ids = [t.id for t in tasks]
    return list(db.session.scalars(select(CampaignResult).where(CampaignResult.task_id.in_(ids))
                                   .order_by(CampaignResult.id))) if ids else []


def result_row(result: CampaignResult) -> dict:
    return {**task_row(result.task), "contacts": result.contacts, "responses": result.responses,
            "leads": result.leads, "order_numbers": result.order_numbers, "spend": money_str(result.spend)}


def attributed_orders(campaign, results: list[CampaignResult]) -> list[SalesOrder]:
    """The campaign's orders: those carrying its code, and those a task
    reported that are a target customer's blue order in its period."""
    reported = {number for result in results for number in result.order_numbers}
    targets = [t.customer_id for t in snapshot(campaign)]
    reported_match = (SalesOrder.number.in_(reported) & SalesOrder.customer_id.in_(targets)
                      & SalesOrder.order_date.between(campaign.starts_on, campaign.ends_on))
    return list(db.session.scalars(select(SalesOrder).where(
        SalesOrder.kind == "blue", SalesOrder.status.in_(("approved", "closed")),
        or_(SalesOrder.campaign_code == campaign.number, reported_match)).order_by(SalesOrder.number)))


def effect(campaign) -> dict:
    """The campaign's figures, computed from the books: attributed orders
    and their net revenue, reported contacts, responses and leads, spend
    against budget."""
    results = results_of(tasks_of(campaign))
    orders = attributed_orders(campaign, results)
    spend = sum((r.spend for r in results), ZERO)
    revenue = sum((o.net for o in orders), ZERO)
    return {"orders": [o.number for o in orders], "order_count": len(orders), "revenue": money_str(revenue),
            "spend": money_str(spend), "budget": money_str(campaign.budget_total),
            "budget_left": money_str(campaign.budget_total - spend), "over_budget": spend > campaign.budget_total,
            "contacts": sum(r.contacts for r in results), "responses": sum(r.responses for r in results),
            "leads": sum(r.leads for r in results), "results": [result_row(r) for r in results]}


@action("ledger.campaign_effect")
def campaign_effect(call: ActionCall) -> dict:
    """F19 at the end date: the campaign and its computed effect for
    marketing to evaluate. Posts nothing. Raises ``no_campaign``."""
    campaign = campaign_of(call)
    return {**campaign_view(campaign), **effect(campaign)}


@action("ledger.close_campaign")
def close_campaign(call: ActionCall, *, conclusion: str) -> dict:
    """Post the evaluation the director accepted: the figures recomputed
    from the books (never the form's), with marketing's conclusion. Result:
    the figures. Raises ``no_campaign``, ``invalid_text``."""
    campaign = campaign_of(call)
    figures = effect(campaign)
    text = conclusion.strip() if isinstance(conclusion, str) else ""
    if not text:
        raise BusinessRuleViolation("invalid_text", "The evaluation needs a conclusion.", field="conclusion")
    if db.session.scalar(select(CampaignEvaluation.id).where(
            CampaignEvaluation.source_key == call.idempotency_key)) is None:
        db.session.add(CampaignEvaluation(
            campaign_id=campaign.id, orders=figures["order_count"], revenue=Decimal(figures["revenue"]),
            spend=Decimal(figures["spend"]), budget=campaign.budget_total, contacts=figures["contacts"],
            responses=figures["responses"], leads=figures["leads"], conclusion=text[:4000],
            evaluated_by_id=call.approver_of_record(("Task_Evaluate",)) or call.actor_id,
            source_key=call.idempotency_key))
        campaign.status = "evaluated"
        db.session.flush()
    return figures


@action("ledger.set_special_list")
def set_special_list(call: ActionCall, *, customer: str, listed: bool, reason: str) -> dict:
    """Put a customer on the special list (no campaign contacts them) or
    take it off, as a new entry. Result {"customer", "listed"}. Raises
    ``unknown_customer``, ``invalid_text``."""
    found = db.session.scalar(select(Customer).where(Customer.code == customer))
    if found is None:
        raise BusinessRuleViolation("unknown_customer", f"No customer {customer}.", field="customer")
    text = reason.strip() if isinstance(reason, str) else ""
    if not text or len(text) > 255:
        raise BusinessRuleViolation("invalid_text", "The listing needs a reason of up to 255 characters.",
                                    field="reason")
    if db.session.scalar(select(SpecialListEntry.id).where(
            SpecialListEntry.source_key == call.idempotency_key)) is None:
        db.session.add(SpecialListEntry(customer=found, listed=bool(listed), reason=text,
                                        entered_by_id=call.actor_id, source_key=call.idempotency_key))
        db.session.flush()
    return {"customer": found.code, "listed": bool(listed)}
