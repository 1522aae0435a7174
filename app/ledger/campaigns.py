"""Marketing campaigns (营销活动, F19): the marketing case (营销案) drafted
and approved, the target customer group selected by the case's rules with
the special list (特殊名单) excluded and kept as a snapshot, and the split
into tasks per channel, region and person.

A campaign belongs to the instance that drafted it: every action finds it
by the calling instance, never by a number a form names. The budget total
is the sum of the budget lines, computed here; the target group comes from
the rules alone, so nothing a person types can add a customer to it."""
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from app.actions import ActionCall, BusinessRuleViolation, action
from app.extensions import db
from app.ledger.dates import parse_date
from app.ledger.journal import next_number, today
from app.ledger.money import ZERO, money_str, round_money
from app.models import Customer, PriceAdjustmentSheet, Role, SalesOrder, User, user_role
from app.models.campaign import (AUTOMATIC_CHANNELS, DISPATCH_CHANNELS, THEMES, Campaign, CampaignTarget,
                                 CampaignTask, SpecialListEntry)

SHANGHAI = ZoneInfo("Asia/Shanghai")
CUSTOMER_CHANNELS = ("direct", "dealer", "mail_order")
MAX_BUDGET_LINES = 50


def _refuse(code: str, message: str, field: str | None = None):
    raise BusinessRuleViolation(code, message, field=field)


def _text(value, field: str, limit: int = 2000, required: bool = True) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if (required and not text) or len(text) > limit:
        _refuse("invalid_text", f"{field} needs text of up to {limit} characters.", field)
    return text


def _choices(values, allowed, field: str) -> list[str]:
    values = values or []
    if not isinstance(values, list) or any(value not in allowed for value in values):
        _refuse("invalid_choice", f"{field} must be chosen from {', '.join(allowed)}.", field)
    return sorted(set(values))


def _whole(value, field: str) -> int:
    if value in (None, ""):
        return 0
    if isinstance(value, bool) or not isinstance(value, (int, str)) or not str(value).isdigit():
        _refuse("invalid_number", f"{field} must be a whole number of zero or more.", field)
    return int(value)


def campaign_of(call: ActionCall) -> Campaign:
    """The campaign the calling instance drafted. Raises ``no_campaign``."""
    found = db.session.scalar(select(Campaign).where(Campaign.instance_id == call.instance_id))
    if found is None:
        _refuse("no_campaign", "This request has drafted no campaign.")
    return found


def on_special_list(customer_ids) -> set[int]:
    """Which of ``customer_ids`` are on the special list now (the newest entry of each decides)."""
    ids = set(customer_ids)
    if not ids:
        return set()
    newest = (select(SpecialListEntry.customer_id, func.max(SpecialListEntry.id).label("last"))
              .where(SpecialListEntry.customer_id.in_(ids)).group_by(SpecialListEntry.customer_id).subquery())
    return set(db.session.scalars(select(SpecialListEntry.customer_id)
                                  .join(newest, newest.c.last == SpecialListEntry.id)
                                  .where(SpecialListEntry.listed.is_(True))))


def _budget(lines) -> tuple[list[dict], Decimal]:
    if not isinstance(lines, list) or not 0 < len(lines) <= MAX_BUDGET_LINES:
        _refuse("invalid_budget", f"A campaign needs 1 to {MAX_BUDGET_LINES} budget lines.", "budget_lines")
    kept, total = [], ZERO
    for number, line in enumerate(lines, start=1):
        line = line if isinstance(line, dict) else {}
        item = _text(line.get("item"), "budget_lines", 255)
        amount = round_money(line.get("amount"), "budget_lines")
        if amount <= 0:
            _refuse("invalid_budget", f"Budget line {number}: the amount must be above zero.", "budget_lines")
        kept.append({"item": item, "amount": money_str(amount)})
        total += amount
    return kept, total


def ends_at(campaign: Campaign) -> str:
    """The end of the campaign's last day in Shanghai, as an ISO instant (the evaluation timer)."""
    midnight = datetime.combine(campaign.ends_on + timedelta(days=1), time(0), tzinfo=SHANGHAI)
    return midnight.astimezone(timezone.utc).isoformat()


