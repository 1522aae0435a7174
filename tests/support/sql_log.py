"""The SQL a piece of code sends, for tests that count statements."""
from sqlalchemy import event

from app.extensions import db


class SqlLog:
    """Every statement sent (whitespace folded) with its parameters, and
    every commit (as "COMMIT"), in order, while the block runs."""

    def __init__(self):
        self.log, self.params = [], []

    def _statement(self, _conn, _cursor, statement, params, *_args):
        self.log.append(" ".join(statement.split()))
        self.params.append(tuple(params.values()) if isinstance(params, dict) else tuple(params or ()))

    def _commit(self, _conn):
        self.log.append("COMMIT")

    def __enter__(self):
        event.listen(db.engine, "before_cursor_execute", self._statement)
        event.listen(db.engine, "commit", self._commit)
        return self

    def __exit__(self, *_exc):
        event.remove(db.engine, "before_cursor_execute", self._statement)
        event.remove(db.engine, "commit", self._commit)

    def reading(self, table: str) -> list[str]:
        """The SELECTs of whole rows of ``table`` (joins included)."""
        return [s for s in self.log if s.startswith(f"SELECT {table}.id, {table}.instance_id, {table}.task_guid,")]
