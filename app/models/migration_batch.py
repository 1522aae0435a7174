"""Moving running instances from one version of a process to another: a
batch (what to move, the mapping, who planned and who approved it) and one
item per instance with its result, which the progress bar reads."""
from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.organisation import User
from app.models.process import ProcessDefinition
from app.models.types import UTCDateTime, utcnow

# pending: waits for a second process admin; approved: may run; running: the
# worker (or an open page) moves its items one transaction each; finished.
BATCH_STATES = ("pending", "approved", "running", "finished")
# pending: to move; moved; refused: could not move (reasons); failed: an error (error).
ITEM_STATES = ("pending", "moved", "refused", "failed")


class MigrationBatch(db.Model):
    """Instances of ``process_key`` to move from version ``source`` to
    ``target``, chosen by ``selection`` ({"statuses", "elements",
    "started_from", "started_to"} or {"ids"}), with ``mapping`` {old element
    id: new element id}. ``reverse_of_id``: the batch a move back undoes."""

    __tablename__ = "migration_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    process_key: Mapped[str] = mapped_column(String(128), index=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("process_definition.id"))
    target_id: Mapped[int] = mapped_column(ForeignKey("process_definition.id"))
    selection: Mapped[dict] = mapped_column(JSON)
    mapping: Mapped[dict] = mapped_column(JSON)
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    reverse_of_id: Mapped[int | None] = mapped_column(ForeignKey("migration_batch.id", ondelete="SET NULL"))
    planned_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    planned_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    approved_at: Mapped[object | None] = mapped_column(UTCDateTime)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    started_at: Mapped[object | None] = mapped_column(UTCDateTime)
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    finished_at: Mapped[object | None] = mapped_column(UTCDateTime)

    source: Mapped[ProcessDefinition] = relationship(foreign_keys=[source_id])
    target: Mapped[ProcessDefinition] = relationship(foreign_keys=[target_id])
    planned_by: Mapped[User | None] = relationship(foreign_keys=[planned_by_id])
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])
    started_by: Mapped[User | None] = relationship(foreign_keys=[started_by_id])


class MigrationItem(db.Model):
    """One instance of a batch: its result, the reasons it could not move,
    or the error that stopped it; ``millis`` is what its move took (ms)."""

    __tablename__ = "migration_item"
    __table_args__ = (UniqueConstraint("batch_id", "instance_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("migration_batch.id", ondelete="CASCADE"), index=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    active: Mapped[list] = mapped_column(JSON, default=list)  # where its tokens were when planned
    reasons: Mapped[list] = mapped_column(JSON, default=list)  # [Obstacle.as_dict()]
    error: Mapped[str | None] = mapped_column(Text)
    done_at: Mapped[object | None] = mapped_column(UTCDateTime)
    millis: Mapped[int | None] = mapped_column(Integer)
