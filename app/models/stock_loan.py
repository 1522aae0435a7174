"""Stock loans (借出, F17 borrow_to_sale, seed L101–L102): goods a rep takes
out to a customer for a trial, a demo or a loan before anything is sold.
They leave the warehouse for location "lent" (no revenue) and come back by
conversion into a sale, a return, or are written off as lost."""
from datetime import date
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.posted import Posted
from app.models.types import Money, ScaledDecimal, UTCDateTime, utcnow

LOAN_PURPOSES = ("trial", "demo", "loan")  # 试用 | 演示 | 借用
# requested (approvals pending) → lent (out of the warehouse) → delivered (signed for) → closed (nothing out)
LOAN_STATUSES = ("requested", "lent", "delivered", "closed", "withdrawn")


class StockLoan(Posted, db.Model):
    """One loan of goods to a customer. ``expected_date`` moves with an
    extension (``extensions`` counts them; ``first_expected_date`` keeps the
    one approved); ``status`` follows the goods."""

    __tablename__ = "stock_loan"
    __mutable_columns__ = frozenset({"status", "expected_date", "extensions", "lent_date", "delivered_date",
                                     "receiver_name", "closed_date"})

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    salesperson_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)  # the rep who asked
    region: Mapped[str | None] = mapped_column(String(64))
    purpose: Mapped[str] = mapped_column(String(16))
    request_date: Mapped[date] = mapped_column(Date)
    first_expected_date: Mapped[date] = mapped_column(Date)
    expected_date: Mapped[date] = mapped_column(Date, index=True)
    extensions: Mapped[int] = mapped_column(Integer, default=0)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouse.id"))
    status: Mapped[str] = mapped_column(String(16), default="requested")
    value: Mapped[Decimal] = mapped_column(Money())  # gross at the customer's price on the request date
    lent_date: Mapped[date | None] = mapped_column(Date)
    delivered_date: Mapped[date | None] = mapped_column(Date)
    receiver_name: Mapped[str | None] = mapped_column(String(64))
    closed_date: Mapped[date | None] = mapped_column(Date)
    source_key: Mapped[str] = mapped_column(String(160), unique=True)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    lines: Mapped[list["StockLoanLine"]] = relationship(back_populates="loan", order_by="StockLoanLine.line_no")
    customer = relationship("Customer")
    salesperson = relationship("User")


class StockLoanLine(Posted, db.Model):
    """A material lent: lent = converted + returned + lost + still out.
    ``unit_price`` is the customer's price on the request date (what the
    credit check counts), never the price of a later conversion."""

    __tablename__ = "stock_loan_line"
    __table_args__ = (UniqueConstraint("loan_id", "line_no"),)
    __mutable_columns__ = frozenset({"qty_converted", "qty_returned", "qty_lost"})

    id: Mapped[int] = mapped_column(primary_key=True)
    loan_id: Mapped[int] = mapped_column(ForeignKey("stock_loan.id"), index=True)
    line_no: Mapped[int] = mapped_column(Integer)
    material_id: Mapped[int] = mapped_column(ForeignKey("material.id"))
    qty_lent: Mapped[Decimal] = mapped_column(ScaledDecimal(4))
    qty_converted: Mapped[Decimal] = mapped_column(ScaledDecimal(4), default=Decimal(0))
    qty_returned: Mapped[Decimal] = mapped_column(ScaledDecimal(4), default=Decimal(0))
    qty_lost: Mapped[Decimal] = mapped_column(ScaledDecimal(4), default=Decimal(0))
    unit_price: Mapped[Decimal] = mapped_column(ScaledDecimal(8))
    gross: Mapped[Decimal] = mapped_column(Money())

    loan: Mapped[StockLoan] = relationship(back_populates="lines")
    material = relationship("Material")

    @property
    def still_out(self) -> Decimal:
        return self.qty_lent - self.qty_converted - self.qty_returned - self.qty_lost


class StockLoanEvent(Posted, db.Model):
    """What happened to a loan line, once each: "lent", "lost" (with its
    reason), "returned" (saleable or quarantine), "converted" (the sales
    order line it became), each with the stock movements it made (linked in
    ``StockLoanMovement``)."""

    __tablename__ = "stock_loan_event"
    __table_args__ = (UniqueConstraint("source_key", "loan_line_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    loan_line_id: Mapped[int] = mapped_column(ForeignKey("stock_loan_line.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # lent | signed | lost | returned | converted | unconverted | extended
    qty: Mapped[Decimal] = mapped_column(ScaledDecimal(4))
    event_date: Mapped[date] = mapped_column(Date)
    order_line_id: Mapped[int | None] = mapped_column(ForeignKey("sales_order_line.id"), index=True)
    stock_status: Mapped[str | None] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(255))
    source_key: Mapped[str] = mapped_column(String(160))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    loan_line: Mapped[StockLoanLine] = relationship()


class StockLoanMovement(Posted, db.Model):
    """Which stock movements belong to which loan line (so the batches a
    loan took out are the batches that come back or are sold)."""

    __tablename__ = "stock_loan_movement"

    id: Mapped[int] = mapped_column(primary_key=True)
    loan_line_id: Mapped[int] = mapped_column(ForeignKey("stock_loan_line.id"), index=True)
    movement_id: Mapped[int] = mapped_column(ForeignKey("stock_movement.id"), unique=True)

    loan_line: Mapped[StockLoanLine] = relationship()
    movement = relationship("StockMovement")
