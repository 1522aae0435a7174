"""Transfer orders between organisations (调拨订单, NC seed L100–104): the
stock organisation B supplies the lines of organisation A's sales order
from its warehouse, either to A's warehouse (transfer out → in transit →
transfer in at what A actually received, 实收) or straight to A's customer
(直运, direct shipment)."""
from datetime import date
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.catalogue import Material
from app.models.organisation import User
from app.models.posted import Posted
from app.models.sales_order import SalesOrder, SalesOrderLine
from app.models.stock_place import OrgUnit, Warehouse
from app.models.types import ScaledDecimal, UTCDateTime, utcnow

# via_buyer: B → A's warehouse → A ships; direct: B's warehouse ships to A's customer
TRANSFER_MODES = ("via_buyer", "direct")
# draft → signed (B agrees) → out (left B) → received (A's transfer-in confirmed); or refused
TRANSFER_STATUSES = ("draft", "signed", "out", "received", "refused")


class TransferOrder(Posted, db.Model):
    """调拨订单: B (``from_org``) supplies A (``to_org``) for A's sales
    ``order``. Signed by B's person of record; only ``status`` and the
    signature move afterwards."""

    __tablename__ = "transfer_order"
    __mutable_columns__ = frozenset({"status", "signed_by_id", "signed_at"})

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("sales_order.id"), index=True)
    from_org_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), index=True)
    to_org_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), index=True)
    from_warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouse.id"))
    to_warehouse_id: Mapped[int | None] = mapped_column(ForeignKey("warehouse.id"))  # None: direct shipment
    mode: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="draft")
    order_date: Mapped[date] = mapped_column(Date, index=True)
    signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    signed_at: Mapped[object | None] = mapped_column(UTCDateTime)
    source_key: Mapped[str] = mapped_column(String(160), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    order: Mapped[SalesOrder] = relationship()
    from_org: Mapped[OrgUnit] = relationship(foreign_keys=[from_org_id])
    to_org: Mapped[OrgUnit] = relationship(foreign_keys=[to_org_id])
    from_warehouse: Mapped[Warehouse] = relationship(foreign_keys=[from_warehouse_id])
    to_warehouse: Mapped[Warehouse | None] = relationship(foreign_keys=[to_warehouse_id])
    signed_by: Mapped[User | None] = relationship(foreign_keys=[signed_by_id])
    lines: Mapped[list["TransferOrderLine"]] = relationship(back_populates="transfer", order_by="TransferOrderLine.line_no")


class TransferOrderLine(Posted, db.Model):
    """One line: the sales order line it supplies and the quantity; the
    running totals out of B (``qty_out``), into A (``qty_received``) and
    lost on the way (``qty_lost``) are the only columns that move."""

    __tablename__ = "transfer_order_line"
    __table_args__ = (UniqueConstraint("transfer_id", "line_no"),)
    __mutable_columns__ = frozenset({"qty_out", "qty_received", "qty_lost"})

    id: Mapped[int] = mapped_column(primary_key=True)
    transfer_id: Mapped[int] = mapped_column(ForeignKey("transfer_order.id"), index=True)
    line_no: Mapped[int] = mapped_column(Integer)
    order_line_id: Mapped[int] = mapped_column(ForeignKey("sales_order_line.id"), index=True)
    material_id: Mapped[int] = mapped_column(ForeignKey("material.id"), index=True)
    qty: Mapped[Decimal] = mapped_column(ScaledDecimal(4))
    qty_out: Mapped[Decimal] = mapped_column(ScaledDecimal(4), default=Decimal("0"))
    qty_received: Mapped[Decimal] = mapped_column(ScaledDecimal(4), default=Decimal("0"))
    qty_lost: Mapped[Decimal] = mapped_column(ScaledDecimal(4), default=Decimal("0"))

    transfer: Mapped[TransferOrder] = relationship(back_populates="lines")
    order_line: Mapped[SalesOrderLine] = relationship()
    material: Mapped[Material] = relationship()


class TransferIn(Posted, db.Model):
    """调拨入库单, made automatically when B's transfer-out posts (a draft at
    the quantities sent), then confirmed by A at what arrived (实收): the
    difference is transit loss, signed for with a reason (途损签收). A
    direct shipment records its transfer-in confirmed at once: the customer
    received the goods for A."""

    __tablename__ = "transfer_in"
    __mutable_columns__ = frozenset({"status", "received_date", "receiver_name", "confirmed_by_id", "confirmed_key"})

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    transfer_id: Mapped[int] = mapped_column(ForeignKey("transfer_order.id"), unique=True)
    out_date: Mapped[date] = mapped_column(Date, index=True)
    out_key: Mapped[str] = mapped_column(String(160), unique=True)  # the transfer-out's posting
    status: Mapped[str] = mapped_column(String(16), default="draft")  # draft | confirmed
    received_date: Mapped[date | None] = mapped_column(Date)
    receiver_name: Mapped[str | None] = mapped_column(String(64))
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    confirmed_key: Mapped[str | None] = mapped_column(String(160), unique=True)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    transfer: Mapped[TransferOrder] = relationship()
    lines: Mapped[list["TransferInLine"]] = relationship(back_populates="transfer_in", order_by="TransferInLine.line_no")


class TransferInLine(Posted, db.Model):
    __tablename__ = "transfer_in_line"
    __table_args__ = (UniqueConstraint("transfer_in_id", "line_no"),)
    __mutable_columns__ = frozenset({"received_qty", "loss_qty", "loss_reason"})

    id: Mapped[int] = mapped_column(primary_key=True)
    transfer_in_id: Mapped[int] = mapped_column(ForeignKey("transfer_in.id"), index=True)
    line_no: Mapped[int] = mapped_column(Integer)
    transfer_line_id: Mapped[int] = mapped_column(ForeignKey("transfer_order_line.id"), unique=True)
    material_id: Mapped[int] = mapped_column(ForeignKey("material.id"))
    sent_qty: Mapped[Decimal] = mapped_column(ScaledDecimal(4))
    received_qty: Mapped[Decimal | None] = mapped_column(ScaledDecimal(4))
    loss_qty: Mapped[Decimal | None] = mapped_column(ScaledDecimal(4))
    loss_reason: Mapped[str | None] = mapped_column(String(255))

    transfer_in: Mapped[TransferIn] = relationship(back_populates="lines")
    transfer_line: Mapped[TransferOrderLine] = relationship()
    material: Mapped[Material] = relationship()
