"""Price adjustment sheets (价格调整单, F16): drafted, then approved (or
cancelled). Approving closes each old price item at the effective date and
inserts its successor, so an order's frozen price stays traceable to the
item that was valid on its date. Lines adjust a material's own item or a
material class's item. Approval first checks the active matching rules
(ties, the NC rule): a sheet is approved only into a consistent
configuration."""
from datetime import date as date_type

from sqlalchemy import select

from app import clock
from app.extensions import db
from app.ledger.catalogue import material_by_code, material_class_by_code, price_list_by_code, user_by_username
from app.ledger.dates import parse_date
from app.ledger.journal import ensure_open, next_number
from app.ledger.money import round_price, to_decimal
from app.ledger.posting import posted_once
from app.ledger.sheet_lines import apply_lines, build_line, line_key, line_kind, line_result, refuse_rule_problems
from app.ledger.pricing import apply_price_adjustment as close_and_replace, rule_problems
from app.ledger.ownership import OUTSIDE_FLOWS, ensure_of_this_request, made_by_instance
from app.models import (
    PriceAdjustment, PriceAdjustmentSheet, PriceAdjustmentSheetLine, PriceItem, SalesOrder,
    SalesOrderLine, User,
)
from app.actions import ActionCall, BusinessRuleViolation, action


def find_item(price_list: str, material: str | None, on: date_type, min_qty=0, *, material_class: str | None = None,
              unit: str | None = None) -> PriceItem:
    """The item of ``price_list`` for ``material`` (its own, not a class
    item) or for ``material_class`` (the class's own item, in ``unit`` when
    given) with ``min_qty``, valid on ``on``. Raises BusinessRuleViolation
    ``unknown_price_list``, ``unknown_material``, ``unknown_material_class``,
    ``no_price_item``, ``price_item_target`` (neither or both named)."""
    plist = price_list_by_code(price_list)
    if bool(material) == bool(material_class):
        raise BusinessRuleViolation("price_item_target", "Name one material or one material class.", field="material")
    if material:
        target = PriceItem.material_id == material_by_code(material).id
    else:
        target = PriceItem.material_class_id == material_class_by_code(material_class).id
    wanted = to_decimal(min_qty, "min_qty")
    for item in db.session.scalars(select(PriceItem).where(PriceItem.price_list_id == plist.id, target).order_by(PriceItem.id)):
        if (item.min_qty == wanted and (unit is None or item.unit == unit) and item.valid_from <= on
                and (item.valid_to is None or on < item.valid_to)):
            return item
    raise BusinessRuleViolation("no_price_item", f"{price_list} has no item for {material or material_class} valid on {on}.", field="material")


def _refuse_inconsistent_rules() -> None:
    problems = rule_problems()
    if problems:
        raise BusinessRuleViolation(problems[0]["code"], problems[0]["message"], {"rule_ids": problems[0]["rule_ids"]})


def _refuse_priced_orders_after(item: PriceItem, effective: date_type) -> None:
    """Closing an item that orders dated on or after ``effective`` already
    froze would leave them without a price valid on their date (invariant 9)."""
    later = db.session.scalar(select(SalesOrder.number).join(SalesOrderLine).where(
        SalesOrderLine.price_item_id == item.id, SalesOrder.order_date >= effective).limit(1))
    if later is not None:
        raise BusinessRuleViolation("orders_priced_after_effective_date",
                                    f"Order {later} is already priced by this item on or after {effective}.",
                                    {"order": later})


def approve_adjustment(item: PriceItem, new_price, effective: date_type, approver: User, *, reason: str | None,
                       source_key: str) -> PriceAdjustment:
    """Record the approved adjustment, close ``item`` at ``effective`` and
    insert its successor (flushes). Posts nothing. Raises
    BusinessRuleViolation ``invalid_price``, ``invalid_adjustment``,
    ``orders_priced_after_effective_date``, ``price_rule_tie`` /
    ``nc_class_rule`` when the active rules are misconfigured."""
    price = round_price(new_price)
    if price < 0:
        raise BusinessRuleViolation("invalid_price", "A price may not be negative.", field="new_price")
    _refuse_inconsistent_rules()
    _refuse_priced_orders_after(item, effective)
    old_price = item.unit_price
    successor = close_and_replace(item, price, effective)
    sheet = PriceAdjustment(number=next_number(PriceAdjustment, "PA", effective), old_item=item, new_item=successor,
                            old_price=old_price, new_price=price, effective_date=effective, reason=reason,
                            approved_by_id=approver.id, approved_at=clock.now(), source_key=source_key, created_at=clock.now())
    db.session.add(sheet)
    db.session.flush()
    return sheet


