"""Price matching (LEDGER.md "Price matching"): rules pick a price list,
the list's items give the price — or they pick a pricing strategy
(定价策略), which takes its base list's price less a discount or plus a
markup; configuration errors are caught when rules
and items are saved, never guessed at order time."""
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import or_, select

from app.extensions import db
from app.ledger.catalogue import class_chain, class_parents, material_by_code
from app.ledger.customers import refreshed_customer
from app.ledger.journal import today
from app.ledger.money import exact_qty, line_amounts, money_str, qty_str, round_price, to_decimal
from app.models import Customer, CustomerClass, DealerTerms, Material, MaterialClass, PriceItem, PriceList, PriceRule, PricingStrategy
from app.actions import ActionCall, BusinessRuleViolation, action


@dataclass(frozen=True)
class Price:
    """A resolved price and where it came from (frozen on the order line)."""

    unit_price: Decimal
    tax_inclusive: bool
    price_list: PriceList
    item: PriceItem
    rule: PriceRule
    special_discount_pct: Decimal = Decimal("0")
    strategy: PricingStrategy | None = None  # set when a strategy derived the price from ``price_list``


def rule_list(rule: PriceRule) -> PriceList:
    """The list a rule prices from: its own, or its strategy's base list."""
    return rule.price_list if rule.pricing_strategy_id is None else rule.pricing_strategy.base_price_list


def refuse_internal_list(plist: PriceList, field: str | None = "price_list") -> None:
    """An internal price list (内部价目表) prices transfers between the
    group's organisations, never a customer's order (seed L116). Raises
    BusinessRuleViolation ``internal_price_list`` naming ``field``."""
    if plist is not None and plist.internal:
        raise BusinessRuleViolation("internal_price_list", f"Price list {plist.code} is an internal one: it prices "
                                    "transfers between the group's organisations, never a customer's order.",
                                    {"price_list": plist.code}, field=field)


def strategy_price(strategy: PricingStrategy, base: Decimal) -> Decimal:
    """``base`` less the strategy's discount or plus its markup (percent),
    rounded to two decimals half up."""
    sign = Decimal("-1") if strategy.method == "discount" else Decimal("1")
    factor = (Decimal("100") + sign * strategy.rate) / Decimal("100")
    return (base * factor).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def special_discount_pct(customer_id: int | None, on: date) -> Decimal:
    """The special discount (percent) of the customer's approved dealer
    terms (F13) valid on ``on`` — the latest version from before it; 0
    without terms."""
    if customer_id is None:
        return Decimal("0")
    pct = db.session.scalar(select(DealerTerms.special_discount_pct).where(
        DealerTerms.customer_id == customer_id, DealerTerms.valid_from <= on)
        .order_by(DealerTerms.valid_from.desc(), DealerTerms.id.desc()).limit(1))
    return pct if pct is not None else Decimal("0")


def discounted_price(list_price: Decimal, customer_id: int | None, on: date) -> Decimal:
    """``list_price`` less the special discount the customer's approved
    dealer terms (F13) grant on ``on``, rounded to a unit price."""
    pct = special_discount_pct(customer_id, on)
    return list_price if pct == 0 else round_price(list_price * (Decimal("100") - pct) / Decimal("100"))


def _overlaps(a_from: date, a_to: date | None, b_from: date, b_to: date | None) -> bool:
    return (b_to is None or a_from < b_to) and (a_to is None or b_from < a_to)


def _valid_on(model, day: date):
    return [model.valid_from <= day, or_(model.valid_to.is_(None), model.valid_to > day)]


def rule_problems(candidate: PriceRule | None = None) -> list[dict]:
    """Configuration errors among the active rules (plus ``candidate``):
    ties (same targets, same priority, overlapping validity) and breaches of
    the NC rule (a material class mapped to two customer classes in
    overlapping validity). Each problem: {"code", "message", "rule_ids"}."""
    rules = list(db.session.scalars(select(PriceRule).where(PriceRule.active.is_(True)).order_by(PriceRule.id)))
    if candidate is not None and candidate not in rules:
        rules.append(candidate)
    return problems_among(rules)


