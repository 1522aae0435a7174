"""The history of who held which role: one row per role granted or revoked,
never updated, so the roles anyone held at any instant can be read back
(the user-access review). ``user_role`` holds only the present."""
import enum

from sqlalchemy import Enum, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.types import UTCDateTime, utcnow


class RoleChange(enum.Enum):
    granted = "granted"
    revoked = "revoked"


class RoleGrant(db.Model):
    __tablename__ = "role_grant"
    __table_args__ = (Index("ix_role_grant_user_at", "user_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    role_code: Mapped[str] = mapped_column(String(64))
    change: Mapped[RoleChange] = mapped_column(Enum(RoleChange, native_enum=False, length=16))
    at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    by: Mapped[str | None] = mapped_column(String(64))  # username of who changed it; None: the system
    reason: Mapped[str | None] = mapped_column(Text)