def campaign_view(campaign: Campaign) -> dict:
    """What approvers and performers see of a campaign."""
    return {
        "campaign_no": campaign.number, "name": campaign.name, "theme": campaign.theme,
        "objective": campaign.objective, "offer": campaign.offer, "eligibility": campaign.eligibility,
        "starts_on": campaign.starts_on.isoformat(), "ends_on": campaign.ends_on.isoformat(),
        "ends_at": ends_at(campaign), "budget_lines": campaign.budget_lines,
        "budget_total": money_str(campaign.budget_total), "budget_figure": float(campaign.budget_total),
        "price_sheet": campaign.price_sheet, "rules": campaign.rules,
        "dispatch_channels": campaign.dispatch_channels, "status": campaign.status,
        "design_brief": campaign.design_brief,
    }


@action("ledger.draft_campaign")
def draft_campaign(call: ActionCall, *, name: str, theme: str, objective: str, offer: str, starts_on: str,
                   ends_on: str, budget_lines: list, dispatch_channels: list, eligibility: str | None = None,
                   price_discount: bool = False, price_sheet: str | None = None, target_classes: list | None = None,
                   target_regions: list | None = None, target_channels: list | None = None,
                   recency_days=None, min_volume=None) -> dict:
    """Draft the instance's marketing case, or revise it (back to drafted
    for approval again): its budget total is the sum of the lines; a price
    discount needs an approved F16 price adjustment sheet; the target rules
    are kept for the selection. Result: the campaign view. Raises
    ``invalid_text``, ``invalid_choice``, ``invalid_date``, ``invalid_period``,
    ``invalid_budget``, ``invalid_amount``, ``invalid_number``, ``no_price_sheet``."""
    first, last = parse_date(starts_on, "starts_on"), parse_date(ends_on, "ends_on")
    if last < first or first < today():
        _refuse("invalid_period", "The campaign runs from today or later and ends on or after its start.", "ends_on")
    if theme not in THEMES:
        _refuse("invalid_choice", f"theme must be one of {', '.join(THEMES)}.", "theme")
    channels = _choices(dispatch_channels, DISPATCH_CHANNELS, "dispatch_channels")
    if not channels:
        _refuse("invalid_choice", "Choose at least one dispatch channel.", "dispatch_channels")
    sheet = None
    if price_discount:
        sheet = db.session.scalar(select(PriceAdjustmentSheet).where(PriceAdjustmentSheet.number == price_sheet))
        if sheet is None or sheet.status != "approved":
            _refuse("no_price_sheet", "A price discount needs an approved price adjustment sheet (F16).", "price_sheet")
    lines, total = _budget(budget_lines)
    regions = target_regions or []
    if not isinstance(regions, list) or not all(isinstance(region, str) for region in regions):
        _refuse("invalid_choice", "target_regions must be a list of regions.", "target_regions")
    rules = {"classes": sorted({str(c) for c in (target_classes or []) if isinstance(c, str)}),
             "regions": sorted(set(regions)),
             "channels": _choices(target_channels, CUSTOMER_CHANNELS, "target_channels"),
             "recency_days": _whole(recency_days, "recency_days"),
             "min_volume": money_str(round_money(min_volume or 0, "min_volume"))}
    campaign = db.session.scalar(select(Campaign).where(Campaign.instance_id == call.instance_id))
    if campaign is None:
        campaign = Campaign(number=next_number(Campaign, "MC", today()), instance_id=call.instance_id,
                            requested_by_id=call.actor_id)
        db.session.add(campaign)
    campaign.name, campaign.theme = _text(name, "name", 255), theme
    campaign.objective, campaign.offer = _text(objective, "objective"), _text(offer, "offer")
    campaign.eligibility = _text(eligibility, "eligibility", required=False)
    campaign.starts_on, campaign.ends_on = first, last
    campaign.budget_lines, campaign.budget_total = lines, total
    campaign.price_sheet = sheet.number if sheet else None
    campaign.rules, campaign.dispatch_channels, campaign.status = rules, channels, "drafted"
    db.session.flush()
    return campaign_view(campaign)


