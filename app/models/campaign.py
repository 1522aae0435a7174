"""Marketing campaigns (营销活动, F19): the marketing case (营销案) a campaign
runs under, its target customer group (目标客户群) kept as an insert-only
snapshot, the special list (特殊名单) nobody on it is ever dispatched to,
the campaign's tasks (营销任务) per channel, region and person with what
was dispatched (派单) and what each task reported, and the evaluation.

The campaign itself is a work record that moves through its statuses; the
snapshot, the tasks, the dispatches, the reported results and the
evaluation are posted once and never change."""
from datetime import date
from decimal import Decimal

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.customer import Customer
from app.models.organisation import User
from app.models.posted import Posted
from app.models.types import Money, UTCDateTime, utcnow

THEMES = ("care", "reminder", "retention", "experience", "seminar", "samples")
DISPATCH_CHANNELS = ("email", "sms", "call", "visit")
AUTOMATIC_CHANNELS = ("email", "sms")


class Campaign(db.Model):
    __tablename__ = "campaign"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)  # the campaign code orders carry
    name: Mapped[str] = mapped_column(String(255))
    theme: Mapped[str] = mapped_column(String(16))  # THEMES
    objective: Mapped[str] = mapped_column(Text)
    offer: Mapped[str] = mapped_column(Text)
    eligibility: Mapped[str] = mapped_column(Text, default="")
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    budget_total: Mapped[Decimal] = mapped_column(Money())  # the sum of the budget lines, never typed
    budget_lines: Mapped[list] = mapped_column(JSON, default=list)  # [{"item", "amount"}] as drafted
    price_sheet: Mapped[str | None] = mapped_column(String(32))  # the F16 sheet a price discount needs
    rules: Mapped[dict] = mapped_column(JSON, default=dict)  # classes, regions, channels, recency_days, min_volume
    dispatch_channels: Mapped[list] = mapped_column(JSON, default=list)  # DISPATCH_CHANNELS
    status: Mapped[str] = mapped_column(String(16), default="drafted")  # drafted|approved|split|dispatched|evaluated
    design_brief: Mapped[str | None] = mapped_column(Text)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    instance_id: Mapped[int] = mapped_column(Integer, index=True)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    requested_by: Mapped[User | None] = relationship(foreign_keys=[requested_by_id])


class SpecialListEntry(Posted, db.Model):
    """One listing or unlisting of a customer on the special list (特殊名单:
    do not contact). The newest entry of a customer decides."""

    __tablename__ = "campaign_special_list"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    listed: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str] = mapped_column(String(255))
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    source_key: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    customer: Mapped[Customer] = relationship()


class CampaignTarget(Posted, db.Model):
    """One customer of a target-group snapshot; a new selection is a new
    snapshot (``snapshot_no``), the older ones stay as they were."""

    __tablename__ = "campaign_target"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), index=True)
    snapshot_no: Mapped[int] = mapped_column(Integer)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"))
    region: Mapped[str] = mapped_column(String(64))
    salesperson_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    source_key: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    customer: Mapped[Customer] = relationship()


class CampaignTask(Posted, db.Model):
    """A campaign task (营销任务): one channel, one region, one performer
    (a rep's visits, the service desk's calls) or the outbox (e-mail, SMS)."""

    __tablename__ = "campaign_task"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), index=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    snapshot_no: Mapped[int] = mapped_column(Integer)
    channel: Mapped[str] = mapped_column(String(8))  # DISPATCH_CHANNELS
    region: Mapped[str] = mapped_column(String(64))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)  # None: the outbox sends it
    customer_ids: Mapped[list] = mapped_column(JSON, default=list)
    source_key: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    assignee: Mapped[User | None] = relationship()


class CampaignDispatch(Posted, db.Model):
    """One customer on one task's list, as dispatched: queued for the
    e-mail/SMS sender, or on a call or visit list."""

    __tablename__ = "campaign_dispatch"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("campaign_task.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    channel: Mapped[str] = mapped_column(String(8))
    source_key: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)


class CampaignResult(Posted, db.Model):
    """What one task's performer reported: contacts, responses, leads, the
    orders they name (attributed only when the order is a target's, in the
    campaign's period) and what the task spent."""

    __tablename__ = "campaign_result"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("campaign_task.id"), index=True)
    contacts: Mapped[int] = mapped_column(Integer)
    responses: Mapped[int] = mapped_column(Integer)
    leads: Mapped[int] = mapped_column(Integer)
    order_numbers: Mapped[list] = mapped_column(JSON, default=list)
    spend: Mapped[Decimal] = mapped_column(Money())
    note: Mapped[str] = mapped_column(Text, default="")
    reported_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    source_key: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    task: Mapped[CampaignTask] = relationship()


class CampaignEvaluation(Posted, db.Model):
    """The campaign's effect at its end, as computed and as marketing wrote it up."""

    __tablename__ = "campaign_evaluation"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), index=True)
    orders: Mapped[int] = mapped_column(Integer)
    revenue: Mapped[Decimal] = mapped_column(Money())
    spend: Mapped[Decimal] = mapped_column(Money())
    budget: Mapped[Decimal] = mapped_column(Money())
    contacts: Mapped[int] = mapped_column(Integer)
    responses: Mapped[int] = mapped_column(Integer)
    leads: Mapped[int] = mapped_column(Integer)
    conclusion: Mapped[str] = mapped_column(Text)
    evaluated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    source_key: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
