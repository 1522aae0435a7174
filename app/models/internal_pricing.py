"""Internal trade between the group's organisations (NC 内部交易, seed
L116–118): the customer that stands for an organisation when another one
sells to it, and the internal transaction price rules (内部交易价格规则)
that say which internal price list prices goods one organisation supplies
to another. NC note 5: only a sales organisation can take a price from a
price list, so only a sales organisation supplies at internal prices."""
from datetime import date

from sqlalchemy import Boolean, Date, ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.customer import Customer
from app.models.pricing import PriceList
from app.models.stock_place import OrgUnit
from app.models.types import UTCDateTime, utcnow


class InternalCustomer(db.Model):
    """The customer record (内部客户) an organisation of the group is known
    by when another organisation sells to it: one each way."""

    __tablename__ = "internal_customer"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), unique=True)
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), unique=True)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    customer: Mapped[Customer] = relationship()
    org_unit: Mapped[OrgUnit] = relationship()


class InternalPriceRule(db.Model):
    """Goods ``supplier`` transfers to ``buyer`` are settled at the items of
    the internal ``price_list`` (the supplier's), valid from/to (to
    exclusive; None = open). Lower ``priority`` wins; two equally ranked
    valid rules for one pair are refused when configured."""

    __tablename__ = "internal_price_rule"

    id: Mapped[int] = mapped_column(primary_key=True)
    supplier_org_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), index=True)
    buyer_org_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), index=True)
    price_list_id: Mapped[int] = mapped_column(ForeignKey("price_list.id"), index=True)
    priority: Mapped[int] = mapped_column(Integer, default=100)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    supplier_org: Mapped[OrgUnit] = relationship(foreign_keys=[supplier_org_id])
    buyer_org: Mapped[OrgUnit] = relationship(foreign_keys=[buyer_org_id])
    price_list: Mapped[PriceList] = relationship()
