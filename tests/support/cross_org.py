"""A second organisation for the cross-organisation tests: the factory FAC
(a sales and stock organisation, warehouse FAC1 with opening stock, an
internal price list to HQ), a stock-only logistics centre LOG, and who
works where (HQ's order clerk and finance, FAC's warehouse keeper and
finance)."""
from datetime import date
from types import SimpleNamespace

from app.extensions import db
from app.ledger import internal_pricing, pricing, shipping
from app.ledger.org_units import head_company, join_org
from app.models import OrgUnit, Warehouse
from tests.ledger.users import add_user
from tests.support.ledger_harness import new_call

START = date(2026, 1, 1)


def cross_org_world(world) -> SimpleNamespace:
    """Organisations, warehouses, people, opening stock and internal prices
    on top of the ledger tests' ``world``."""
    hq = head_company()
    fac = OrgUnit(code="FAC", name="制造工厂", name_en="Factory", is_sales=True, is_stock=True)
    log = OrgUnit(code="LOG", name="物流中心", name_en="Logistics centre", is_sales=False, is_stock=True)
    db.session.add_all([fac, log])
    fac1 = Warehouse(code="FAC1", name="工厂成品库", name_en="Factory finished goods", org_unit=fac)
    log1 = Warehouse(code="LOG1", name="物流库", name_en="Logistics store", org_unit=log)
    db.session.add_all([fac1, log1])
    clerk_a = add_user("clerk_a", "总部订单员", ["order_clerk"])
    fin_a = add_user("fin_a", "总部财务", ["finance"])
    keeper_b = add_user("keeper_b", "工厂库管", ["warehouse"])
    fin_b = add_user("fin_b", "工厂财务", ["finance"])
    keeper_c = add_user("keeper_c", "物流库管", ["warehouse", "order_clerk"])
    db.session.flush()
    join_org(keeper_b, fac)
    join_org(fin_b, fac)
    join_org(keeper_c, log)
    for material in (world.p100, world.p200):
        shipping.receive_opening_stock(material, 200, f"F2610-{material.code}", date(2026, 10, 31),
                                       f"opening-fac:{material.code}", warehouse_id=fac1.id)
    internal = internal_pricing.make_internal_price_list("FAC-INT", "工厂内部价", fac)
    pricing.add_price_item(price_list=internal, material=world.p100, unit_price="80.00", valid_from=START)
    pricing.add_price_item(price_list=internal, material_class=world.pumps, unit="台", unit_price="700", valid_from=START)
    internal_pricing.add_internal_price_rule(supplier=fac, buyer=hq, price_list=internal, valid_from=START)
    return SimpleNamespace(hq=hq, fac=fac, log=log, fac1=fac1, log1=log1, clerk_a=clerk_a, fin_a=fin_a,
                           keeper_b=keeper_b, fin_b=fin_b, keeper_c=keeper_c, internal=internal)


def as_user(act, user, operation, **params):
    """Run ``operation`` as ``user`` (the person who completed the step)."""
    return act(operation, call=new_call(operation, actor_id=user.id), **params)


def cross_org_order(act, org, mode="via_buyer", qty=10, day="2026-11-03", customer="D00001", material="P100"):
    """A's order supplied from FAC1, signed by FAC; returns the create result."""
    made = as_user(act, org.clerk_a, "ledger.create_cross_org_order", customer=customer, warehouse="FAC1", mode=mode,
                   date=day, lines=[{"material": material, "qty": qty}])
    as_user(act, org.keeper_b, "ledger.sign_transfer_order", transfer=made["transfer"]["transfer_no"])
    return made
