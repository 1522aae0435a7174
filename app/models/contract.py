"""Sales contracts (销售合同) as master data, with their attachments."""
from datetime import date
from decimal import Decimal

from sqlalchemy import BigInteger, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.customer import Customer
from app.models.types import Money, UTCDateTime, utcnow


class Contract(db.Model):
    """A customer's contract: amount cap, price and payment terms, validity
    (to exclusive; None = open). Orders that name it must fall inside both."""

    __tablename__ = "contract"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(64), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    amount_cap: Mapped[Decimal] = mapped_column(Money())
    price_terms: Mapped[str | None] = mapped_column(String(255))
    payment_terms: Mapped[str | None] = mapped_column(String(255))
    payment_days: Mapped[int] = mapped_column(Integer, default=30)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    source_key: Mapped[str] = mapped_column(String(160), unique=True)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    customer: Mapped[Customer] = relationship()
    attachments: Mapped[list["ContractAttachment"]] = relationship(back_populates="contract", order_by="ContractAttachment.id")


class ContractAttachment(db.Model):
    """A reference to a stored file (the scanned contract): the file itself
    lives in the document store; the ledger keeps what identifies it."""

    __tablename__ = "contract_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(128))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))

    contract: Mapped[Contract] = relationship(back_populates="attachments")