def problems_among(rules: list) -> list[dict]:
    """The ties and NC-rule breaches among ``rules`` (rules or anything with
    their ids, targets, priority and validity: the state a price adjustment
    sheet would create is checked before it exists)."""
    problems = []
    for i, a in enumerate(rules):
        for b in rules[i + 1:]:
            if not _overlaps(a.valid_from, a.valid_to, b.valid_from, b.valid_to):
                continue
            same_targets = ((a.customer_id, a.customer_class_id, a.material_id, a.material_class_id)
                            == (b.customer_id, b.customer_class_id, b.material_id, b.material_class_id))
            if same_targets and a.priority == b.priority:
                problems.append({"code": "price_rule_tie", "rule_ids": [a.id, b.id],
                                 "message": "Two rules with the same customer, material and priority overlap in time."})
            elif (a.material_class_id is not None and a.material_class_id == b.material_class_id
                  and a.customer_class_id is not None and b.customer_class_id is not None
                  and a.customer_class_id != b.customer_class_id):
                problems.append({"code": "nc_class_rule", "rule_ids": [a.id, b.id],
                                 "message": "A material class may map to only one customer class (NC rule)."})
    return problems


def add_price_rule(*, price_list: PriceList | None = None, strategy: PricingStrategy | None = None,
                   customer: Customer | None = None, customer_class: CustomerClass | None = None,
                   material: Material | None = None, material_class: MaterialClass | None = None,
                   priority: int = 100, valid_from: date, valid_to: date | None = None) -> PriceRule:
    """Save a matching rule after checking it against the active ones (flushes).
    Raises BusinessRuleViolation ``price_rule_target`` (not exactly one
    customer/class and one material/class), ``price_rule_tie`` or
    ``nc_class_rule``, ``price_rule_source`` (not exactly one of a price
    list and a strategy), ``internal_price_list``. Posts nothing."""
    if (price_list is None) == (strategy is None):
        raise BusinessRuleViolation("price_rule_source", "A rule names one price list or one pricing strategy.", field="price_list")
    if (customer is None) == (customer_class is None) or (material is None) == (material_class is None):
        raise BusinessRuleViolation("price_rule_target", "A rule names one customer or customer class, and one material or material class.", field="customer")
    refuse_internal_list(price_list)
    if (price_list or strategy).id is None:
        db.session.flush()
    # ids, not relationships: the checks compare ids before the rule is flushed
    rule = PriceRule(price_list_id=price_list.id if price_list else None,
                     pricing_strategy_id=strategy.id if strategy else None, customer_id=customer.id if customer else None,
                     customer_class_id=customer_class.id if customer_class else None,
                     material_id=material.id if material else None,
                     material_class_id=material_class.id if material_class else None,
                     priority=priority, valid_from=valid_from, valid_to=valid_to, active=True)
    with db.session.no_autoflush:
        problems = [p for p in rule_problems(rule) if None in p["rule_ids"]]
    if problems:
        raise BusinessRuleViolation(problems[0]["code"], problems[0]["message"], {"conflicts_with": [i for i in problems[0]["rule_ids"] if i]})
    db.session.add(rule)
    db.session.flush()
    return rule


def add_price_item(*, price_list: PriceList, unit_price, valid_from: date, valid_to: date | None = None,
                   material: Material | None = None, material_class: MaterialClass | None = None,
                   unit: str | None = None, min_qty=0) -> PriceItem:
    """Save a price item (flushes). Raises BusinessRuleViolation
    ``price_item_target`` or ``price_item_overlap`` (same list, target, unit
    and min qty valid at the same time: which price would apply?)."""
    if (material is None) == (material_class is None):
        raise BusinessRuleViolation("price_item_target", "A price item names one material or one material class.", field="material")
    unit = unit or (material.unit if material else None)
    if not unit:
        raise BusinessRuleViolation("price_item_target", "A class price item needs its unit.", field="unit")
    price, min_qty = round_price(unit_price), to_decimal(min_qty, "min_qty")
    if price < 0:
        raise BusinessRuleViolation("invalid_price", "A price may not be negative.", field="unit_price")
    target = PriceItem.material_id == material.id if material else PriceItem.material_class_id == material_class.id
    same = db.session.scalars(select(PriceItem).where(PriceItem.price_list_id == price_list.id, PriceItem.unit == unit, target))
    for other in same:
        if other.min_qty == min_qty and _overlaps(valid_from, valid_to, other.valid_from, other.valid_to):
            raise BusinessRuleViolation("price_item_overlap", "An item for the same material, unit and quantity break is valid then.",
                                        {"conflicts_with": [other.id]})
    item = PriceItem(price_list=price_list, material=material, material_class=material_class, unit=unit, min_qty=min_qty,
                     unit_price=price, valid_from=valid_from, valid_to=valid_to)
    db.session.add(item)
    db.session.flush()
    return item


