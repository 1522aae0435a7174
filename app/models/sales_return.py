"""The return document of F03 (退货单) and what quality and the warehouse
record on it: the re-inspection (复验: result, cause, responsibility and what
becomes of the goods), the return authorised after the approvals (lines,
prices the customer agreed to) and its receipt into stock (the quantity
that actually arrived, into saleable or quarantined stock). Each is written
once by the step that decides it; none is ever changed."""
from datetime import date
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.customer import Customer
from app.models.organisation import User
from app.models.posted import Posted
from app.models.sales_order import SalesOrder, SalesOrderLine
from app.models.types import ScaledDecimal, UTCDateTime, utcnow

INSPECTION_RESULTS = ("qualified", "defective")  # 合格 / 不合格
RESPONSIBILITIES = ("customer", "production", "logistics", "sales", "supplier")
DISPOSITIONS = ("restock", "quarantine")  # back to saleable stock / held apart (repair, scrap, claim)
STOCK_STATUSES = ("saleable", "quarantine")


class ReturnInspection(Posted, db.Model):
    """Quality's re-inspection of goods a customer wants to return: the
    result, its cause, who is responsible and what becomes of the goods.
    Defective goods are never restocked (a check constraint, and the ledger
    refuses it first)."""

    __tablename__ = "return_inspection"
    __table_args__ = (
        CheckConstraint("result IN ('qualified', 'defective')", name="known_result"),
        CheckConstraint("disposition IN ('restock', 'quarantine')", name="known_disposition"),
        CheckConstraint("result = 'qualified' OR disposition = 'quarantine'", name="defective_goods_quarantined"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("sales_order.id"), index=True)
    result: Mapped[str] = mapped_column(String(16))
    cause: Mapped[str] = mapped_column(String(255))
    responsibility: Mapped[str] = mapped_column(String(16))
    disposition: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(String(1000))
    inspection_date: Mapped[date] = mapped_column(Date)
    inspected_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    source_key: Mapped[str] = mapped_column(String(160), unique=True)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    order: Mapped[SalesOrder] = relationship()
    inspected_by: Mapped[User | None] = relationship()


class SalesReturn(Posted, db.Model):
    """A return or exchange authorised after the approvals (销售部系统减帐):
    the original order, its lines and the prices the customer agreed to
    (seed L112: 客户是否同意单价), quality's inspection and the disposition it
    decided. The goods are booked back only when the warehouse receives
    them (``ReturnReceipt``)."""

    __tablename__ = "sales_return"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # return | exchange
    order_id: Mapped[int] = mapped_column(ForeignKey("sales_order.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("return_inspection.id"))
    disposition: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(255))
    price_agreed_via: Mapped[str] = mapped_column(String(16))
    price_agreed_on: Mapped[date] = mapped_column(Date)
    return_date: Mapped[date] = mapped_column(Date, index=True)
    authorized_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    source_key: Mapped[str] = mapped_column(String(160), unique=True)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    order: Mapped[SalesOrder] = relationship()
    customer: Mapped[Customer] = relationship()
    inspection: Mapped[ReturnInspection] = relationship()
    lines: Mapped[list["SalesReturnLine"]] = relationship(back_populates="sales_return", order_by="SalesReturnLine.line_no")


class SalesReturnLine(Posted, db.Model):
    """One authorised line: the original order line, the quantity and the
    unit price the customer agreed to (never above the original)."""

    __tablename__ = "sales_return_line"
    __table_args__ = (UniqueConstraint("return_id", "line_no"), CheckConstraint("qty > 0", name="positive_qty"))

    id: Mapped[int] = mapped_column(primary_key=True)
    return_id: Mapped[int] = mapped_column(ForeignKey("sales_return.id"), index=True)
    line_no: Mapped[int] = mapped_column(Integer)
    original_line_id: Mapped[int] = mapped_column(ForeignKey("sales_order_line.id"))
    qty: Mapped[Decimal] = mapped_column(ScaledDecimal(4))
    unit_price: Mapped[Decimal] = mapped_column(ScaledDecimal(8))

    sales_return: Mapped[SalesReturn] = relationship(back_populates="lines")
    original_line: Mapped[SalesOrderLine] = relationship()


class ReturnReceipt(Posted, db.Model):
    """The warehouse received the goods of a return (退货入库): the red order
    holds the quantities that actually arrived, which came back into stock
    as ``stock_status`` (saleable or quarantine) that day."""

    __tablename__ = "return_receipt"

    id: Mapped[int] = mapped_column(primary_key=True)
    return_id: Mapped[int] = mapped_column(ForeignKey("sales_return.id"), unique=True)
    red_order_id: Mapped[int] = mapped_column(ForeignKey("sales_order.id"))
    stock_status: Mapped[str] = mapped_column(String(16))
    received_on: Mapped[date] = mapped_column(Date)
    condition_note: Mapped[str | None] = mapped_column(String(1000))
    received_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    source_key: Mapped[str] = mapped_column(String(160), unique=True)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    sales_return: Mapped[SalesReturn] = relationship()
    red_order: Mapped[SalesOrder] = relationship()
