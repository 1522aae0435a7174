"""Classification trees and materials (LEDGER.md "Master data")."""
from decimal import Decimal

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.types import ScaledDecimal, UTCDateTime, utcnow


class CustomerClass(db.Model):
    """A node of the customer class tree (客户基本分类), e.g. 经销商 → 省级总经销."""

    __tablename__ = "customer_class"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("customer_class.id"), index=True)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    parent: Mapped["CustomerClass | None"] = relationship(remote_side=[id])


class MaterialClass(db.Model):
    """A node of the material (product) class tree (存货分类)."""

    __tablename__ = "material_class"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("material_class.id"), index=True)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    parent: Mapped["MaterialClass | None"] = relationship(remote_side=[id])


class Material(db.Model):
    """A product: code, name, spec, class, unit and its precision, VAT rate,
    and the standard cost stock movements are valued at."""

    __tablename__ = "material"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    spec: Mapped[str | None] = mapped_column(String(255))
    class_id: Mapped[int] = mapped_column(ForeignKey("material_class.id"), index=True)
    unit: Mapped[str] = mapped_column(String(16))
    qty_scale: Mapped[int] = mapped_column(Integer, default=0)  # decimal places the unit allows
    tax_rate: Mapped[Decimal] = mapped_column(ScaledDecimal(4), default=Decimal("0.13"))
    standard_cost: Mapped[Decimal] = mapped_column(ScaledDecimal(8), default=Decimal("0"))
    saleable: Mapped[bool] = mapped_column(Boolean, default=True)
    # after-sales (F20): a shipped unit is under warranty until its ship date plus these months
    warranty_months: Mapped[int] = mapped_column(Integer, default=12, server_default="12")
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    material_class: Mapped[MaterialClass] = relationship()