def apply_price_adjustment(item: PriceItem, new_price, effective: date) -> PriceItem:
    """Close ``item`` the day before ``effective`` (valid_to = effective) and
    insert its successor at ``new_price`` (flushes). Raises
    BusinessRuleViolation ``invalid_adjustment`` when ``effective`` is not
    inside the item's validity. Posts nothing."""
    if effective <= item.valid_from or (item.valid_to is not None and effective >= item.valid_to):
        raise BusinessRuleViolation("invalid_adjustment", "The effective date must fall inside the current item's validity.", field="effective_date")
    old_to, item.valid_to = item.valid_to, effective
    db.session.flush()
    return add_price_item(price_list=item.price_list, material=item.material, material_class=item.material_class,
                          unit=item.unit, min_qty=item.min_qty, unit_price=new_price, valid_from=effective, valid_to=old_to)


def _rank(distance_chain: list[int], rule_id_value, class_value, own_id) -> int | None:
    """0 for a rule on the object itself, 1 + depth for one on a class in its chain."""
    if rule_id_value is not None:
        return 0 if rule_id_value == own_id else None
    return distance_chain.index(class_value) + 1 if class_value in distance_chain else None


def _rule_for(customer: Customer, material: Material, on: date, customer_chain: list[int], material_chain: list[int],
              rules: list[PriceRule]) -> PriceRule:
    """The most specific of ``rules`` (those valid on ``on``) for the pair.
    Raises BusinessRuleViolation ``no_price`` or ``price_rule_tie``."""
    candidates = []
    for rule in rules:
        c = _rank(customer_chain, rule.customer_id, rule.customer_class_id, customer.id)
        m = _rank(material_chain, rule.material_id, rule.material_class_id, material.id)
        if c is not None and m is not None:
            candidates.append(((c, m, rule.priority), rule))
    if not candidates:
        raise BusinessRuleViolation("no_price", f"No price rule covers {customer.code} × {material.code} on {on}.",
                                    {"customer": customer.code, "material": material.code})
    candidates.sort(key=lambda pair: (pair[0], pair[1].id))
    if len(candidates) > 1 and candidates[0][0] == candidates[1][0]:
        raise BusinessRuleViolation("price_rule_tie", "Two price rules tie; fix the configuration.",
                                    {"rule_ids": [candidates[0][1].id, candidates[1][1].id]})
    return candidates[0][1]


def _item_for(rule: PriceRule, customer: Customer, material: Material, on: date, qty: Decimal, material_chain: list[int],
              items: list[PriceItem]) -> PriceItem:
    """The most specific of ``items`` (the rule's list's, in the material's
    unit, valid on ``on``) with the highest min qty ≤ ``qty``. Raises
    BusinessRuleViolation ``no_price``, ``internal_price_list`` (a rule
    made before internal lists were refused, or a list made internal since)."""
    refuse_internal_list(rule_list(rule), None)
    found = []
    for item in items:
        m = _rank(material_chain, item.material_id, item.material_class_id, material.id)
        if m is not None and item.min_qty <= qty:
            found.append(((m, -item.min_qty), item))
    if not found:
        plist = rule_list(rule)
        raise BusinessRuleViolation("no_price", f"Price list {plist.code} has no price for {material.code} on {on}.",
                                    {"customer": customer.code, "material": material.code, "price_list": plist.code})
    found.sort(key=lambda pair: (pair[0], pair[1].id))
    return found[0][1]


def _rules_valid_on(on: date) -> list[PriceRule]:
    return list(db.session.scalars(select(PriceRule).where(PriceRule.active.is_(True), *_valid_on(PriceRule, on))))


def _items_valid_on(price_list_id: int, unit: str, on: date) -> list[PriceItem]:
    return list(db.session.scalars(select(PriceItem).where(PriceItem.price_list_id == price_list_id,
                                                           PriceItem.unit == unit, *_valid_on(PriceItem, on))))


