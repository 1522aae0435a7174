"""A product the ledger finds no price for (seed L98), and the price list
change that prices it, for the mail order tests."""
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from app.extensions import db


def add_unpriced_kit():
    """KIT001, in a class no price rule covers: the ledger finds no price for it."""
    from app.ledger import catalogue
    from app.models import Material

    node = catalogue.ensure_material_class("SERVICE_KIT", "维修包")
    material = Material(code="KIT001", name="泵维修包", spec="通用", material_class=node, unit="套", qty_scale=0,
                        tax_rate=Decimal("0.13"), standard_cost=Decimal("40.00"))
    db.session.add(material)
    db.session.flush()
    return material


def price_kit(material, unit_price="120.00"):
    """The standard price list gets the product (F16 price_adjustment does it in the running system)."""
    from app.ledger import catalogue, pricing
    from app.models import PriceList

    standard = db.session.scalar(select(PriceList).where(PriceList.code == "STD"))
    pricing.add_price_item(price_list=standard, material=material, unit_price=unit_price, valid_from=date(2026, 1, 1))
    pricing.add_price_rule(price_list=standard, customer_class=catalogue.ensure_customer_class("ALL", "全部客户"),
                           material_class=material.material_class, valid_from=date(2026, 1, 1))
