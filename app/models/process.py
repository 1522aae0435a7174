"""Deployed process versions and their running instances."""
import enum

from sqlalchemy import JSON, Enum, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.organisation import User
from app.models.types import UTCDateTime, utcnow


class DeployedFile(db.Model):
    """Every content of a BPMN, DMN or form file deployed, a row each time a
    name's content changes (a revert to an earlier content included). A
    diagram deployed alone takes its forms and tables from the latest here."""

    __tablename__ = "deployed_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # bpmn | dmn | form
    content_hash: Mapped[str] = mapped_column(String(64))
    content: Mapped[str] = mapped_column(Text)
    deployed_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    deployed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))


class ProcessDefinition(db.Model):
    """One version of a process key: the exact files it was deployed with and
    the engine's serialised spec, stored once and shared by its instances.
    Deploying an earlier version's files again (a revert) makes a new version
    with that content, so a content hash may appear under several versions."""

    __tablename__ = "process_definition"
    __table_args__ = (UniqueConstraint("key", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(128), index=True)
    version: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(255))
    name_en: Mapped[str | None] = mapped_column(String(255))  # the diagram's English name (nameEn), if it gives one
    content_hash: Mapped[str] = mapped_column(String(64))
    bpmn_file: Mapped[str] = mapped_column(String(255))
    # Large and read rarely (the parsed spec and forms are cached by content
    # hash): loaded only when asked for.
    files: Mapped[dict] = mapped_column(JSON, deferred=True)  # file name -> exact text
    spec: Mapped[str] = mapped_column(Text, deferred=True)  # serialised process + subprocess specs
    start_form: Mapped[str | None] = mapped_column(String(255))
    user_tasks: Mapped[list] = mapped_column(JSON)  # [{element_id, name, name_en, lane, form, approval, due}]
    timer_start: Mapped[dict | None] = mapped_column(JSON)
    # The role codes its diagram lets start it by hand (startRoles on the
    # none start event); empty: only its timer starts it.
    start_roles: Mapped[list] = mapped_column(JSON, default=list, server_default="[]")
    engine_version: Mapped[str] = mapped_column(String(32))
    deployed_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    deployed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # Published from the studio: the publisher's change note and the version the draft was based on.
    change_note: Mapped[str | None] = mapped_column(Text)
    published_from_draft: Mapped[int | None] = mapped_column(Integer)

    deployed_by: Mapped[User | None] = relationship()

    @property
    def cache_key(self) -> str:
        """Identifies this version's content (row ids are reused after rollbacks)."""
        return f"{self.key}:{self.content_hash}"

    def form_schema(self, form_name: str | None) -> dict | None:
        """The parsed JSON Schema of one of this version's forms (cached)."""
        if not form_name:
            return None
        return _form_schema(self, form_name)


_FORM_CACHE: dict[tuple[str, str], dict | None] = {}


def _form_schema(definition: "ProcessDefinition", form_name: str) -> dict | None:
    import json

    key = (definition.cache_key, form_name)
    if key not in _FORM_CACHE:
        text = definition.files.get(form_name)
        if len(_FORM_CACHE) > 1024:
            _FORM_CACHE.clear()
        _FORM_CACHE[key] = json.loads(text) if text is not None else None
    return _FORM_CACHE[key]


class InstanceStatus(enum.Enum):
    running = "running"
    completed = "completed"
    cancelled = "cancelled"
    error = "error"
    suspended = "suspended"  # held by a process admin: no task, timer, message or retry moves it


class ProcessInstance(db.Model):
    __tablename__ = "process_instance"
    __table_args__ = (Index("ix_process_instance_status_timer", "status", "next_timer_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    definition_id: Mapped[int] = mapped_column(ForeignKey("process_definition.id"), index=True)
    process_key: Mapped[str] = mapped_column(String(128), index=True)
    business_key: Mapped[str | None] = mapped_column(String(128), index=True)
    status: Mapped[InstanceStatus] = mapped_column(
        Enum(InstanceStatus, native_enum=False, length=16), default=InstanceStatus.running, index=True)
    state: Mapped[str] = mapped_column(Text)  # the engine's serialised workflow, without its spec
    data: Mapped[dict] = mapped_column(JSON, default=dict)  # the instance data after the last command
    engine_version: Mapped[str] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    started_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    # The organisation the instance belongs to: its starter's, fixed at start.
    # Its role tasks go to that organisation's holders unless the diagram
    # names another (``takenByOrg``, role_scope.py).
    org_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id"))
    started_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[object | None] = mapped_column(UTCDateTime)
    next_timer_at: Mapped[object | None] = mapped_column(UTCDateTime)
    error_message: Mapped[str | None] = mapped_column(Text)
    error_task_id: Mapped[str | None] = mapped_column(String(64))
    error_element_id: Mapped[str | None] = mapped_column(String(255))
    audit_seq: Mapped[int] = mapped_column(Integer, default=0)
    audit_head: Mapped[str] = mapped_column(String(64), default="")

    definition: Mapped[ProcessDefinition] = relationship(lazy="joined")
    started_by: Mapped[User] = relationship()

    __mapper_args__ = {"version_id_col": version}