@action("ledger.approve_campaign")
def approve_campaign(call: ActionCall, *, design_brief: str | None = None) -> dict:
    """The approved case is planned: its approver of record (director or
    general manager, from the task records) and the design brief for the
    graphic designer are kept. Result: the campaign view. Raises ``no_campaign``."""
    campaign = campaign_of(call)
    campaign.approved_by_id = call.approver_of_record(("Task_GMApproval", "Task_DirectorApproval"))
    campaign.design_brief = _text(design_brief, "design_brief", required=False) or None
    campaign.status = "approved"
    db.session.flush()
    return campaign_view(campaign)


def _matching(rules: dict) -> list[Customer]:
    stmt = select(Customer).where(Customer.active.is_(True))
    if rules.get("classes"):
        stmt = stmt.where(Customer.customer_class.in_(rules["classes"]))
    if rules.get("regions"):
        stmt = stmt.where(Customer.region.in_(rules["regions"]))
    if rules.get("channels"):
        stmt = stmt.where(Customer.channel.in_(rules["channels"]))
    customers = list(db.session.scalars(stmt.order_by(Customer.code)))
    recency, volume = int(rules.get("recency_days") or 0), Decimal(rules.get("min_volume") or "0")
    if recency or volume:
        since = today() - timedelta(days=recency or 365)
        sums = dict(db.session.execute(
            select(SalesOrder.customer_id, func.sum(SalesOrder.gross))
            .where(SalesOrder.kind == "blue", SalesOrder.status.in_(("approved", "closed")),
                   SalesOrder.order_date >= since).group_by(SalesOrder.customer_id)).all())
        customers = [c for c in customers if c.id in sums and Decimal(sums[c.id] or 0) >= volume]
    return customers


def _snapshot_no(campaign: Campaign) -> int:
    return db.session.scalar(select(func.max(CampaignTarget.snapshot_no))
                             .where(CampaignTarget.campaign_id == campaign.id)) or 0


def snapshot(campaign: Campaign) -> list[CampaignTarget]:
    """The campaign's current (newest) target-group snapshot."""
    return list(db.session.scalars(select(CampaignTarget).where(
        CampaignTarget.campaign_id == campaign.id, CampaignTarget.snapshot_no == _snapshot_no(campaign))
        .order_by(CampaignTarget.id)))


def _target_row(target: CampaignTarget) -> dict:
    return {"customer": target.customer.code, "customer_name": target.customer.name, "region": target.region,
            "salesperson": target.customer.salesperson.username if target.customer.salesperson else None}


@action("ledger.select_campaign_targets")
def select_campaign_targets(call: ActionCall) -> dict:
    """Select the target group by the approved case's rules (class,
    region, channel, recency, volume), leave out everyone on the special
    list, and post it as a new snapshot. Result {"snapshot_no", "count",
    "targets", "excluded"}. Raises ``no_campaign``."""
    campaign = campaign_of(call)
    key = f"{call.idempotency_key}:"
    posted = list(db.session.scalars(select(CampaignTarget).where(CampaignTarget.source_key.startswith(key))))
    excluded: list[str] = []
    if not posted:
        matching = _matching(campaign.rules or {})
        barred = on_special_list(c.id for c in matching)
        excluded = [c.code for c in matching if c.id in barred]
        number = _snapshot_no(campaign) + 1
        posted = [CampaignTarget(campaign_id=campaign.id, snapshot_no=number, customer=c, region=c.region,
                                 salesperson_id=c.salesperson_id, source_key=f"{key}{c.code}")
                  for c in matching if c.id not in barred]
        db.session.add_all(posted)
        db.session.flush()
    return {"snapshot_no": posted[0].snapshot_no if posted else _snapshot_no(campaign), "count": len(posted),
            "targets": [_target_row(t) for t in posted], "excluded": excluded}


def _service_desk() -> User | None:
    """The service desk specialist who takes the call list: the first
    active holder of the role, a manager who also holds it only when nobody
    else does."""
    holders = db.session.scalars(select(User).join(user_role).join(Role).where(
        Role.code == "service_desk", User.active.is_(True)).order_by(User.id)).all()
    return min(holders, key=lambda user: (user.has_role("service_manager"), user.id), default=None)


