"""Posting once: every ledger write is idempotent per source key.

A write is made under a source key — for a flow's step the action's
``ActionCall.idempotency_key`` ("<instance>:<task>:<operation>"), for the
ledger API one of its own — and the records it makes store that key (or a
key derived from it, "<key>#allocations", "<key>#profile"). Asked again
under the same key (a retried step, a repeated request) the write returns
what it made the first time and posts nothing: ``posted_once`` finds the
record, ``posted_rows`` the numbered rows of a write that makes several.
Posted records are never updated, so what is found is what was made."""
from dataclasses import dataclass
from typing import Callable, TypeVar

from sqlalchemy import select

from app.actions import ActionCall
from app.extensions import db
from app.ledger.ownership import OUTSIDE_FLOWS

Record = TypeVar("Record")


@dataclass(frozen=True)
class Source:
    """Under which key a ledger write is made, by whom, and for which request:
    a flow's instance, or ``OUTSIDE_FLOWS`` for the ledger's own doors (the
    API), whose callers are checked by role instead."""

    key: str
    actor_id: int | None
    instance_id: int = OUTSIDE_FLOWS

    @classmethod
    def of(cls, call: ActionCall) -> "Source":
        """The source of a service task's call: its idempotency key, actor and instance."""
        return cls(call.idempotency_key, call.actor_id, call.instance_id)


def posted_once(model: type[Record], key: str, make: Callable[[], Record], *, column=None) -> Record:
    """The ``model`` record made under ``key`` (matched on ``column``, by
    default ``model.source_key``; a sheet's decision on ``decided_key``, a
    note's posting on ``posted_key``), else the one ``make()`` makes now."""
    column = model.source_key if column is None else column
    found = db.session.scalar(select(model).where(column == key))
    return found if found is not None else make()


def posted_rows(model: type[Record], key: str, make: Callable[[], list[Record]]) -> list[Record]:
    """The rows of ``model`` made under ``key``, in their ``seq`` order, else
    the ones ``make()`` makes now. A write that made no row is no record
    either: asked again, it runs again (nothing was posted to repeat)."""
    rows = list(db.session.scalars(select(model).where(model.source_key == key).order_by(model.seq)))
    return rows if rows else make()