def _target(item: PriceItem) -> dict:
    return {"material": item.material.code if item.material else None,
            "material_class": item.material_class.code if item.material_class else None}


@action("ledger.apply_price_adjustment")
def apply_price_adjustment(call: ActionCall, *, price_list: str, new_price, effective_date: str, approved_by: str,
                           material: str | None = None, material_class: str | None = None, unit: str | None = None,
                           min_qty=0, reason: str | None = None) -> dict:
    """F16: the approved adjustment of ``material``'s (or ``material_class``'s)
    price in ``price_list`` (the item with ``min_qty`` valid on
    ``effective_date``) to ``new_price`` from ``effective_date``, in one
    step. Result {"adjustment_no", "price_list", "material",
    "material_class", "old_price", "new_price", "effective_date",
    "old_item_id", "new_item_id", "approved_by"}. Idempotent per call.
    Raises ``unknown_price_list``, ``unknown_material``, ``no_price_item``,
    ``invalid_adjustment``, ``invalid_price``, ``unknown_user``,
    ``orders_priced_after_effective_date``, ``nc_class_rule``."""
    def adjust() -> PriceAdjustment:
        effective = parse_date(effective_date, "effective_date")
        approver = user_by_username(approved_by, "approved_by")
        if approver is None:
            raise BusinessRuleViolation("unknown_user", "An adjustment needs the approver.", field="approved_by")
        item = find_item(price_list, material, effective, min_qty, material_class=material_class, unit=unit)
        return approve_adjustment(item, new_price, effective, approver, reason=reason, source_key=call.idempotency_key)

    return adjustment_result(posted_once(PriceAdjustment, call.idempotency_key, adjust))


def adjustment_result(sheet: PriceAdjustment) -> dict:
    item = sheet.old_item
    return {"adjustment_no": sheet.number, "price_list": item.price_list.code, **_target(item),
            "old_price": str(sheet.old_price), "new_price": str(sheet.new_price),
            "effective_date": sheet.effective_date.isoformat(), "old_item_id": sheet.old_item_id,
            "new_item_id": sheet.new_item_id, "approved_by": db.session.get(User, sheet.approved_by_id).username}


# --- sheets: draft → approved | cancelled ------------------------------------------------------------------------

def draft_sheet(price_list: str, effective: date_type, lines: list[dict], *, reason: str | None,
                created_by_id: int | None, source_key: str) -> PriceAdjustmentSheet:
    """Save a draft sheet (flushes). A line's ``kind`` (default
    ``reprice``): ``reprice`` {"material" or "material_class", optional
    "unit", "min_qty", and "new_price"} names the item valid on
    ``effective``, whose current price is kept as the old price; the other
    kinds are app/ledger/sheet_lines.py's (``new_item``, ``add_rule``,
    ``end_rule``, ``retarget_rule``). The rules the sheet would leave are
    checked. Raises BusinessRuleViolation ``period_closed`` (the effective
    date lies in a closed period), ``empty_sheet``, ``duplicate_line``,
    ``invalid_price``, ``invalid_adjustment``, ``invalid_line_kind``,
    ``item_exists``, ``unknown_price_rule``, ``ambiguous_price_rule``,
    ``same_target``, ``price_rule_source``, ``price_rule_tie``,
    ``nc_class_rule`` and those of ``find_item``."""
    plist = price_list_by_code(price_list)
    ensure_open(effective, "effective_date")
    if not lines:
        raise BusinessRuleViolation("empty_sheet", "A price adjustment sheet needs at least one line.", field="lines")
    built, seen = [], set()
    for number, entry in enumerate(lines, start=1):
        entry = entry if isinstance(entry, dict) else {}
        kind = line_kind(entry, number)
        line = _reprice_line(plist, effective, number, entry) if kind == "reprice" else \
            build_line(plist, effective, number, entry, kind)
        if line_key(line) in seen:
            raise BusinessRuleViolation("duplicate_line", f"Line {number} changes the same item or rule as an earlier line.",
                                        field="lines")
        seen.add(line_key(line))
        built.append(line)
    refuse_rule_problems(built, effective, only_new=True)
    sheet = PriceAdjustmentSheet(number=next_number(PriceAdjustmentSheet, "PS", effective), price_list_id=plist.id,
                                 effective_date=effective, reason=reason, status="draft", created_by_id=created_by_id,
                                 source_key=source_key, created_at=clock.now(), lines=built)
    db.session.add(sheet)
    db.session.flush()
    return sheet


