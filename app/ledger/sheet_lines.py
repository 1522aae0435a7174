"""Price adjustment sheet lines (F16) beyond re-pricing an item a list has:
``new_item`` (a product the list did not price), and the matching-rule lines
``add_rule``, ``end_rule`` and ``retarget_rule`` (this is also how a pricing
strategy is switched off for a class: its rule is pointed at a list).

Live prices and rules change only here (direct edits answer 409). History
stays insert-only: a rule that ends or is re-targeted is closed at the
effective date (valid_to) and a re-targeted one gets a new version from
then; nothing else of it changes. The rules the sheet WOULD leave from its
effective date are checked (ties, the NC class rule, seed L92) when it is
drafted and again when it is approved. Each write flushes; the caller commits."""
from dataclasses import dataclass
from datetime import date as date_type

from sqlalchemy import or_, select

from app.extensions import db
from app.ledger.catalogue import (
    customer_by_code, material_by_code, material_class_by_code, price_list_by_code, strategy_by_code,
)
from app.ledger.money import round_price, to_decimal
from app.ledger.price_master import customer_class_by_code
from app.ledger.pricing import add_price_item, add_price_rule, problems_among, refuse_internal_list
from app.models import PriceAdjustmentSheet, PriceAdjustmentSheetLine, PriceItem, PriceList, PriceRule, SalesOrder, SalesOrderLine
from app.models.price_adjustment_sheet import LINE_KINDS
from app.actions import BusinessRuleViolation

CLOSING = ("end_rule", "retarget_rule")
RULE_KINDS = ("add_rule",) + CLOSING


@dataclass(frozen=True)
class RuleShape:
    """A rule as a sheet would leave it: what the tie and NC checks read.
    ``id`` None: a rule the sheet would make."""

    id: int | None
    customer_id: int | None
    customer_class_id: int | None
    material_id: int | None
    material_class_id: int | None
    priority: int
    valid_from: date_type
    valid_to: date_type | None


def line_kind(entry: dict, number: int) -> str:
    """The line's kind (``reprice`` when not given). Raises ``invalid_line_kind``."""
    kind = entry.get("kind") or "reprice"
    if kind not in LINE_KINDS:
        raise BusinessRuleViolation("invalid_line_kind", f"Line {number}: the kind is one of {', '.join(LINE_KINDS)}.",
                                    field="lines")
    return kind


def _valid_on(model, day: date_type):
    return [model.valid_from <= day, or_(model.valid_to.is_(None), model.valid_to > day)]


def live_item(price_list_id: int, material_id, material_class_id, unit: str, min_qty, effective: date_type) -> PriceItem | None:
    """An item of the list for the same target, unit and minimum quantity
    valid on ``effective`` or on a later day."""
    target = (PriceItem.material_id == material_id) if material_id else (PriceItem.material_class_id == material_class_id)
    return db.session.scalar(select(PriceItem).where(
        PriceItem.price_list_id == price_list_id, target, PriceItem.unit == unit, PriceItem.min_qty == min_qty,
        or_(PriceItem.valid_to.is_(None), PriceItem.valid_to > effective)).order_by(PriceItem.id).limit(1))


def _new_item(plist: PriceList, effective: date_type, number: int, entry: dict) -> PriceAdjustmentSheetLine:
    material = material_by_code(entry["material"]) if entry.get("material") else None
    material_class = material_class_by_code(entry["material_class"]) if entry.get("material_class") else None
    if (material is None) == (material_class is None):
        raise BusinessRuleViolation("price_item_target", f"Line {number}: name one material or one material class.",
                                    field="material")
    unit = (entry.get("unit") or "").strip() or (material.unit if material else "")
    if not unit or len(unit) > 16:
        raise BusinessRuleViolation("price_item_target", f"Line {number}: a class's new item needs its unit.", field="unit")
    min_qty = to_decimal(entry.get("min_qty") or 0, "min_qty")
    if min_qty < 0:
        raise BusinessRuleViolation("invalid_number", f"Line {number}: the minimum quantity is 0 or more.", field="min_qty")
    if entry.get("new_price") in (None, ""):
        raise BusinessRuleViolation("invalid_price", f"Line {number}: a new item needs its price.", field="new_price")
    price = round_price(to_decimal(entry["new_price"], "new_price"))
    if price < 0:
        raise BusinessRuleViolation("invalid_price", f"Line {number}: a price may not be negative.", field="new_price")
    existing = live_item(plist.id, material.id if material else None, material_class.id if material_class else None,
                         unit, min_qty, effective)
    if existing is not None:
        raise BusinessRuleViolation("item_exists", f"Line {number}: {plist.code} already prices this from {effective} "
                                    "(re-price that item instead).", {"item_id": existing.id, "line": number})
    return PriceAdjustmentSheetLine(line_no=number, kind="new_item", material_id=material.id if material else None,
                                    material_class_id=material_class.id if material_class else None, unit=unit,
                                    min_qty=min_qty, new_price=price)


