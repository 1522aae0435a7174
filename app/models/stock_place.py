"""Where stock is: the organisations that sell or keep it (NC 销售组织 and
库存组织, seed L96–118) and their warehouses. Every stock movement names a
location kind (in a warehouse, in transit, lent to a customer) and, for
stock in or leaving a warehouse, which one."""
from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.types import UTCDateTime, utcnow

# stock_movement.location: in a warehouse (on hand, allocatable), on its way
# between two places, or with a customer who has not bought it yet (借出)
LOCATIONS = ("warehouse", "in_transit", "lent")

# the organisation and warehouse existing data migrated to
MAIN_ORG = "HQ"
MAIN_WAREHOUSE = "MAIN"


class OrgUnit(db.Model):
    """An organisation of the group (组织): a sales organisation (sells,
    invoices, may set internal prices), a stock organisation (keeps stock
    in its warehouses), or both."""

    __tablename__ = "org_unit"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    name_en: Mapped[str] = mapped_column(String(128))
    is_sales: Mapped[bool] = mapped_column(Boolean, default=True)
    is_stock: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<OrgUnit {self.code}>"


class Warehouse(db.Model):
    """A warehouse (仓库) of a stock organisation."""

    __tablename__ = "warehouse"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    name_en: Mapped[str] = mapped_column(String(128))
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), index=True)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    org_unit: Mapped[OrgUnit] = relationship()

    def __repr__(self) -> str:
        return f"<Warehouse {self.code}>"
