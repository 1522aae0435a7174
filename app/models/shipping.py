"""Shipping notes (发货单) and stock movements (出入库)."""
from datetime import date
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Integer, String, UniqueConstraint, inspect
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.catalogue import Material
from app.models.customer import Customer
from app.models.posted import Posted
from app.models.sales_order import SalesOrder, SalesOrderLine
from app.models.stock_place import Warehouse
from app.models.types import Money, ScaledDecimal, UTCDateTime, utcnow


class ShippingNote(Posted, db.Model):
    """A draft until its goods leave the warehouse (``post_outbound``), then
    posted and frozen except for the shipment-ledger registration. It keeps
    what the billing clerk set (transport mode, delivery address, in-city or
    out-of-town route) and the QC certificate the order clerk attached."""

    __tablename__ = "shipping_note"
    __mutable_columns__ = frozenset({"registered_at", "tracking_number"})

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("sales_order.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    ship_date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="draft")  # draft | posted | void (cancelled draft)
    posted_date: Mapped[date | None] = mapped_column(Date, index=True)
    posted_key: Mapped[str | None] = mapped_column(String(160), unique=True)
    registered_at: Mapped[object | None] = mapped_column(UTCDateTime)
    tracking_number: Mapped[str | None] = mapped_column(String(64))
    transport_mode: Mapped[str | None] = mapped_column(String(32))
    delivery_address: Mapped[str | None] = mapped_column(String(255))
    route: Mapped[str | None] = mapped_column(String(16))  # city (市内) | out_of_town (外埠)
    qc_certificate_no: Mapped[str | None] = mapped_column(String(64))
    qc_certificate_name: Mapped[str | None] = mapped_column(String(200))
    qc_certificate_sha256: Mapped[str | None] = mapped_column(String(64))
    source_key: Mapped[str] = mapped_column(String(160), unique=True)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    order: Mapped[SalesOrder] = relationship()
    customer: Mapped[Customer] = relationship()
    lines: Mapped[list["ShippingLine"]] = relationship(back_populates="note", order_by="ShippingLine.line_no")

    def _was_posted(self) -> bool:
        history = inspect(self).attrs.status.history
        before = history.deleted[0] if history.deleted else self.status
        return before == "posted"


class ShippingLine(Posted, db.Model):
    __tablename__ = "shipping_line"
    __table_args__ = (UniqueConstraint("note_id", "line_no"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    note_id: Mapped[int] = mapped_column(ForeignKey("shipping_note.id"), index=True)
    line_no: Mapped[int] = mapped_column(Integer)
    order_line_id: Mapped[int] = mapped_column(ForeignKey("sales_order_line.id"), index=True)
    material_id: Mapped[int] = mapped_column(ForeignKey("material.id"))
    qty: Mapped[Decimal] = mapped_column(ScaledDecimal(4))

    note: Mapped[ShippingNote] = relationship(back_populates="lines")
    order_line: Mapped[SalesOrderLine] = relationship()
    material: Mapped[Material] = relationship()

    def _was_posted(self) -> bool:
        return self.note is not None and self.note._was_posted()


class StockMovement(Posted, db.Model):
    """Signed stock change: negative out (sales outbound), positive in
    (opening stock, red outbound for a return, at the original cost)."""

    __tablename__ = "stock_movement"
    __table_args__ = (UniqueConstraint("source_key", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # opening | outbound | red_outbound
    material_id: Mapped[int] = mapped_column(ForeignKey("material.id"), index=True)
    qty: Mapped[Decimal] = mapped_column(ScaledDecimal(4))
    unit_cost: Mapped[Decimal] = mapped_column(ScaledDecimal(8))
    batch_no: Mapped[str] = mapped_column(String(64), index=True)
    # saleable | quarantine: returned goods quality found defective stay apart, out of FIFO allocation
    stock_status: Mapped[str] = mapped_column(String(16), default="saleable", server_default="saleable")
    movement_date: Mapped[date] = mapped_column(Date, index=True)
    shipping_line_id: Mapped[int | None] = mapped_column(ForeignKey("shipping_line.id"), index=True)
    order_line_id: Mapped[int | None] = mapped_column(ForeignKey("sales_order_line.id"), index=True)
    original_movement_id: Mapped[int | None] = mapped_column(ForeignKey("stock_movement.id"))
    # where this signed change happens (app.models.stock_place.LOCATIONS): a sales outbound is a
    # negative change in a warehouse; a loan is a negative one there and a positive one at "lent".
    # The warehouse the change is in, or that stock in transit or lent left from
    location: Mapped[str] = mapped_column(String(16), default="warehouse", server_default="warehouse")
    warehouse_id: Mapped[int | None] = mapped_column(ForeignKey("warehouse.id"), index=True)
    source_key: Mapped[str] = mapped_column(String(160))
    seq: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    material: Mapped[Material] = relationship()
    warehouse: Mapped[Warehouse | None] = relationship()


class SignedReceipt(Posted, db.Model):
    """签收途损单 (NC, seed L100): what the customer signed for against a
    posted shipping note, line by line, and what was lost in transit. The
    loss is the company's: its cost moves from cost of sales to transit
    loss, and the lost quantity is never invoiced."""

    __tablename__ = "signed_receipt"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    note_id: Mapped[int] = mapped_column(ForeignKey("shipping_note.id"), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    signed_date: Mapped[date] = mapped_column(Date, index=True)
    receiver_name: Mapped[str] = mapped_column(String(64))
    receipt_name: Mapped[str | None] = mapped_column(String(200))
    receipt_sha256: Mapped[str | None] = mapped_column(String(64))
    loss_borne_by: Mapped[str] = mapped_column(String(16), default="company")
    loss_cost: Mapped[Decimal] = mapped_column(Money())
    source_key: Mapped[str] = mapped_column(String(160), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    note: Mapped[ShippingNote] = relationship()
    lines: Mapped[list["SignedReceiptLine"]] = relationship(back_populates="receipt", order_by="SignedReceiptLine.line_no")


class SignedReceiptLine(Posted, db.Model):
    __tablename__ = "signed_receipt_line"
    __table_args__ = (UniqueConstraint("receipt_id", "line_no"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    receipt_id: Mapped[int] = mapped_column(ForeignKey("signed_receipt.id"), index=True)
    line_no: Mapped[int] = mapped_column(Integer)
    shipping_line_id: Mapped[int] = mapped_column(ForeignKey("shipping_line.id"), unique=True)
    order_line_id: Mapped[int] = mapped_column(ForeignKey("sales_order_line.id"), index=True)
    material_id: Mapped[int] = mapped_column(ForeignKey("material.id"))
    shipped_qty: Mapped[Decimal] = mapped_column(ScaledDecimal(4))
    received_qty: Mapped[Decimal] = mapped_column(ScaledDecimal(4))
    loss_qty: Mapped[Decimal] = mapped_column(ScaledDecimal(4))
    loss_cost: Mapped[Decimal] = mapped_column(Money())
    loss_reason: Mapped[str | None] = mapped_column(String(255))

    receipt: Mapped[SignedReceipt] = relationship(back_populates="lines")
    shipping_line: Mapped[ShippingLine] = relationship()
    material: Mapped[Material] = relationship()