def _priority(value, number: int) -> int:
    if value in (None, ""):
        return 100
    if isinstance(value, bool) or not str(value).strip().isdigit() or int(value) > 10000:
        raise BusinessRuleViolation("invalid_priority", f"Line {number}: the priority is a whole number from 0 to 10000.",
                                    field="priority")
    return int(value)


def _target(entry: dict, default: PriceList | None, number: int) -> tuple:
    """The list or strategy a rule line points at: ``to_price_list`` or
    ``to_strategy`` (``default`` when neither). Raises ``price_rule_source``."""
    to_list, to_strategy = entry.get("to_price_list"), entry.get("to_strategy")
    if to_list and to_strategy or not (to_list or to_strategy or default):
        raise BusinessRuleViolation("price_rule_source", f"Line {number}: name one price list or one pricing strategy.",
                                    field="to_price_list")
    if to_strategy:
        return None, strategy_by_code(to_strategy, "to_strategy")
    chosen = price_list_by_code(to_list, "to_price_list") if to_list else default
    refuse_internal_list(chosen, "to_price_list" if to_list else "price_list")
    return chosen, None


def rule_live_on(rule: PriceRule, day: date_type) -> bool:
    return rule.active and rule.valid_from <= day and (rule.valid_to is None or day < rule.valid_to)


def _live_rule(entry: dict, effective: date_type, number: int) -> PriceRule:
    """The rule a line ends or re-targets: ``rule`` (its id), or the one
    live rule with the named customer (class) and material (class). Raises
    ``unknown_price_rule``, ``ambiguous_price_rule``, ``invalid_adjustment``."""
    if entry.get("rule") not in (None, ""):
        if isinstance(entry["rule"], bool) or not str(entry["rule"]).strip().isdigit():
            raise BusinessRuleViolation("unknown_price_rule", f"Line {number}: the rule is its id.", field="rule")
        rule = db.session.get(PriceRule, int(entry["rule"]))
        candidates = [rule] if rule is not None and rule_live_on(rule, effective) else []
    else:
        wanted = [(PriceRule.customer_id, customer_by_code(entry["customer"]).id if entry.get("customer") else None),
                  (PriceRule.customer_class_id,
                   customer_class_by_code(entry["customer_class"]).id if entry.get("customer_class") else None),
                  (PriceRule.material_id, material_by_code(entry["material"]).id if entry.get("material") else None),
                  (PriceRule.material_class_id,
                   material_class_by_code(entry["material_class"]).id if entry.get("material_class") else None)]
        candidates = list(db.session.scalars(select(PriceRule).where(
            PriceRule.active.is_(True), *_valid_on(PriceRule, effective),
            *[column.is_(None) if value is None else column == value for column, value in wanted]).order_by(PriceRule.id)))
    if not candidates:
        raise BusinessRuleViolation("unknown_price_rule", f"Line {number}: no such rule applies on {effective}.", field="rule")
    if len(candidates) > 1:
        raise BusinessRuleViolation("ambiguous_price_rule", f"Line {number}: several rules match; name the rule by its id.",
                                    {"rule_ids": [rule.id for rule in candidates]}, field="rule")
    rule = candidates[0]
    if effective <= rule.valid_from:
        raise BusinessRuleViolation("invalid_adjustment", f"Line {number}: the rule only starts on {rule.valid_from}.",
                                    field="effective_date")
    return rule