def _reprice_line(plist, effective: date_type, number: int, entry: dict) -> PriceAdjustmentSheetLine:
    """A ``reprice`` line: the item valid on ``effective`` and its new price."""
    item = find_item(plist.code, entry.get("material"), effective, entry.get("min_qty") or 0,
                     material_class=entry.get("material_class"), unit=entry.get("unit"))
    if effective <= item.valid_from:
        raise BusinessRuleViolation("invalid_adjustment", f"Line {number}: the item only starts on {item.valid_from}.", field="lines")
    price = round_price(entry.get("new_price"))
    if price < 0:
        raise BusinessRuleViolation("invalid_price", f"Line {number}: a price may not be negative.", field="lines")
    return PriceAdjustmentSheetLine(line_no=number, kind="reprice", material_id=item.material_id,
                                    material_class_id=item.material_class_id, unit=item.unit, min_qty=item.min_qty,
                                    old_item_id=item.id, old_price=item.unit_price, new_price=price)


def sheet_by_number(number: str, field: str = "sheet") -> PriceAdjustmentSheet:
    """Raises BusinessRuleViolation ``unknown_sheet``."""
    sheet = db.session.scalar(select(PriceAdjustmentSheet).where(PriceAdjustmentSheet.number == number))
    if sheet is None:
        raise BusinessRuleViolation("unknown_sheet", f"No price adjustment sheet is numbered {number!r}.", field=field)
    return sheet


def _decidable(sheet: PriceAdjustmentSheet) -> None:
    if sheet.status != "draft":
        raise BusinessRuleViolation("not_draft", f"Sheet {sheet.number} is {sheet.status}, not a draft.")


def approve_sheet(sheet: PriceAdjustmentSheet, approver: User, *, source_key: str) -> PriceAdjustmentSheet:
    """Approve a draft (flushes): checks the rules as the sheet would leave
    them (ties, NC rule), carries out its rule and new-item lines
    (sheet_lines.apply_lines), then per re-priced line closes the old item
    and inserts the new one from the effective date, each with its
    PriceAdjustment approval record. Raises
    BusinessRuleViolation ``not_draft``, ``own_sheet`` (nobody approves
    their own sheet), ``stale_adjustment`` (the item valid on the effective
    date, or a rule a line closes, changed since the draft; a new item's
    target got an item), ``nc_class_rule``, ``price_rule_tie``,
    ``orders_priced_after_effective_date``."""
    _decidable(sheet)
    if sheet.created_by_id is not None and sheet.created_by_id == approver.id:
        raise BusinessRuleViolation("own_sheet", "Nobody approves their own price adjustment sheet.")
    refuse_rule_problems(list(sheet.lines), sheet.effective_date, only_new=False)
    apply_lines(sheet)
    for line in (line for line in sheet.lines if line.kind == "reprice"):
        target = dict(material=line.material.code) if line.material_id else dict(material_class=line.material_class.code)
        try:
            item = find_item(sheet.price_list.code, target.get("material"), sheet.effective_date, line.min_qty,
                             material_class=target.get("material_class"), unit=line.unit)
        except BusinessRuleViolation:
            item = None
        if item is None or item.id != line.old_item_id or item.unit_price != line.old_price:
            raise BusinessRuleViolation("stale_adjustment", f"Line {line.line_no}: the price changed since the sheet was drafted.")
        made = approve_adjustment(item, line.new_price, sheet.effective_date, approver, reason=sheet.reason,
                                  source_key=f"{source_key}#{line.line_no}")
        line.adjustment = made
    sheet.status, sheet.decided_by_id, sheet.decided_at, sheet.decided_key = "approved", approver.id, clock.now(), source_key
    db.session.flush()
    return sheet


def cancel_sheet(sheet: PriceAdjustmentSheet, by: User | None, *, source_key: str) -> PriceAdjustmentSheet:
    """Cancel a draft (the reject path; flushes). Raises ``not_draft``."""
    _decidable(sheet)
    sheet.status, sheet.decided_by_id, sheet.decided_at, sheet.decided_key = \
        "cancelled", by.id if by else None, clock.now(), source_key
    db.session.flush()
    return sheet


def sheet_result(sheet: PriceAdjustmentSheet) -> dict:
    decided = db.session.get(User, sheet.decided_by_id) if sheet.decided_by_id else None
    return {"sheet_no": sheet.number, "price_list": sheet.price_list.code, "effective_date": sheet.effective_date.isoformat(),
            "status": sheet.status, "reason": sheet.reason, "decided_by": decided.username if decided else None,
            "lines": [line_result(line) for line in sheet.lines]}

