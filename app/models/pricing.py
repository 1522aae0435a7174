"""Price lists, price items and matching rules (LEDGER.md "Price matching").
Versioned by validity dates: a change closes the old row's validity and adds
a new one, so an order's frozen price can always be traced."""
from datetime import date
from decimal import Decimal

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.catalogue import CustomerClass, Material, MaterialClass
from app.models.customer import Customer
from app.models.types import ScaledDecimal, UTCDateTime, utcnow


class PriceList(db.Model):
    __tablename__ = "price_list"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    tax_inclusive: Mapped[bool] = mapped_column(Boolean, default=True)  # Chinese price lists quote 含税单价
    # an internal price list (内部价目表) prices transfers between the group's organisations, never a customer's order;
    # ``org_unit_id`` is the (sales) organisation that supplies at it
    internal: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    org_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id"))
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)


class PricingStrategy(db.Model):
    """A pricing strategy (定价策略): a customer's price derived from a base
    list's price by a discount or a markup of ``rate`` percent, rounded to
    two decimals half up. Valid from/to (to exclusive; None = open)."""

    __tablename__ = "pricing_strategy"
    __table_args__ = (CheckConstraint("method IN ('discount', 'markup')", name="method"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    base_price_list_id: Mapped[int] = mapped_column(ForeignKey("price_list.id"), index=True)
    method: Mapped[str] = mapped_column(String(16))
    rate: Mapped[Decimal] = mapped_column(ScaledDecimal(4))  # percent
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    base_price_list: Mapped[PriceList] = relationship()


class PriceItem(db.Model):
    """A price for a material (or every material of a class) in a unit, from
    a minimum quantity, valid from/to (to exclusive; None = open)."""

    __tablename__ = "price_item"
    __table_args__ = (
        CheckConstraint("(material_id IS NULL) <> (material_class_id IS NULL)", name="material_or_class"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    price_list_id: Mapped[int] = mapped_column(ForeignKey("price_list.id"), index=True)
    material_id: Mapped[int | None] = mapped_column(ForeignKey("material.id"), index=True)
    material_class_id: Mapped[int | None] = mapped_column(ForeignKey("material_class.id"), index=True)
    unit: Mapped[str] = mapped_column(String(16))
    min_qty: Mapped[Decimal] = mapped_column(ScaledDecimal(4), default=Decimal("0"))
    unit_price: Mapped[Decimal] = mapped_column(ScaledDecimal(8))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    price_list: Mapped[PriceList] = relationship()
    material: Mapped[Material | None] = relationship()
    material_class: Mapped[MaterialClass | None] = relationship()


class PriceRule(db.Model):
    """Matching rule: (customer or customer class) × (material or material
    class) → price list, or → pricing strategy (exactly one of the two).
    Lower ``priority`` wins among equally specific rules."""

    __tablename__ = "price_rule"
    __table_args__ = (
        CheckConstraint("(customer_id IS NULL) <> (customer_class_id IS NULL)", name="customer_or_class"),
        CheckConstraint("(material_id IS NULL) <> (material_class_id IS NULL)", name="material_or_class"),
        CheckConstraint("(price_list_id IS NULL) <> (pricing_strategy_id IS NULL)", name="list_or_strategy"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id"), index=True)
    customer_class_id: Mapped[int | None] = mapped_column(ForeignKey("customer_class.id"), index=True)
    material_id: Mapped[int | None] = mapped_column(ForeignKey("material.id"), index=True)
    material_class_id: Mapped[int | None] = mapped_column(ForeignKey("material_class.id"), index=True)
    price_list_id: Mapped[int | None] = mapped_column(ForeignKey("price_list.id"), index=True)
    pricing_strategy_id: Mapped[int | None] = mapped_column(ForeignKey("pricing_strategy.id"), index=True)
    priority: Mapped[int] = mapped_column(Integer, default=100)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    price_list: Mapped[PriceList | None] = relationship()
    pricing_strategy: Mapped[PricingStrategy | None] = relationship()
    customer: Mapped[Customer | None] = relationship()
    customer_class: Mapped[CustomerClass | None] = relationship()
    material: Mapped[Material | None] = relationship()
    material_class: Mapped[MaterialClass | None] = relationship()


class PriceAdjustment(db.Model):
    """A price adjustment sheet (价格调整单): old → new price of one item from
    an effective date, and who approved it. Approving closes the old item
    (valid_to = effective date) and inserts ``new_item``; the sheet is the
    approval record, so it never changes afterwards."""

    __tablename__ = "price_adjustment"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    old_item_id: Mapped[int] = mapped_column(ForeignKey("price_item.id"), index=True)
    new_item_id: Mapped[int] = mapped_column(ForeignKey("price_item.id"), unique=True)
    old_price: Mapped[Decimal] = mapped_column(ScaledDecimal(8))
    new_price: Mapped[Decimal] = mapped_column(ScaledDecimal(8))
    effective_date: Mapped[date] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(String(255))
    approved_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    approved_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    source_key: Mapped[str] = mapped_column(String(160), unique=True)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    old_item: Mapped[PriceItem] = relationship(foreign_keys=[old_item_id])
    new_item: Mapped[PriceItem] = relationship(foreign_keys=[new_item_id])
