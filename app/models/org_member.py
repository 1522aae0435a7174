"""Who works for which organisation of the group (组织). A person with no
row works for the head company (HQ), where everybody worked before there
were several organisations."""
from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.organisation import User
from app.models.stock_place import OrgUnit
from app.models.types import UTCDateTime, utcnow


class OrgUnitMember(db.Model):
    """``user`` works for ``org_unit`` (one organisation each): finance of
    an organisation confirms that organisation's side of an internal
    settlement, and nobody else's."""

    __tablename__ = "org_unit_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), unique=True)
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), index=True)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()
    org_unit: Mapped[OrgUnit] = relationship()
