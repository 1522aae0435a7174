"""The price master data the price pages' tests start from: the demo
master data, a product line nothing prices yet (HOSE: a rule may price it
without touching a live price) and, when asked, one approved adjustment
sheet on STD (PCF001 from 2026-12-10), whose items the trace follows."""
from decimal import Decimal

from app.actions import ActionCall, run_action
from app.extensions import db
from app.models import Material


def price_world(*, with_sheet: bool = False) -> dict:
    """Over the demo master data (the caller asks for the ``master_data``
    fixture), adds a hose material and commits; returns {"sheet", "decided"}
    (the sheet's draft and decision results) or {} without a sheet."""
    from app.ledger import catalogue

    node = catalogue.ensure_material_class("HOSE", "软管")
    db.session.add(Material(code="HOS001", name="软管", spec="DN25", material_class=node, unit="米", qty_scale=0,
                            tax_rate=Decimal("0.13"), standard_cost=Decimal("10")))
    made = {}
    if with_sheet:
        def act(operation, key, **params):
            return run_action(ActionCall(700, key, "Task_Test", operation, None), params)

        made["sheet"] = act("ledger.draft_price_adjustment", "draft", price_list="STD", effective_date="2026-12-10",
                            lines=[{"material": "PCF001", "new_price": "1300"}], reason="原材料涨价")
        made["decided"] = act("ledger.decide_price_adjustment", "decide", sheet=made["sheet"]["sheet_no"],
                              decision="approve", approved_by="director")
    db.session.commit()
    return made
