"""Invariants of where stock is (LEDGER.md 10): the organisations' and
warehouses' side of the stock movements. Run by app.ledger.checks.run_all."""
from decimal import Decimal

from sqlalchemy import func, or_, select

from app.extensions import db
from app.models import StockMovement
from app.models.stock_place import LOCATIONS


def _result(name: str, violations: list) -> dict:
    return {"name": name, "ok": not violations, "violations": violations}


def stock_places() -> dict:
    """10. Every stock movement names a known location kind, and a
    warehouse for stock in a warehouse; per warehouse, material and batch,
    stock on hand is never below zero."""
    violations = [{"movement": ident, "location": location, "warehouse": warehouse}
                  for ident, location, warehouse in db.session.execute(
                      select(StockMovement.id, StockMovement.location, StockMovement.warehouse_id).where(or_(
                          StockMovement.location.not_in(LOCATIONS),
                          (StockMovement.location == "warehouse") & StockMovement.warehouse_id.is_(None))))]
    negative = db.session.execute(
        select(StockMovement.warehouse_id, StockMovement.material_id, StockMovement.batch_no, func.sum(StockMovement.qty))
        .where(StockMovement.location == "warehouse")
        .group_by(StockMovement.warehouse_id, StockMovement.material_id, StockMovement.batch_no))
    violations += [{"warehouse": warehouse, "material": material, "batch": batch, "on_hand": str(total)}
                   for warehouse, material, batch, total in negative if total is not None and total < Decimal(0)]
    return _result("stock_places", violations)
