"""Failed sign-ins, kept in the database so every web process sees them."""
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.types import UTCDateTime, utcnow


class LoginFailure(db.Model):
    """One wrong username or password: for whom (as typed) and from where."""

    __tablename__ = "login_failure"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    failed_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow, index=True)
