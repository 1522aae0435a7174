"""Users, roles and delegations: who works in Lanes and who may act for
whom; and the sales regions the organisation is divided into."""
import enum

from flask_login import UserMixin
from sqlalchemy import JSON, Boolean, Column, Enum, ForeignKey, Integer, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.types import UTCDateTime, utcnow


class Level(enum.Enum):
    """Seniority; approval rules (travel, expenses) route on it."""

    staff = "staff"
    manager = "manager"
    department_head = "department_head"
    director = "director"
    general_manager = "general_manager"


user_role = Table(
    "user_role",
    db.metadata,
    Column("user_id", Integer, ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
    Column("role_id", Integer, ForeignKey("role.id", ondelete="CASCADE"), primary_key=True),
)


class Staffing(enum.Enum):
    """The staffing plan's split of marketing work (营销编制: 按照其工作性质内容分类):
    office staff (内勤) serve before and after the sale and support it; field
    staff (外勤) are judged on their sales targets."""

    office = "office"
    field = "field"


class Role(db.Model):
    __tablename__ = "role"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name_zh: Mapped[str] = mapped_column(String(128))
    name_en: Mapped[str] = mapped_column(String(128))
    # 内勤 or 外勤; None for roles outside the marketing staffing plan
    # (finance, warehouse, quality, audit, administration).
    staffing: Mapped[Staffing | None] = mapped_column(Enum(Staffing, native_enum=False, length=16))

    def __repr__(self) -> str:
        return f"<Role {self.code}>"


class Region(db.Model):
    """A sales region (大区). People and customer files name their region by
    ``name``; ``position`` is the order in which forms offer the regions."""

    __tablename__ = "region"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    def __repr__(self) -> str:
        return f"<Region {self.code}>"


class User(UserMixin, db.Model):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(128))
    email: Mapped[str | None] = mapped_column(String(255))
    password_hash: Mapped[str] = mapped_column(String(256))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    department: Mapped[str | None] = mapped_column(String(128))
    region: Mapped[str | None] = mapped_column(String(64))
    level: Mapped[Level] = mapped_column(Enum(Level, native_enum=False, length=32), default=Level.staff)
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # The field office (驻外机构, e.g. 沈阳办事处) a person is stationed at;
    # None: head office. Head-office processes such as travel requests do not
    # apply to field-office staff.
    field_office: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    # Part of every signed-in session's id: signing out or changing the
    # password raises it, and every session cookie issued before stops working.
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    manager: Mapped["User | None"] = relationship(remote_side=[id])
    roles: Mapped[list[Role]] = relationship(secondary=user_role, lazy="selectin", order_by=Role.code)

    def get_id(self) -> str:
        """What Flask-Login keeps in the session cookie: the id and the
        session version, so a cookie outlives neither a sign-out nor a new password."""
        return f"{self.id}:{self.session_version}"

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    @property
    def role_codes(self) -> list[str]:
        return [role.code for role in self.roles]

    def has_role(self, code: str) -> bool:
        return code in self.role_codes

    @property
    def staffing(self) -> Staffing | None:
        """内勤 or 外勤 from the roles held: office when any role is an office
        one (the director's assistant also runs a region and counts as office
        staff in the plan), else field when any is, else None."""
        held = {role.staffing for role in self.roles}
        return Staffing.office if Staffing.office in held else Staffing.field if Staffing.field in held else None

    def __repr__(self) -> str:
        return f"<User {self.username}>"


class Delegation(db.Model):
    """The seed's 授权人: ``to_user`` acts for ``from_user`` between two dates,
    for every process or only for ``process_keys``."""

    __tablename__ = "delegation"

    id: Mapped[int] = mapped_column(primary_key=True)
    from_user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    to_user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    valid_from: Mapped[object] = mapped_column(UTCDateTime)
    valid_to: Mapped[object] = mapped_column(UTCDateTime)
    process_keys: Mapped[list | None] = mapped_column(JSON)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    from_user: Mapped[User] = relationship(foreign_keys=[from_user_id])
    to_user: Mapped[User] = relationship(foreign_keys=[to_user_id])

    def covers(self, process_key: str | None, at) -> bool:
        """True when this delegation is in force at ``at`` for ``process_key``."""
        if not (self.valid_from <= at < self.valid_to):
            return False
        return not self.process_keys or process_key in self.process_keys
