"""Price adjustment sheets (价格调整单) as drafts: lines of new prices for
material or material-class items of one price list, new items for it, and
changes of the matching rules, approved together."""
from datetime import date
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, UniqueConstraint, inspect
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.catalogue import CustomerClass, Material, MaterialClass
from app.models.customer import Customer
from app.models.posted import Posted
from app.models.pricing import PriceAdjustment, PriceItem, PriceList, PriceRule, PricingStrategy
from app.models.types import ScaledDecimal, UTCDateTime, utcnow


class PriceAdjustmentSheet(Posted, db.Model):
    """A draft may change or be cancelled; once approved (each line then has
    its ``PriceAdjustment`` approval record) or cancelled it is frozen."""

    __tablename__ = "price_adjustment_sheet"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    price_list_id: Mapped[int] = mapped_column(ForeignKey("price_list.id"), index=True)
    effective_date: Mapped[date] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(16), default="draft")  # draft | approved | cancelled
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[object | None] = mapped_column(UTCDateTime)
    decided_key: Mapped[str | None] = mapped_column(String(160), unique=True)
    source_key: Mapped[str] = mapped_column(String(160), unique=True)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    price_list: Mapped[PriceList] = relationship()
    lines: Mapped[list["PriceAdjustmentSheetLine"]] = relationship(back_populates="sheet",
                                                                    order_by="PriceAdjustmentSheetLine.line_no")

    def _was_posted(self) -> bool:
        history = inspect(self).attrs.status.history
        before = history.deleted[0] if history.deleted else self.status
        return before not in (None, "draft")


LINE_KINDS = ("reprice", "new_item", "add_rule", "end_rule", "retarget_rule")


class PriceAdjustmentSheetLine(Posted, db.Model):
    """One change a sheet makes from its effective date (``kind``):

    - ``reprice``: old → new price of one item (a material's or a material
      class's, in a unit, from a minimum quantity). ``old_item``/``old_price``:
      what the item valid on the effective date was when drafted; approval
      refuses a sheet whose item has changed since (stale).
    - ``new_item``: a new item of the sheet's list (``new_price``); approval
      makes ``new_item``.
    - ``add_rule``: a matching rule customer class × material class →
      ``target_list`` or ``target_strategy`` with ``priority``; approval
      makes ``new_rule``.
    - ``end_rule``: ``rule`` (the one valid on the effective date when
      drafted) is closed at the effective date.
    - ``retarget_rule``: ``rule`` is closed at the effective date and
      ``new_rule`` (same targets and priority) points at the target from then.

    A rule line copies its rule's customer (or class) and material (or class)."""

    __tablename__ = "price_adjustment_sheet_line"
    __table_args__ = (
        UniqueConstraint("sheet_id", "line_no"),
        CheckConstraint("(material_id IS NULL) <> (material_class_id IS NULL)", name="material_or_class"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = mapped_column(ForeignKey("price_adjustment_sheet.id"), index=True)
    line_no: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16), default="reprice", server_default="reprice")
    material_id: Mapped[int | None] = mapped_column(ForeignKey("material.id"))
    material_class_id: Mapped[int | None] = mapped_column(ForeignKey("material_class.id"))
    unit: Mapped[str | None] = mapped_column(String(16))
    min_qty: Mapped[Decimal] = mapped_column(ScaledDecimal(4), default=Decimal("0"))
    old_item_id: Mapped[int | None] = mapped_column(ForeignKey("price_item.id"))
    old_price: Mapped[Decimal | None] = mapped_column(ScaledDecimal(8))
    new_price: Mapped[Decimal | None] = mapped_column(ScaledDecimal(8))
    adjustment_id: Mapped[int | None] = mapped_column(ForeignKey("price_adjustment.id"), unique=True)
    new_item_id: Mapped[int | None] = mapped_column(ForeignKey("price_item.id"), unique=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id"))
    customer_class_id: Mapped[int | None] = mapped_column(ForeignKey("customer_class.id"))
    rule_id: Mapped[int | None] = mapped_column(ForeignKey("price_rule.id"))
    new_rule_id: Mapped[int | None] = mapped_column(ForeignKey("price_rule.id"), unique=True)
    target_list_id: Mapped[int | None] = mapped_column(ForeignKey("price_list.id"))
    target_strategy_id: Mapped[int | None] = mapped_column(ForeignKey("pricing_strategy.id"))
    priority: Mapped[int | None] = mapped_column(Integer)

    sheet: Mapped[PriceAdjustmentSheet] = relationship(back_populates="lines")
    material: Mapped[Material | None] = relationship()
    material_class: Mapped[MaterialClass | None] = relationship()
    old_item: Mapped[PriceItem | None] = relationship(foreign_keys=[old_item_id])
    new_item: Mapped[PriceItem | None] = relationship(foreign_keys=[new_item_id])
    adjustment: Mapped[PriceAdjustment | None] = relationship()
    customer: Mapped[Customer | None] = relationship()
    customer_class: Mapped[CustomerClass | None] = relationship()
    rule: Mapped[PriceRule | None] = relationship(foreign_keys=[rule_id])
    new_rule: Mapped[PriceRule | None] = relationship(foreign_keys=[new_rule_id])
    target_list: Mapped[PriceList | None] = relationship()
    target_strategy: Mapped[PricingStrategy | None] = relationship()

    def _was_posted(self) -> bool:
        return self.sheet is not None and self.sheet._was_posted()
