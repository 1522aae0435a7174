"""Sales orders (销售订单), their lines, credit overrides and cancellations."""
from datetime import date
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, UniqueConstraint, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.catalogue import Material
from app.models.customer import Customer
from app.models.organisation import User
from app.models.posted import Posted
from app.models.pricing import PriceItem, PriceRule
from app.models.types import Money, ScaledDecimal, UTCDateTime, utcnow

ORDER_STATUSES = ("draft", "held", "approved", "closed", "cancelled")


class SalesOrder(Posted, db.Model):
    """A blue order, or a red one (kind "red": a return) referencing its
    original. The commercial content never changes once saved; only the
    workflow ``status`` (held → approved → closed, or → cancelled with its
    SalesOrderCancellation record) moves. An order made in a flow that
    reviews it (F01) is saved "draft" and only the review's approval
    (``approved_by_id``/``approved_at``) makes it "approved"; elsewhere the
    order is approved as it is made, by its maker. The delivery terms of the
    交货单 (place, time, acceptance, settlement) are kept with the order."""

    __tablename__ = "sales_order"
    __mutable_columns__ = frozenset({"status", "hold_reason", "approved_by_id", "approved_at"})

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[str] = mapped_column(String(8), default="blue")  # blue | red
    original_order_id: Mapped[int | None] = mapped_column(ForeignKey("sales_order.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    salesperson_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    region: Mapped[str] = mapped_column(String(64))
    contract_number: Mapped[str | None] = mapped_column(String(64))
    order_date: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(16), default="approved")
    hold_reason: Mapped[str | None] = mapped_column(String(255))
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    approved_at: Mapped[object | None] = mapped_column(UTCDateTime)
    delivery_place: Mapped[str | None] = mapped_column(String(255))
    delivery_date: Mapped[date | None] = mapped_column(Date)
    acceptance_terms: Mapped[str | None] = mapped_column(String(255))
    settlement_terms: Mapped[str | None] = mapped_column(String(255))
    campaign_code: Mapped[str | None] = mapped_column(String(32), index=True)  # F19: the campaign the order came from
    # the selling organisation (销售组织); orders from before there were several belong to HQ
    org_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id"), index=True)
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    exchange_rate: Mapped[Decimal] = mapped_column(ScaledDecimal(6), default=Decimal("1"))
    net: Mapped[Decimal] = mapped_column(Money())
    tax: Mapped[Decimal] = mapped_column(Money())
    gross: Mapped[Decimal] = mapped_column(Money())
    source_key: Mapped[str] = mapped_column(String(160), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    customer: Mapped[Customer] = relationship()
    salesperson: Mapped[User | None] = relationship(foreign_keys=[salesperson_id])
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])
    lines: Mapped[list["SalesOrderLine"]] = relationship(back_populates="order", order_by="SalesOrderLine.line_no")


class SalesOrderLine(Posted, db.Model):
    """One line: signed qty (negative on red lines), the frozen unit price and
    the price item/rule it came from, VAT split. ``qty_delivered``,
    ``qty_invoiced`` (net of red invoices), ``qty_returned`` and ``qty_lost``
    (transit loss on signed receipts) are running
    totals of later documents (blue lines only), the only columns that move.
    ``priced`` False: no price could be found (询不到价格); the line is saved
    at a zero price and its order cannot be approved until it is remade with
    a price."""

    __tablename__ = "sales_order_line"
    __table_args__ = (UniqueConstraint("order_id", "line_no"),)
    __mutable_columns__ = frozenset({"qty_delivered", "qty_invoiced", "qty_returned", "qty_lost"})

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("sales_order.id"), index=True)
    line_no: Mapped[int] = mapped_column(Integer)
    material_id: Mapped[int] = mapped_column(ForeignKey("material.id"), index=True)
    unit: Mapped[str] = mapped_column(String(16))
    qty: Mapped[Decimal] = mapped_column(ScaledDecimal(4))
    unit_price: Mapped[Decimal] = mapped_column(ScaledDecimal(8))
    tax_inclusive: Mapped[bool] = mapped_column(Boolean)
    priced: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    tax_rate: Mapped[Decimal] = mapped_column(ScaledDecimal(4))
    net: Mapped[Decimal] = mapped_column(Money())
    tax: Mapped[Decimal] = mapped_column(Money())
    gross: Mapped[Decimal] = mapped_column(Money())
    price_item_id: Mapped[int | None] = mapped_column(ForeignKey("price_item.id"))
    price_rule_id: Mapped[int | None] = mapped_column(ForeignKey("price_rule.id"))
    price_override_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))  # an approved manual price
    original_line_id: Mapped[int | None] = mapped_column(ForeignKey("sales_order_line.id"), index=True)
    qty_delivered: Mapped[Decimal] = mapped_column(ScaledDecimal(4), default=Decimal("0"))
    qty_invoiced: Mapped[Decimal] = mapped_column(ScaledDecimal(4), default=Decimal("0"))
    qty_returned: Mapped[Decimal] = mapped_column(ScaledDecimal(4), default=Decimal("0"))
    qty_lost: Mapped[Decimal] = mapped_column(ScaledDecimal(4), default=Decimal("0"), server_default="0")  # transit loss, never invoiced

    order: Mapped[SalesOrder] = relationship(back_populates="lines")
    material: Mapped[Material] = relationship()
    price_item: Mapped[PriceItem | None] = relationship()
    price_rule: Mapped[PriceRule | None] = relationship()
    original_line: Mapped["SalesOrderLine | None"] = relationship(remote_side=[id])


class CreditOverride(Posted, db.Model):
    """The approval that releases an order held over the credit limit: who
    (sales_director, or general_manager above the director's authority), when,
    and the exposure they saw."""

    __tablename__ = "credit_override"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("sales_order.id"), index=True)
    approved_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    approver_role: Mapped[str] = mapped_column(String(32))
    exposure: Mapped[Decimal] = mapped_column(Money())
    credit_limit: Mapped[Decimal] = mapped_column(Money())
    reason: Mapped[str | None] = mapped_column(String(255))
    source_key: Mapped[str] = mapped_column(String(160), unique=True)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    order: Mapped[SalesOrder] = relationship()
    approved_by: Mapped[User] = relationship()


class SalesOrderCancellation(Posted, db.Model):
    """The record that cancels an order nothing was delivered from (e.g. a
    mail order left unpaid): who or what cancelled it, when and why. The
    order keeps every line; only its status says "cancelled", so exposure
    and reports leave it out while the history stays."""

    __tablename__ = "sales_order_cancellation"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("sales_order.id"), unique=True)
    previous_status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(String(255))
    cancelled_on: Mapped[date] = mapped_column(Date)
    cancelled_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    source_key: Mapped[str] = mapped_column(String(160), unique=True)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    order: Mapped[SalesOrder] = relationship()
    cancelled_by: Mapped[User | None] = relationship()