def _rule_line(plist: PriceList, effective: date_type, number: int, entry: dict, kind: str) -> PriceAdjustmentSheetLine:
    if kind == "add_rule":
        customer_class = customer_class_by_code(entry.get("customer_class") or "")
        material_class = material_class_by_code(entry.get("material_class") or "")
        to_list, to_strategy = _target(entry, plist, number)
        return PriceAdjustmentSheetLine(line_no=number, kind=kind, customer_class_id=customer_class.id,
                                        material_class_id=material_class.id, priority=_priority(entry.get("priority"), number),
                                        target_list_id=to_list.id if to_list else None,
                                        target_strategy_id=to_strategy.id if to_strategy else None)
    rule = _live_rule(entry, effective, number)
    line = PriceAdjustmentSheetLine(line_no=number, kind=kind, rule_id=rule.id, customer_id=rule.customer_id,
                                    customer_class_id=rule.customer_class_id, material_id=rule.material_id,
                                    material_class_id=rule.material_class_id, priority=rule.priority)
    if kind == "retarget_rule":
        to_list, to_strategy = _target(entry, None, number)
        line.target_list_id, line.target_strategy_id = to_list.id if to_list else None, to_strategy.id if to_strategy else None
        if (line.target_list_id, line.target_strategy_id) == (rule.price_list_id, rule.pricing_strategy_id):
            raise BusinessRuleViolation("same_target", f"Line {number}: the rule already points there.", field="to_price_list")
    return line


def build_line(plist: PriceList, effective: date_type, number: int, entry: dict, kind: str) -> PriceAdjustmentSheetLine:
    """A draft line of ``kind`` (not ``reprice``) from the drafter's ``entry``."""
    if kind == "new_item":
        return _new_item(plist, effective, number, entry)
    return _rule_line(plist, effective, number, entry, kind)


def line_key(line: PriceAdjustmentSheetLine) -> tuple:
    """What two lines of one sheet may not both change."""
    if line.kind == "reprice":
        return "item", line.old_item_id
    if line.kind == "new_item":
        return "new_item", line.material_id, line.material_class_id, line.unit, line.min_qty
    if line.kind == "add_rule":
        return "add_rule", line.customer_class_id, line.material_class_id, line.priority
    return "rule", line.rule_id


def shapes_after(lines: list[PriceAdjustmentSheetLine], effective: date_type) -> list[RuleShape]:
    """The active rules as ``lines`` would leave them from ``effective``."""
    closed = {line.rule_id for line in lines if line.kind in CLOSING}
    shapes, old_to = [], {}
    for rule in db.session.scalars(select(PriceRule).where(PriceRule.active.is_(True)).order_by(PriceRule.id)):
        old_to[rule.id] = rule.valid_to
        shapes.append(RuleShape(rule.id, rule.customer_id, rule.customer_class_id, rule.material_id, rule.material_class_id,
                                rule.priority, rule.valid_from, effective if rule.id in closed else rule.valid_to))
    for line in lines:
        if line.kind in ("add_rule", "retarget_rule"):
            shapes.append(RuleShape(None, line.customer_id, line.customer_class_id, line.material_id, line.material_class_id,
                                    line.priority, effective, old_to.get(line.rule_id) if line.rule_id else None))
    return shapes


def refuse_rule_problems(lines: list[PriceAdjustmentSheetLine], effective: date_type, *, only_new: bool) -> None:
    """Raises ``price_rule_tie`` / ``nc_class_rule`` for the rules the lines
    would leave (``only_new``: only problems a rule the sheet makes is in)."""
    problems = problems_among(shapes_after(lines, effective))
    if only_new:
        problems = [problem for problem in problems if None in problem["rule_ids"]]
    if problems:
        raise BusinessRuleViolation(problems[0]["code"], problems[0]["message"],
                                    {"rule_ids": [i for i in problems[0]["rule_ids"] if i]})


def _stale(line: PriceAdjustmentSheetLine, why: str) -> BusinessRuleViolation:
    return BusinessRuleViolation("stale_adjustment", f"Line {line.line_no}: {why} since the sheet was drafted.",
                                 {"line": line.line_no})