@action("ledger.draft_price_adjustment")
def draft_price_adjustment(call: ActionCall, *, price_list: str, effective_date: str, lines: list,
                           reason: str | None = None) -> dict:
    """F16: save a draft sheet for ``price_list`` from ``effective_date``
    (in a flow, cancelling the request's earlier open draft);
    ``lines`` [{"kind"?, "material" | "material_class", "unit"?, "min_qty"?,
    "new_price"} | rule lines {"kind", "customer_class", "material_class",
    "rule"?, "to_price_list" | "to_strategy", "priority"?}] (see ``draft_sheet``). Result see ``sheet_result``. Idempotent per call. Raises
    ``unknown_price_list``, ``unknown_material``, ``unknown_material_class``,
    ``no_price_item``, ``empty_sheet``, ``duplicate_line``,
    ``invalid_price``, ``invalid_adjustment``, ``invalid_date``."""
    def draft() -> PriceAdjustmentSheet:
        withdraw_open_drafts(call)  # a revision replaces the request's earlier draft
        return draft_sheet(price_list, parse_date(effective_date, "effective_date"), lines, reason=reason,
                           created_by_id=call.actor_id, source_key=call.idempotency_key)

    return sheet_result(posted_once(PriceAdjustmentSheet, call.idempotency_key, draft))


def withdraw_open_drafts(call: ActionCall) -> list[str]:
    """Cancel the drafts this request made that are still open (flushes);
    their numbers. A call from outside any flow owns no drafts."""
    if call.instance_id == OUTSIDE_FLOWS:
        return []
    open_drafts = db.session.scalars(select(PriceAdjustmentSheet).where(
        PriceAdjustmentSheet.status == "draft", PriceAdjustmentSheet.source_key.like(f"{call.instance_id}:%"))
        .order_by(PriceAdjustmentSheet.id))
    by = db.session.get(User, call.actor_id) if call.actor_id else None
    return [cancel_sheet(sheet, by, source_key=f"{call.idempotency_key}#{sheet.number}").number
            for sheet in open_drafts if made_by_instance(sheet.source_key, call.instance_id)]


@action("ledger.withdraw_price_adjustment")
def withdraw_price_adjustment(call: ActionCall) -> dict:
    """F16: the drafter withdraws: this request's open drafts are cancelled,
    no price changes. Result {"cancelled": [sheet numbers]}."""
    return {"cancelled": withdraw_open_drafts(call)}


@action("ledger.decide_price_adjustment")
def decide_price_adjustment(call: ActionCall, *, sheet: str, decision: str, approved_by: str | None = None,
                            approved_in: list | None = None) -> dict:
    """F16: ``decision`` "approve" (by ``approved_by``, default the caller)
    or "reject" (cancels the draft). In a flow ``approved_in`` names the
    approval steps: the approver is whoever last approved one of them, as
    the instance's task records tell, never a name typed in a form (without
    an approval of record: ``unknown_user``). Result see ``sheet_result``.
    Idempotent per call. Raises ``unknown_sheet``, ``not_draft``,
    ``own_sheet``, ``stale_adjustment``, ``nc_class_rule``,
    ``price_rule_tie``, ``unknown_user``, ``invalid_decision``, ``not_this_request``."""
    def decide() -> PriceAdjustmentSheet:
        draft = sheet_by_number(sheet)
        ensure_of_this_request(call, draft, kind="price adjustment sheet")
        if approved_in is not None and decision == "approve":
            approver_id = call.approver_of_record(approved_in)
            who = db.session.get(User, approver_id) if approver_id else None
        else:
            who = (user_by_username(approved_by, "approved_by") if approved_by
                   else db.session.get(User, call.actor_id) if call.actor_id else None)
        if decision == "approve":
            if who is None:
                raise BusinessRuleViolation("unknown_user", "An approval needs the approver.", field="approved_by")
            return approve_sheet(draft, who, source_key=call.idempotency_key)
        if decision == "reject":
            return cancel_sheet(draft, who, source_key=call.idempotency_key)
        raise BusinessRuleViolation("invalid_decision", "decision is approve or reject.", field="decision")

    # the sheet was drafted under another key: its decision is found by the key that decided it
    return sheet_result(posted_once(PriceAdjustmentSheet, call.idempotency_key, decide,
                                    column=PriceAdjustmentSheet.decided_key))