def resolve_price(customer: Customer, material: Material, on: date, qty) -> Price:
    """The price for (customer, material, date, qty): the most specific valid
    rule (customer before class, material before class, then lower priority)
    picks the list; its most specific item with the highest min qty ≤ qty
    gives the list price (a strategy's rule: its base list's, less the
    strategy's discount or plus its markup), less the special discount of the customer's
    approved dealer terms that day (F13). Raises BusinessRuleViolation ``no_price`` or
    ``price_rule_tie``."""
    qty = abs(to_decimal(qty, "qty"))
    material_chain = class_chain(MaterialClass, material.class_id)
    rule = _rule_for(customer, material, on, class_chain(CustomerClass, customer.class_id), material_chain,
                     _rules_valid_on(on))
    plist, strategy = rule_list(rule), _strategy_on(rule, on)
    item = _item_for(rule, customer, material, on, qty, material_chain, _items_valid_on(plist.id, material.unit, on))
    list_price = item.unit_price if strategy is None else strategy_price(strategy, item.unit_price)
    return Price(unit_price=discounted_price(list_price, customer.id, on), tax_inclusive=plist.tax_inclusive,
                 price_list=plist, item=item, rule=rule, special_discount_pct=special_discount_pct(customer.id, on),
                 strategy=strategy)


def _strategy_on(rule: PriceRule, on: date) -> PricingStrategy | None:
    """The rule's strategy (None for a list's rule). Raises
    BusinessRuleViolation ``no_price`` when it is inactive or not valid on ``on``."""
    strategy = rule.pricing_strategy
    if strategy is not None and not (strategy.active and strategy.valid_from <= on
                                     and (strategy.valid_to is None or on < strategy.valid_to)):
        raise BusinessRuleViolation("no_price", f"Pricing strategy {strategy.code} is not valid on {on}.",
                                    {"pricing_strategy": strategy.code})
    return strategy


def coverage_gaps(on: date) -> list[dict]:
    """Every active (customer, saleable material) pair that does not resolve
    to exactly one price on ``on``: [{"customer", "material", "code"}]. The
    rules, the items and the class trees are read once, not per pair."""
    gaps = []
    rules = _rules_valid_on(on)
    items: dict[tuple[int, str], list[PriceItem]] = {}
    customer_parents, material_parents = class_parents(CustomerClass), class_parents(MaterialClass)
    materials = [(material, class_chain(MaterialClass, material.class_id, material_parents)) for material in
                 db.session.scalars(select(Material).where(Material.saleable.is_(True)).order_by(Material.code))]
    for customer in db.session.scalars(select(Customer).where(Customer.active.is_(True)).order_by(Customer.code)):
        customer_chain = class_chain(CustomerClass, customer.class_id, customer_parents)
        for material, material_chain in materials:
            try:
                rule = _rule_for(customer, material, on, customer_chain, material_chain, rules)
                _strategy_on(rule, on)
                key = (rule_list(rule).id, material.unit)
                if key not in items:
                    items[key] = _items_valid_on(*key, on)
                _item_for(rule, customer, material, on, Decimal("1"), material_chain, items[key])
            except BusinessRuleViolation as problem:
                gaps.append({"customer": customer.code, "material": material.code, "code": problem.code})
    return gaps


def pair_prices(on: date, rules: list | None = None, items_of=None) -> dict[tuple[str, str], tuple | str]:
    """Every active (customer, saleable material) pair's list price on
    ``on`` (a strategy's applied, before any dealer terms) with the rule
    giving it, or the code of why it has none: {(customer, material):
    (unit_price, rule) | code}. ``rules``: rules to match instead of those
    valid on ``on``; ``items_of(list_id, unit, items)``: the items a list
    would have instead (what a price adjustment sheet would leave). Rules
    and items may be stand-ins with their attributes."""
    rules = _rules_valid_on(on) if rules is None else rules
    items: dict[tuple[int, str], list] = {}
    customer_parents, material_parents = class_parents(CustomerClass), class_parents(MaterialClass)
    materials = [(material, class_chain(MaterialClass, material.class_id, material_parents)) for material in
                 db.session.scalars(select(Material).where(Material.saleable.is_(True)).order_by(Material.code))]
    prices = {}
    for customer in db.session.scalars(select(Customer).where(Customer.active.is_(True)).order_by(Customer.code)):
        customer_chain = class_chain(CustomerClass, customer.class_id, customer_parents)
        for material, material_chain in materials:
            try:
                rule = _rule_for(customer, material, on, customer_chain, material_chain, rules)
                strategy = _strategy_on(rule, on)
                key = (rule_list(rule).id, material.unit)
                if key not in items:
                    items[key] = _items_valid_on(*key, on)
                    items[key] = items_of(*key, items[key]) if items_of else items[key]
                item = _item_for(rule, customer, material, on, Decimal("1"), material_chain, items[key])
                price = item.unit_price if strategy is None else strategy_price(strategy, item.unit_price)
                prices[(customer.code, material.code)] = (price, rule)
            except BusinessRuleViolation as problem:
                prices[(customer.code, material.code)] = problem.code
    return prices


