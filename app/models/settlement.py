"""The settlement terms an order was approved with."""
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.posted import Posted
from app.models.types import UTCDateTime, utcnow


class OrderSettlement(Posted, db.Model):
    """The settlement terms (结算方式) a delivery note was approved with,
    kept beside its sales order: prepayment (款到发货) ships only once the
    money is in; cash on delivery (货到付款) is due the day the goods are
    delivered; the others follow the customer's payment days."""

    __tablename__ = "order_settlement"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("sales_order.id"), unique=True)
    terms: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
