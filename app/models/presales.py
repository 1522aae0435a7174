"""Presales proposals (售前方案, F21; seed 浪潮:ERP销售流程图): the
presales project file (项目档案) a rep opens for an opportunity, the
versions of its research plan, research report, proposal and demo as each
was approved (with who approved every step), the presales costs booked to
it and the knowledge-base entries (知识库: industry, software, competitors,
bid rules) a finished project leaves behind.

The project file is a work record that moves through its statuses; its
versions, costs and knowledge entries are posted once and never change."""
from datetime import date
from decimal import Decimal

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.organisation import User
from app.models.posted import Posted
from app.models.types import Money, UTCDateTime, utcnow

VERSION_KINDS = ("research_plan", "research_report", "proposal", "demo")
OUTCOMES = ("won", "lost")
KNOWLEDGE_TOPICS = ("industry", "software", "competitors", "bid_rules")


class PresalesProject(db.Model):
    """The opportunity's project file: opened by the rep, closed with the
    bid's outcome (won: handed over to the contract flow; lost: archived)."""

    __tablename__ = "presales_project"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)  # the opportunity number, the project dimension
    customer: Mapped[str] = mapped_column(String(255))  # a known customer's code, or a prospect's name
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id"))
    project: Mapped[str] = mapped_column(String(255))
    bid_deadline: Mapped[date] = mapped_column(Date)
    scope: Mapped[str] = mapped_column(Text)
    estimated_value: Mapped[Decimal] = mapped_column(Money())
    status: Mapped[str] = mapped_column(String(16), default="in_progress")  # in_progress|won|lost
    outcome_reason: Mapped[str | None] = mapped_column(Text)
    rep_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    region: Mapped[str | None] = mapped_column(String(64))
    instance_id: Mapped[int] = mapped_column(Integer, index=True)
    source_key: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    rep: Mapped[User] = relationship(foreign_keys=[rep_id])


class PresalesVersion(Posted, db.Model):
    """One approved version of the research plan, the research report, the
    proposal or the demo: what was written and who approved each step, as
    the instance's task records tell."""

    __tablename__ = "presales_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("presales_project.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # VERSION_KINDS
    version: Mapped[int] = mapped_column(Integer)  # 1, 2, ... per kind
    content: Mapped[dict] = mapped_column(JSON, default=dict)
    approvals: Mapped[list] = mapped_column(JSON, default=list)  # [{"step", "approver"}] in order
    source_key: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)


class PresalesCost(Posted, db.Model):
    """One presales cost line, booked as a selling expense with the
    project's number as its project dimension."""

    __tablename__ = "presales_cost"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("presales_project.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    item: Mapped[str] = mapped_column(String(255))
    amount: Mapped[Decimal] = mapped_column(Money())
    posting_date: Mapped[date] = mapped_column(Date)
    source_key: Mapped[str] = mapped_column(String(200), index=True)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)


class PresalesKnowledge(Posted, db.Model):
    """One knowledge-base entry (知识库完善) a finished project adds."""

    __tablename__ = "presales_knowledge"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("presales_project.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    topic: Mapped[str] = mapped_column(String(16))  # KNOWLEDGE_TOPICS
    text: Mapped[str] = mapped_column(Text)
    source_key: Mapped[str] = mapped_column(String(200), index=True)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