def _changed_elsewhere(line: PriceAdjustmentSheetLine) -> bool:
    """Whether another approved sheet ended or re-targeted the line's rule."""
    return db.session.scalar(select(PriceAdjustmentSheetLine.id).join(PriceAdjustmentSheet).where(
        PriceAdjustmentSheetLine.rule_id == line.rule_id, PriceAdjustmentSheetLine.id != line.id,
        PriceAdjustmentSheet.status == "approved").limit(1)) is not None


def _refuse_orders_priced_by(rule: PriceRule, effective: date_type) -> None:
    later = db.session.scalar(select(SalesOrder.number).join(SalesOrderLine).where(
        SalesOrderLine.price_rule_id == rule.id, SalesOrder.order_date >= effective).limit(1))
    if later is not None:
        raise BusinessRuleViolation("orders_priced_after_effective_date",
                                    f"Order {later} is already priced by this rule on or after {effective}.", {"order": later})


def apply_lines(sheet: PriceAdjustmentSheet) -> None:
    """Carry out the sheet's non-reprice lines at its effective date
    (flushes): rules closed first, then the new rules and items. Raises
    ``stale_adjustment`` (the rule or item changed since the draft),
    ``orders_priced_after_effective_date``, ``price_rule_tie``, ``nc_class_rule``."""
    effective = sheet.effective_date
    lines = [line for line in sheet.lines if line.kind != "reprice"]
    for line in lines:
        if line.kind in CLOSING:
            rule = line.rule
            if not rule_live_on(rule, effective) or _changed_elsewhere(line):
                raise _stale(line, "the rule was ended or re-targeted")
            _refuse_orders_priced_by(rule, effective)
    old_to = {}
    for line in lines:
        if line.kind in CLOSING:
            old_to[line.id], line.rule.valid_to = line.rule.valid_to, effective
    db.session.flush()
    for line in lines:
        if line.kind in ("add_rule", "retarget_rule"):
            line.new_rule = add_price_rule(price_list=line.target_list, strategy=line.target_strategy,
                                           customer=line.customer, customer_class=line.customer_class,
                                           material=line.material, material_class=line.material_class,
                                           priority=line.priority, valid_from=effective, valid_to=old_to.get(line.id))
        elif line.kind == "new_item":
            if live_item(sheet.price_list_id, line.material_id, line.material_class_id, line.unit, line.min_qty, effective):
                raise _stale(line, "the list got an item for it")
            line.new_item = add_price_item(price_list=sheet.price_list, material=line.material,
                                           material_class=line.material_class, unit=line.unit, min_qty=line.min_qty,
                                           unit_price=line.new_price, valid_from=effective)
    db.session.flush()


def _code(obj) -> str | None:
    return obj.code if obj is not None else None


def line_result(line: PriceAdjustmentSheetLine) -> dict:
    """One line as the API and the approvers read it: the keys of its kind
    (an item line's prices and items, a rule line's customer side, rules
    and target), so a table of lines has no column empty for every row."""
    found = {"line_no": line.line_no, "kind": line.kind, "material": _code(line.material),
             "material_class": _code(line.material_class)}
    if line.kind in ("reprice", "new_item"):
        return {**found, "unit": line.unit, "min_qty": str(line.min_qty),
                "old_price": str(line.old_price) if line.old_price is not None else None,
                "new_price": str(line.new_price) if line.new_price is not None else None,
                "old_item_id": line.old_item_id,
                "new_item_id": line.adjustment.new_item_id if line.adjustment else line.new_item_id,
                "adjustment_no": line.adjustment.number if line.adjustment else None}
    return {**found, "customer": _code(line.customer), "customer_class": _code(line.customer_class),
            "rule_id": line.rule_id, "old_target": _rule_target(line.rule) if line.rule else None,
            "to_price_list": _code(line.target_list), "to_strategy": _code(line.target_strategy),
            "priority": line.priority, "new_rule_id": line.new_rule_id}


def _rule_target(rule: PriceRule) -> str:
    """The list or strategy a rule points at, by code."""
    return rule.price_list.code if rule.price_list_id else rule.pricing_strategy.code
