"""Posted rows never change (LEDGER.md "Principles").

A model that mixes in ``Posted`` may be inserted; once posted, an ORM update
of any column outside ``__mutable_columns__`` and any delete raise
``PostedRecordImmutable`` at flush, and ORM-level bulk UPDATE/DELETE
statements against its table are refused before they reach the database.
The fully immutable tables also carry database triggers (the ledger
migration), so raw SQL is refused too.

Corrections are new rows: a red document or a reversing entry.
"""
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session


class PostedRecordImmutable(Exception):
    """Someone tried to change or delete a posted ledger row."""


class Posted:
    """Mixin for ledger tables. ``__mutable_columns__``: the running totals
    and workflow status a posted row may still change (documented per model).
    ``is_posted``: whether the row, as last loaded, is posted; documents that
    start as drafts override it."""

    __mutable_columns__: frozenset[str] = frozenset()

    def _was_posted(self) -> bool:
        return True


def _changed_columns(obj) -> set[str]:
    state = inspect(obj)
    changed = set()
    for attr in state.mapper.column_attrs:
        history = state.attrs[attr.key].history
        if history.has_changes():
            changed.add(attr.key)
    return changed


@event.listens_for(Session, "before_flush")
def _refuse_changes_to_posted_rows(session, _flush_context, _instances):
    for obj in session.deleted:
        if isinstance(obj, Posted) and obj._was_posted():
            raise PostedRecordImmutable(f"{type(obj).__name__} {obj.id} is posted and may not be deleted; post a reversal.")
    for obj in session.dirty:
        if not isinstance(obj, Posted) or not obj._was_posted():
            continue
        forbidden = _changed_columns(obj) - obj.__mutable_columns__
        if forbidden:
            raise PostedRecordImmutable(
                f"{type(obj).__name__} {obj.id} is posted; {', '.join(sorted(forbidden))} may not change.")


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_changes(orm_execute_state):
    if not (orm_execute_state.is_update or orm_execute_state.is_delete):
        return
    mapper = orm_execute_state.bind_mapper
    if mapper is not None and issubclass(mapper.class_, Posted):
        raise PostedRecordImmutable(f"Bulk UPDATE/DELETE of {mapper.class_.__name__} is refused: posted rows never change.")
