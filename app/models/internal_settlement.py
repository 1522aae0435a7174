"""Internal settlement (内部结算清单, NC seed L104) and internal invoices:
once a month the transfers one organisation made to another are priced at
the internal price list, the finance people of both organisations confirm
the list, and the internal invoice posts the supplier's internal
receivable and revenue and the buyer's internal payable."""
from datetime import date
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.catalogue import Material
from app.models.organisation import User
from app.models.posted import Posted
from app.models.pricing import PriceItem, PriceList
from app.models.stock_place import OrgUnit
from app.models.transfer_order import TransferOrderLine
from app.models.types import Money, ScaledDecimal, UTCDateTime, utcnow

# draft → confirmed (both sides) → invoiced; or rejected by either side's finance
SETTLEMENT_STATUSES = ("draft", "confirmed", "rejected", "invoiced")


class InternalSettlement(Posted, db.Model):
    """The month's list of ``supplier``→``buyer`` transfers at internal
    prices. Its lines never change; the two confirmations (each by finance
    of its own organisation) and the status move."""

    __tablename__ = "internal_settlement"
    __mutable_columns__ = frozenset({"status", "supplier_confirmed_by_id", "buyer_confirmed_by_id", "rejected_by_id",
                                     "rejection_reason"})

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    period: Mapped[str] = mapped_column(String(7), index=True)
    supplier_org_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), index=True)
    buyer_org_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), index=True)
    price_list_id: Mapped[int] = mapped_column(ForeignKey("price_list.id"))
    status: Mapped[str] = mapped_column(String(16), default="draft")
    net: Mapped[Decimal] = mapped_column(Money())
    tax: Mapped[Decimal] = mapped_column(Money())
    gross: Mapped[Decimal] = mapped_column(Money())
    supplier_confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    buyer_confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    rejected_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    rejection_reason: Mapped[str | None] = mapped_column(String(255))
    source_key: Mapped[str] = mapped_column(String(160), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    supplier_org: Mapped[OrgUnit] = relationship(foreign_keys=[supplier_org_id])
    buyer_org: Mapped[OrgUnit] = relationship(foreign_keys=[buyer_org_id])
    price_list: Mapped[PriceList] = relationship()
    supplier_confirmed_by: Mapped[User | None] = relationship(foreign_keys=[supplier_confirmed_by_id])
    buyer_confirmed_by: Mapped[User | None] = relationship(foreign_keys=[buyer_confirmed_by_id])
    lines: Mapped[list["InternalSettlementLine"]] = relationship(back_populates="settlement",
                                                                 order_by="InternalSettlementLine.line_no")


class InternalSettlementLine(Posted, db.Model):
    """One transfer line at its internal price (tax-exclusive, VAT at the
    material's rate) and the price item it came from."""

    __tablename__ = "internal_settlement_line"
    __table_args__ = (UniqueConstraint("settlement_id", "line_no"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    settlement_id: Mapped[int] = mapped_column(ForeignKey("internal_settlement.id"), index=True)
    line_no: Mapped[int] = mapped_column(Integer)
    transfer_line_id: Mapped[int] = mapped_column(ForeignKey("transfer_order_line.id"), index=True)
    material_id: Mapped[int] = mapped_column(ForeignKey("material.id"))
    qty: Mapped[Decimal] = mapped_column(ScaledDecimal(4))
    unit_price: Mapped[Decimal] = mapped_column(ScaledDecimal(8))
    price_item_id: Mapped[int] = mapped_column(ForeignKey("price_item.id"))
    tax_rate: Mapped[Decimal] = mapped_column(ScaledDecimal(4))
    net: Mapped[Decimal] = mapped_column(Money())
    tax: Mapped[Decimal] = mapped_column(Money())
    gross: Mapped[Decimal] = mapped_column(Money())

    settlement: Mapped[InternalSettlement] = relationship(back_populates="lines")
    transfer_line: Mapped[TransferOrderLine] = relationship()
    material: Mapped[Material] = relationship()
    price_item: Mapped[PriceItem] = relationship()


class InternalInvoice(Posted, db.Model):
    """内部交易发票 for a confirmed settlement (one each), posted on
    ``invoice_date``: the supplier's internal receivable equals the buyer's
    internal payable equals ``gross``."""

    __tablename__ = "internal_invoice"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    settlement_id: Mapped[int] = mapped_column(ForeignKey("internal_settlement.id"), unique=True)
    supplier_org_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), index=True)
    buyer_org_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), index=True)
    invoice_date: Mapped[date] = mapped_column(Date, index=True)
    net: Mapped[Decimal] = mapped_column(Money())
    tax: Mapped[Decimal] = mapped_column(Money())
    gross: Mapped[Decimal] = mapped_column(Money())
    source_key: Mapped[str] = mapped_column(String(160), unique=True)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    settlement: Mapped[InternalSettlement] = relationship()
