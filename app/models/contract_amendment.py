"""Contract versions after the first: amendments and the closing record."""
from datetime import date
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.contract import Contract
from app.models.posted import Posted
from app.models.types import Money, UTCDateTime, utcnow


class ContractAmendment(Posted, db.Model):
    """Version ``seq`` (2, 3, …) of a contract, the registered contract being
    version 1. ``kind`` "amend": new terms valid from ``valid_from`` to
    ``valid_to`` (exclusive; None = open); "close": no orders from
    ``valid_from`` on. Either one ends the previous version at its
    ``valid_from``: the earlier rows are never updated."""

    __tablename__ = "contract_amendment"
    __table_args__ = (UniqueConstraint("contract_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(8))  # amend | close
    amount_cap: Mapped[Decimal] = mapped_column(Money())
    price_terms: Mapped[str | None] = mapped_column(String(255))
    payment_terms: Mapped[str | None] = mapped_column(String(255))
    payment_days: Mapped[int] = mapped_column(Integer)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(String(255))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    source_key: Mapped[str] = mapped_column(String(160), unique=True)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    contract: Mapped[Contract] = relationship()
