"""One commit per use case.

``@use_case`` commits when the outermost use case returns and rolls back when
it raises; a use case called from another joins the caller's unit of work.
Work registered with ``after_commit`` (mail, webhooks) runs only once the
commit has succeeded.
"""
import functools
from contextvars import ContextVar

from app.extensions import db

_depth: ContextVar[int] = ContextVar("lanes_uow_depth", default=0)
_after_commit: ContextVar[list | None] = ContextVar("lanes_uow_after_commit", default=None)


def use_case(func):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        depth = _depth.get()
        token = _depth.set(depth + 1)
        callbacks_token = _after_commit.set([]) if depth == 0 else None
        try:
            result = func(*args, **kwargs)
            if depth == 0:
                db.session.commit()
                for callback in _after_commit.get():
                    callback()
            return result
        except BaseException:
            if depth == 0:
                db.session.rollback()
            raise
        finally:
            _depth.reset(token)
            if callbacks_token is not None:
                _after_commit.reset(callbacks_token)

    return wrapper


def after_commit(callback) -> None:
    """Run ``callback()`` after the current use case commits (never if it fails)."""
    pending = _after_commit.get()
    if pending is None:
        raise RuntimeError("after_commit outside a use case")
    pending.append(callback)


def inside_use_case() -> bool:
    """True while a use case is running (a new one would join it)."""
    return _depth.get() > 0
