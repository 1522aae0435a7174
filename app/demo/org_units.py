"""The demo's second organisation (issue 22): the factory 制造工厂 (FAC), a
sales and stock organisation — it must be a sales organisation to supply
at internal prices (NC note 5) — with its finished-goods warehouse FAC1,
opening stock there, an internal price list (standard cost + 20%,
tax-exclusive) and the rule that settles its transfers to the head company
at it; and the two people who work for it: its warehouse keeper, who signs
and sends transfers, and its finance, who confirms its side of the
monthly internal settlement. Everybody else works for the head company."""
from decimal import Decimal

from sqlalchemy import select

from app.extensions import db
from app.ledger import internal_pricing, pricing, shipping
from app.ledger.money import round_price
from app.ledger.org_units import head_company, join_org
from app.models import Level, Material, OrgUnit, PriceList, User, Warehouse
from app.services.access_history import set_roles
from app.services.accounts import find_user, hash_password
from app.services.role_catalogue import ensure_roles

FACTORY = "FAC"
FACTORY_WAREHOUSE = "FAC1"
INTERNAL_LIST = "FAC-INT"
# (username, display name, roles, department, manager): the factory's staff report to the group's
# department heads of their trade, so the head-office flows they start (travel, expenses) find approvers
FACTORY_PEOPLE = (("fac_keeper", "孙工厂库管", ("warehouse",), "仓储部", "warehouse"),
                  ("fac_finance", "钱工厂财务", ("finance",), "财务部", "finance"))


def _people(org: OrgUnit, password: str) -> None:
    roles = ensure_roles()
    for username, display, held, department, manager in FACTORY_PEOPLE:
        user = find_user(username)
        if user is None:
            user = User(username=username, password_hash=hash_password(password), display_name=display,
                        department=department, level=Level.staff, manager=find_user(manager), active=True)
            db.session.add(user)
            db.session.flush()
            set_roles(user, held, by=None, reason="demo organisation loaded", roles=roles)
        join_org(user, org)


def ensure_demo_org_units(materials: list[Material], start, password: str) -> OrgUnit:
    """Create what is missing of the factory organisation (idempotent)."""
    org = db.session.scalar(select(OrgUnit).where(OrgUnit.code == FACTORY))
    if org is None:
        org = OrgUnit(code=FACTORY, name="制造工厂", name_en="Factory", is_sales=True, is_stock=True)
        db.session.add(org)
        db.session.flush()
    warehouse = db.session.scalar(select(Warehouse).where(Warehouse.code == FACTORY_WAREHOUSE))
    if warehouse is None:
        warehouse = Warehouse(code=FACTORY_WAREHOUSE, name="工厂成品库", name_en="Factory finished goods", org_unit=org)
        db.session.add(warehouse)
        db.session.flush()
    for material in materials:
        batch = f"F{start.year % 100:02d}01-{material.code}"
        shipping.receive_opening_stock(material, 300, batch, start, f"demo:opening:{FACTORY_WAREHOUSE}:{batch}",
                                       warehouse_id=warehouse.id)
    if db.session.scalar(select(PriceList).where(PriceList.code == INTERNAL_LIST)) is None:
        internal = internal_pricing.make_internal_price_list(INTERNAL_LIST, "工厂内部结算价", org)
        for material in materials:
            pricing.add_price_item(price_list=internal, material=material, valid_from=start,
                                   unit_price=round_price(material.standard_cost * Decimal("1.2")))
        internal_pricing.add_internal_price_rule(supplier=org, buyer=head_company(), price_list=internal, valid_from=start)
    _people(org, password)
    return org
