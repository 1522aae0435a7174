"""Internal prices (NC 内部交易价格规则, seed L116–118): internal price
lists and the rules that say at which one a supplying organisation's
transfers to a buying organisation are settled. Configuration refuses
internal pricing for an organisation that is not a sales organisation
(note 5: 需要参与内部交易价格的，都要建成销售组织，否则不能取价目表的单价)."""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import or_, select

from app.actions import BusinessRuleViolation
from app.extensions import db
from app.ledger.money import round_price
from app.models import InternalCustomer, InternalPriceRule, Material, OrgUnit, PriceItem, PriceList, Customer


@dataclass(frozen=True)
class InternalPrice:
    unit_price: Decimal
    item: PriceItem
    rule: InternalPriceRule


def require_sales_org(org: OrgUnit, field: str = "org_unit") -> None:
    """Raises BusinessRuleViolation ``not_sales_organisation``: only a sales
    organisation takes prices from a price list (NC note 5)."""
    if not org.is_sales:
        raise BusinessRuleViolation("not_sales_organisation", f"{org.code} is not a sales organisation: it cannot "
                                    "take part in internal pricing.", {"org_unit": org.code}, field=field)


def make_internal_price_list(code: str, name: str, org: OrgUnit) -> PriceList:
    """A tax-exclusive internal price list of ``org`` (flushes). Raises
    ``not_sales_organisation``."""
    require_sales_org(org)
    price_list = PriceList(code=code, name=name, tax_inclusive=False, internal=True, org_unit_id=org.id)
    db.session.add(price_list)
    db.session.flush()
    return price_list


def link_internal_customer(customer: Customer, org: OrgUnit) -> InternalCustomer:
    """Record that ``customer`` stands for ``org`` (内部客户; flushes)."""
    link = InternalCustomer(customer_id=customer.id, org_unit_id=org.id)
    db.session.add(link)
    db.session.flush()
    return link


def _overlaps(a_from: date, a_to: date | None, b_from: date, b_to: date | None) -> bool:
    return (b_to is None or a_from < b_to) and (a_to is None or b_from < a_to)


def add_internal_price_rule(*, supplier: OrgUnit, buyer: OrgUnit, price_list: PriceList, valid_from: date,
                            valid_to: date | None = None, priority: int = 100) -> InternalPriceRule:
    """Configure: ``supplier``'s transfers to ``buyer`` are settled at
    ``price_list`` (flushes). Raises BusinessRuleViolation
    ``not_sales_organisation`` (the supplier, or the list's owner),
    ``same_organisation``, ``not_internal_price_list``,
    ``price_list_of_another_org``, ``internal_rule_tie`` (an equally ranked
    rule for the pair valid on an overlapping period)."""
    require_sales_org(supplier, "supplier")
    if supplier.id == buyer.id:
        raise BusinessRuleViolation("same_organisation", "An organisation does not trade with itself.", field="buyer")
    if not price_list.internal:
        raise BusinessRuleViolation("not_internal_price_list", f"Price list {price_list.code} is not an internal one.",
                                    field="price_list")
    if price_list.org_unit_id != supplier.id:
        raise BusinessRuleViolation("price_list_of_another_org", f"Price list {price_list.code} is not {supplier.code}'s.",
                                    field="price_list")
    for other in db.session.scalars(select(InternalPriceRule).where(
            InternalPriceRule.supplier_org_id == supplier.id, InternalPriceRule.buyer_org_id == buyer.id,
            InternalPriceRule.priority == priority, InternalPriceRule.active.is_(True))):
        if _overlaps(valid_from, valid_to, other.valid_from, other.valid_to):
            raise BusinessRuleViolation("internal_rule_tie", f"Rule {other.id} already prices {supplier.code} → "
                                        f"{buyer.code} at the same priority.", {"rule": other.id}, field="priority")
    rule = InternalPriceRule(supplier_org_id=supplier.id, buyer_org_id=buyer.id, price_list_id=price_list.id,
                             priority=priority, valid_from=valid_from, valid_to=valid_to, active=True)
    db.session.add(rule)
    db.session.flush()
    return rule


def _valid_on(model, day: date):
    return (model.valid_from <= day) & or_(model.valid_to.is_(None), model.valid_to > day)


def internal_rule(supplier: OrgUnit, buyer: OrgUnit, on: date) -> InternalPriceRule:
    """The rule valid on ``on`` for the pair. Raises BusinessRuleViolation
    ``no_internal_price`` (no rule), ``not_sales_organisation`` (a rule made
    before the supplier stopped being a sales organisation)."""
    rule = db.session.scalar(select(InternalPriceRule).where(
        InternalPriceRule.supplier_org_id == supplier.id, InternalPriceRule.buyer_org_id == buyer.id,
        InternalPriceRule.active.is_(True), _valid_on(InternalPriceRule, on)).order_by(InternalPriceRule.priority).limit(1))
    if rule is None:
        raise BusinessRuleViolation("no_internal_price", f"No internal price rule for {supplier.code} → {buyer.code} "
                                    f"on {on.isoformat()}.", field="supplier_org")
    require_sales_org(supplier, "supplier_org")
    return rule


def internal_price(supplier: OrgUnit, buyer: OrgUnit, material: Material, on: date, qty: Decimal) -> InternalPrice:
    """The internal (tax-exclusive) unit price of ``material``: the item of
    the rule's list for the material (else its class, nearest first) with
    the largest minimum quantity ≤ ``qty``. Raises ``no_internal_price``."""
    rule = internal_rule(supplier, buyer, on)
    chain, node = [], material.material_class
    while node is not None:
        chain.append(node.id)
        node = node.parent
    items = list(db.session.scalars(select(PriceItem).where(
        PriceItem.price_list_id == rule.price_list_id, PriceItem.unit == material.unit, PriceItem.min_qty <= qty,
        _valid_on(PriceItem, on), or_(PriceItem.material_id == material.id, PriceItem.material_class_id.in_(chain or [-1])))))

    def rank(item: PriceItem):
        distance = 0 if item.material_id is not None else 1 + chain.index(item.material_class_id)
        return distance, -item.min_qty

    if not items:
        raise BusinessRuleViolation("no_internal_price", f"The internal price list has no price for {material.code}.",
                                    {"material": material.code}, field="supplier_org")
    best = min(items, key=rank)
    return InternalPrice(round_price(best.unit_price), best, rule)
