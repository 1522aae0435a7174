"""The organisations and warehouses stock is kept in (issue 22), and the
warehouse a movement is placed in when its caller names none."""
from sqlalchemy import select

from app.extensions import db
from app.models.stock_place import MAIN_ORG, MAIN_WAREHOUSE, OrgUnit, Warehouse
from app.actions import BusinessRuleViolation


def main_warehouse() -> Warehouse:
    """The head company's main warehouse, where all stock was before there
    were several (the migration creates it; made here if a database was
    built without it). Flushes when it creates."""
    found = db.session.scalar(select(Warehouse).where(Warehouse.code == MAIN_WAREHOUSE))
    if found is None:
        org = db.session.scalar(select(OrgUnit).where(OrgUnit.code == MAIN_ORG))
        if org is None:
            org = OrgUnit(code=MAIN_ORG, name="本公司", name_en="Head company", is_sales=True, is_stock=True)
            db.session.add(org)
        found = Warehouse(code=MAIN_WAREHOUSE, name="总仓", name_en="Main warehouse", org_unit=org)
        db.session.add(found)
        db.session.flush()
    return found


def warehouse_by_code(code: str, field: str = "warehouse") -> Warehouse:
    """Raises BusinessRuleViolation ``unknown_warehouse`` naming ``field``."""
    found = db.session.scalar(select(Warehouse).where(Warehouse.code == code)) if isinstance(code, str) else None
    if found is None:
        raise BusinessRuleViolation("unknown_warehouse", f"No warehouse is coded {code!r}.", field=field)
    return found
