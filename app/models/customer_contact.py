"""How to reach a walk-in customer (散客): the phone and address given when
the representative first registered them in a mail order. Written once;
the phone (digits only) is how the same person is recognised next time."""
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.customer import Customer
from app.models.posted import Posted
from app.models.types import UTCDateTime, utcnow


class CustomerContact(Posted, db.Model):
    __tablename__ = "customer_contact"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    phone: Mapped[str] = mapped_column(String(32), index=True)  # digits only
    address: Mapped[str] = mapped_column(String(255))
    registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    source_key: Mapped[str] = mapped_column(String(160), unique=True)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    customer: Mapped[Customer] = relationship()
