"""A travel request settled after the trip (出差完成报销): which approved
request an expense claim settles, so a request is claimed once."""
from decimal import Decimal

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.expense import ExpenseClaim
from app.models.posted import Posted
from app.models.types import Money, UTCDateTime, utcnow


class TravelSettlement(Posted, db.Model):
    """The expense claim that settled an approved travel request, with the
    request's estimated cost and the actual cost claimed."""

    __tablename__ = "travel_settlement"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"), unique=True)
    expense_claim_id: Mapped[int] = mapped_column(ForeignKey("expense_claim.id"), unique=True)
    estimated: Mapped[Decimal] = mapped_column(Money())
    actual: Mapped[Decimal] = mapped_column(Money())
    source_key: Mapped[str] = mapped_column(String(160), unique=True)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    expense_claim: Mapped[ExpenseClaim] = relationship()
