"""The auditors' read model of process instances: one row per instance with
what the find page filters and sorts on (app/services/audit_search.py), in
one table with its own indexes, so a filter over a million instances reads
no instance state, no JSON and no joins. Kept current inside the command
that changes the instance (app/services/instance_summaries.py)."""
from decimal import Decimal

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.audit import AuditEvent
from app.models.types import Money, UTCDateTime


class InstanceSummary(db.Model):
    __tablename__ = "instance_summary"
    # Each filter that a sort can follow gets (filter, sort key): the page's
    # first rows then come from one index range, already in order.
    __table_args__ = (
        Index("ix_instance_summary_started", "started_at", "instance_id"),
        Index("ix_instance_summary_status_started", "status", "started_at"),
        Index("ix_instance_summary_process_started", "process_key", "started_at"),
        Index("ix_instance_summary_starter_started", "started_by_id", "started_at"),
        Index("ix_instance_summary_customer_started", "customer_code", "started_at"),
        Index("ix_instance_summary_amount", "amount", "instance_id"),
        Index("ix_instance_summary_ended", "ended_at", "instance_id"),
        Index("ix_instance_summary_exception_started", "exception", "started_at"),
        Index("ix_instance_summary_admin_action_started", "admin_action", "started_at"),
        Index("ix_instance_summary_error_started", "error", "started_at"),
    )

    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id", ondelete="CASCADE"),
                                             primary_key=True, autoincrement=False)
    definition_id: Mapped[int] = mapped_column(ForeignKey("process_definition.id"), index=True)
    process_key: Mapped[str] = mapped_column(String(128))
    status: Mapped[str] = mapped_column(String(16))
    business_key: Mapped[str | None] = mapped_column(String(128), index=True)
    started_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    started_at: Mapped[object] = mapped_column(UTCDateTime)
    ended_at: Mapped[object | None] = mapped_column(UTCDateTime)
    customer_code: Mapped[str | None] = mapped_column(String(32))
    customer_name: Mapped[str | None] = mapped_column(String(255), index=True)
    amount: Mapped[Decimal | None] = mapped_column(Money())
    # Sticky flags: once set they stay, as the history they summarise does.
    exception: Mapped[bool] = mapped_column(Boolean, default=False)  # a credit-limit override
    admin_action: Mapped[bool] = mapped_column(Boolean, default=False)  # retry, reassign, cancel by another
    error: Mapped[bool] = mapped_column(Boolean, default=False)  # was ever in error
    revision: Mapped[int] = mapped_column(Integer, default=0)  # the instance's audit_seq it was computed at


# The find page's "anyone who acted" reads the instances a person acted in
# (or was acted for) from the audit log: with the instance id in the index
# that is an index-only scan, not a visit to every event row.
Index("ix_audit_event_actor_instance", AuditEvent.actor, AuditEvent.instance_id)
Index("ix_audit_event_on_behalf_of_instance", AuditEvent.on_behalf_of, AuditEvent.instance_id)
