"""The sales assessment scheme (销售考核方案, seed §八.1): the versioned rules
the collection assessment charges by. A version is never changed; a new one
is a new row with a later ``valid_from``."""
from datetime import date
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.organisation import User
from app.models.posted import Posted
from app.models.pricing import PriceList
from app.models.types import ScaledDecimal, UTCDateTime, utcnow


class AssessmentScheme(Posted, db.Model):
    """One approved version of a scheme: the base price list the sales prices
    are compared with and the percentage of the after-tax price difference
    charged to the salesperson, in force for months ending on or after
    ``valid_from`` until a later version starts."""

    __tablename__ = "assessment_scheme"
    __table_args__ = (UniqueConstraint("code", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), index=True)
    version: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(128))
    valid_from: Mapped[date] = mapped_column(Date, index=True)
    base_price_list_id: Mapped[int] = mapped_column(ForeignKey("price_list.id"))
    charge_pct: Mapped[Decimal] = mapped_column(ScaledDecimal(2))  # 100.00 = the whole difference
    approved_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    approved_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    base_price_list: Mapped[PriceList] = relationship()
    approved_by: Mapped[User] = relationship()

    @property
    def label(self) -> str:
        """"KH/v2": the code and version shown on tasks and charges."""
        return f"{self.code}/v{self.version}"
