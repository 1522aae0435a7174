"""After-sales service cases (售后服务单, F20): a repair, complaint,
maintenance or technical-support request about a customer's shipped goods,
from its opening through triage and resolution to the follow-up call.

A case is a work record, not a posting: it moves through its statuses as
the flow goes on. What it cost is recorded once per resolution in
``ServiceResolution``, which is posted and never changes."""
from datetime import date
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.catalogue import Material
from app.models.customer import Customer
from app.models.posted import Posted
from app.models.shipping import ShippingNote
from app.models.types import Money, UTCDateTime, utcnow

CASE_KINDS = ("repair", "complaint", "maintenance", "support")
SEVERITIES = ("critical", "high", "normal", "low")
OUTCOMES = ("warranty", "billable", "return", "no_charge")


class ServiceCase(db.Model):
    __tablename__ = "service_case"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # CASE_KINDS
    channel: Mapped[str] = mapped_column(String(16))  # desk | rep | portal: from the opener's role, never a form
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    material_id: Mapped[int | None] = mapped_column(ForeignKey("material.id"))
    batch_no: Mapped[str | None] = mapped_column(String(64))
    shipping_note_id: Mapped[int | None] = mapped_column(ForeignKey("shipping_note.id"))
    description: Mapped[str] = mapped_column(Text)
    ship_date: Mapped[date | None] = mapped_column(Date)
    warranty_until: Mapped[date | None] = mapped_column(Date)
    in_warranty: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(16), default="untriaged")  # untriaged | triaged | resolved | closed
    category: Mapped[str | None] = mapped_column(String(64))
    severity: Mapped[str | None] = mapped_column(String(16))
    route: Mapped[str | None] = mapped_column(String(16))  # tech_support | quality
    satisfaction: Mapped[int | None] = mapped_column(Integer)
    reopen_count: Mapped[int] = mapped_column(Integer, default=0)
    escalation_count: Mapped[int] = mapped_column(Integer, default=0)
    opened_at: Mapped[object] = mapped_column(UTCDateTime, index=True)
    triaged_at: Mapped[object | None] = mapped_column(UTCDateTime)
    resolved_at: Mapped[object | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[object | None] = mapped_column(UTCDateTime)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # the return request (F03 instance) filed against the case for goods to come back, as that flow recorded it
    return_instance_id: Mapped[int | None] = mapped_column(Integer)
    source_key: Mapped[str] = mapped_column(String(160), unique=True)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    customer: Mapped[Customer] = relationship()
    material: Mapped[Material | None] = relationship()
    shipping_note: Mapped[ShippingNote | None] = relationship()
    resolutions: Mapped[list["ServiceResolution"]] = relationship(back_populates="case",
                                                                  order_by="ServiceResolution.id")


class ServiceResolution(Posted, db.Model):
    """One resolution of a case (a reopened case gets another): the
    diagnosis, the action, the parts used at standard cost, and who bears
    it: warranty work is an after-sales expense, billable work an amount for
    the order clerk to invoice, a return goes on to the returns flow."""

    __tablename__ = "service_resolution"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("service_case.id"), index=True)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    diagnosis: Mapped[str] = mapped_column(Text)
    action_taken: Mapped[str] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(String(16))  # OUTCOMES
    parts: Mapped[str] = mapped_column(Text, default="")  # "PRT001×2；PRG002×0.5", as resolved
    parts_cost: Mapped[Decimal] = mapped_column(Money())
    warranty_expense: Mapped[Decimal] = mapped_column(Money())
    billable_amount: Mapped[Decimal] = mapped_column(Money())
    resolved_on: Mapped[date] = mapped_column(Date, index=True)
    source_key: Mapped[str] = mapped_column(String(160), unique=True)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[ServiceCase] = relationship(back_populates="resolutions")


class ServiceCharge(Posted, db.Model):
    """The sales order a billable resolution became (有偿维修下单): one
    service line at the resolution's amount, confirmed by the order clerk,
    delivered when ordered (the work is done) and invoiced through F04."""

    __tablename__ = "service_charge"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("service_case.id"), index=True)
    resolution_id: Mapped[int] = mapped_column(ForeignKey("service_resolution.id"), unique=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("sales_order.id"), unique=True)
    order_line_id: Mapped[int] = mapped_column(ForeignKey("sales_order_line.id"), unique=True)
    qty: Mapped[Decimal] = mapped_column(Money())  # the service line's quantity counted as delivered
    amount: Mapped[Decimal] = mapped_column(Money())
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    source_key: Mapped[str] = mapped_column(String(160), unique=True)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[ServiceCase] = relationship()
    resolution: Mapped[ServiceResolution] = relationship()
