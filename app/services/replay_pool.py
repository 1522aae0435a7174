"""Re-executing many instances on several cores: the ids are handed out in
ranges to worker processes, each with its own copy of the app (forked) and
its own database connections; verdicts come back in order."""
import multiprocessing
from collections.abc import Callable

from flask import current_app

from app.extensions import db
from app.services.replay import reexecute_many

# Ids handed to a worker at a time: small enough for a live progress bar,
# large enough that loading a range takes few round trips.
RANGE = 200

_APP = None


def _forked():
    """In each worker: forget the parent's pooled connections (without
    closing them under the parent) so that this process opens its own."""
    with _APP.app_context():
        db.engine.dispose(close=False)


def _verdicts_of(ids: list[int]) -> list[dict]:
    with _APP.app_context():
        try:
            return [verdict.to_json() for verdict in reexecute_many(ids)]
        finally:
            db.session.remove()


def reexecute_all(ids: list[int], jobs: int = 1, progress: Callable[[int], None] | None = None) -> list[dict]:
    """The verdicts (as JSON) of ``ids``, in order, on ``jobs`` processes;
    ``progress(n)`` is told each time n more are done."""
    global _APP
    ranges = [ids[start:start + RANGE] for start in range(0, len(ids), RANGE)]
    out: list[dict] = []
    if jobs <= 1 or len(ranges) <= 1:
        for part in ranges:
            out += [verdict.to_json() for verdict in reexecute_many(part)]
            if progress:
                progress(len(part))
        return out
    _APP = current_app._get_current_object()
    db.session.remove()  # nothing of this process's session is inherited half-open
    context = multiprocessing.get_context("fork")
    with context.Pool(jobs, initializer=_forked) as pool:
        for part in pool.imap(_verdicts_of, ranges):
            out += part
            if progress:
                progress(len(part))
    return out
