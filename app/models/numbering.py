"""Document number counters: one row per series (prefix) and month."""
from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class DocumentCounter(db.Model):
    """The last number handed out in a series (``SO`` + ``2026-11``, or a
    customer-code prefix with period ``""``). Bumped by an atomic upsert in
    the writer's transaction, so the row stays locked until it commits: a
    concurrent writer waits and then takes the next number (never the same
    one), and a rolled-back transaction gives its number back (no gaps)."""

    __tablename__ = "document_counter"

    series: Mapped[str] = mapped_column(String(16), primary_key=True)
    period: Mapped[str] = mapped_column(String(7), primary_key=True, default="")
    last_value: Mapped[int] = mapped_column(Integer, default=0)