def taken_over_pairs(candidate: PriceRule, on: date) -> list[dict]:
    """The active (customer, saleable material) pairs that a rule valid on
    ``on`` prices and ``candidate`` would take over (it ranks as high or
    higher): [{"customer", "material", "rule_id"}]. A new rule that takes
    over a pair changes a live price. ``candidate`` may be saved already:
    it is left out of the rules it is compared with."""
    rules = [rule for rule in _rules_valid_on(on) if rule is not candidate]
    customer_parents, material_parents = class_parents(CustomerClass), class_parents(MaterialClass)
    materials = [(material, class_chain(MaterialClass, material.class_id, material_parents)) for material in
                 db.session.scalars(select(Material).where(Material.saleable.is_(True)).order_by(Material.code))]
    taken = []
    for customer in db.session.scalars(select(Customer).where(Customer.active.is_(True)).order_by(Customer.code)):
        customer_chain = class_chain(CustomerClass, customer.class_id, customer_parents)
        c = _rank(customer_chain, candidate.customer_id, candidate.customer_class_id, customer.id)
        for material, material_chain in materials if c is not None else ():
            m = _rank(material_chain, candidate.material_id, candidate.material_class_id, material.id)
            if m is None:
                continue
            try:
                current = _rule_for(customer, material, on, customer_chain, material_chain, rules)
            except BusinessRuleViolation:
                continue  # no price yet (or a tie the rule checks refuse): nothing live to take over
            held = (_rank(customer_chain, current.customer_id, current.customer_class_id, customer.id),
                    _rank(material_chain, current.material_id, current.material_class_id, material.id), current.priority)
            if (c, m, candidate.priority) <= held:
                taken.append({"customer": customer.code, "material": material.code, "rule_id": current.id})
    return taken


@action("ledger.quote")
def quote(call: ActionCall, *, customer: str, lines: list, date: str | None = None) -> dict:
    """Price the lines [{"material", "qty"}] for ``customer`` on ``date``
    (ISO; default today) without saving anything. Result: {"lines": [{material,
    qty, unit_price, strategy (the pricing strategy's code or None), tax_inclusive, tax_rate, net, tax, gross}], "net", "tax",
    "gross"} as strings. Raises BusinessRuleViolation ``no_price``,
    ``unknown_customer``, ``unknown_material``, ``invalid_quantity``."""
    from datetime import date as date_type

    on = date_type.fromisoformat(date) if date else today()
    buyer = refreshed_customer(customer)
    priced, totals = [], [Decimal("0.00")] * 3
    for entry in lines or []:
        material = material_by_code(entry["material"], "lines")
        qty = exact_qty(entry["qty"], material.qty_scale)
        price = resolve_price(buyer, material, on, qty)
        amounts = line_amounts(qty, price.unit_price, material.tax_rate, tax_inclusive=price.tax_inclusive)
        priced.append({"material": material.code, "qty": qty_str(qty, material.qty_scale), "unit_price": str(price.unit_price),
                       "strategy": price.strategy.code if price.strategy else None,
                       "tax_inclusive": price.tax_inclusive, "tax_rate": str(material.tax_rate),
                       "net": money_str(amounts.net), "tax": money_str(amounts.tax), "gross": money_str(amounts.gross)})
        totals = [totals[0] + amounts.net, totals[1] + amounts.tax, totals[2] + amounts.gross]
    return {"lines": priced, "net": money_str(totals[0]), "tax": money_str(totals[1]), "gross": money_str(totals[2])}
