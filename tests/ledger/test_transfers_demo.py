"""The demo's factory organisation: it sells and keeps stock, supplies the
head company at its internal prices, and its two people work for it; a
cross-organisation sale runs on the demo data and every invariant holds."""
from datetime import date

from sqlalchemy import select

from app.demo.master_data import load_demo_master_data
from app.extensions import db
from app.ledger.internal_pricing import internal_price
from app.ledger.org_units import head_company, org_of
from app.ledger.shipping import on_hand
from app.models import Material, OrgUnit, Warehouse
from app.services.accounts import find_user
from tests.support.ledger_harness import all_invariants_hold


def test_the_demo_factory_supplies_the_head_company_at_internal_prices(org):
    load_demo_master_data()
    load_demo_master_data()  # idempotent
    factory = db.session.scalar(select(OrgUnit).where(OrgUnit.code == "FAC"))
    assert factory.is_sales and factory.is_stock
    fac1 = db.session.scalar(select(Warehouse).where(Warehouse.code == "FAC1"))
    material = db.session.scalars(select(Material).order_by(Material.code)).first()
    assert on_hand(material.id, fac1.id) == 300
    price = internal_price(factory, head_company(), material, date(2026, 11, 2), 1)
    assert price.unit_price == (material.standard_cost * 12 / 10).quantize(price.unit_price)
    assert org_of(find_user("fac_finance").id) == factory and org_of(find_user("fac_keeper").id) == factory
    assert org_of(find_user("finance").id) == head_company()
    assert all_invariants_hold()