def _task(campaign, call, snapshot_no, channel, region, assignee, customers, seq) -> CampaignTask:
    return CampaignTask(campaign_id=campaign.id, number=f"{campaign.number}-{snapshot_no}-{seq:03d}",
                        snapshot_no=snapshot_no, channel=channel, region=region,
                        assignee_id=assignee.id if assignee else None, customer_ids=[c.id for c in customers],
                        source_key=f"{call.idempotency_key}:{seq}")


def tasks_of(campaign: Campaign) -> list[CampaignTask]:
    """The tasks of the campaign's newest split."""
    last = db.session.scalar(select(func.max(CampaignTask.snapshot_no)).where(CampaignTask.campaign_id == campaign.id))
    return list(db.session.scalars(select(CampaignTask).where(
        CampaignTask.campaign_id == campaign.id, CampaignTask.snapshot_no == last).order_by(CampaignTask.id)))


def task_row(task: CampaignTask) -> dict:
    return {"task_no": task.number, "channel": task.channel, "region": task.region,
            "assignee": task.assignee.username if task.assignee else None, "customer_count": len(task.customer_ids)}


@action("ledger.split_campaign")
def split_campaign(call: ActionCall) -> dict:
    """Split the current snapshot into tasks: e-mail and SMS one per region
    (sent by the outbox), the call list one task for the service desk,
    visits one task per salesperson over their own customers. Result
    {"tasks", "reporters"} (the people who report results). Raises
    ``no_campaign``, ``no_targets``, ``no_service_desk``."""
    campaign = campaign_of(call)
    targets = snapshot(campaign)
    if not targets:
        _refuse("no_targets", "The target group is empty.")
    key = f"{call.idempotency_key}:"
    tasks = list(db.session.scalars(select(CampaignTask).where(CampaignTask.source_key.startswith(key))
                                    .order_by(CampaignTask.id)))
    if not tasks:
        number, customers = targets[0].snapshot_no, [t.customer for t in targets]
        by_region: dict[str, list[Customer]] = {}
        by_rep: dict[int, list[Customer]] = {}
        for customer in customers:
            by_region.setdefault(customer.region, []).append(customer)
            if customer.salesperson_id:
                by_rep.setdefault(customer.salesperson_id, []).append(customer)
        for channel in campaign.dispatch_channels:
            if channel in AUTOMATIC_CHANNELS:
                tasks += [_task(campaign, call, number, channel, region, None, group, 0)
                          for region, group in sorted(by_region.items())]
            elif channel == "call":
                desk = _service_desk()
                if desk is None:
                    _refuse("no_service_desk", "Nobody holds the service desk role to take the call list.")
                tasks.append(_task(campaign, call, number, "call", "*", desk, customers, 0))
            else:
                for rep_id, group in sorted(by_rep.items()):
                    rep = db.session.get(User, rep_id)
                    tasks.append(_task(campaign, call, number, "visit", rep.region or group[0].region, rep, group, 0))
        for seq, task in enumerate(tasks, start=1):
            task.number, task.source_key = f"{campaign.number}-{number}-{seq:03d}", f"{key}{seq}"
        db.session.add_all(tasks)
        campaign.status = "split"
        db.session.flush()
    reporters = sorted({t.assignee.username for t in tasks if t.assignee is not None})
    return {"tasks": [task_row(t) for t in tasks], "reporters": reporters}


def campaign_by_code(code: str | None) -> Campaign | None:
    """The campaign an order names by its code (None for no code). Raises
    ``unknown_campaign`` for a code of no approved campaign."""
    if not code:
        return None
    found = db.session.scalar(select(Campaign).where(Campaign.number == code))
    if found is None or found.status == "drafted":
        _refuse("unknown_campaign", f"No approved campaign {code}.", "campaign_code")
    return found


def active_on(campaign: Campaign, day: date) -> bool:
    return campaign.starts_on <= day <= campaign.ends_on
