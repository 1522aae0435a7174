"""Retrying instances in error in bulk: one instance, a selection, or every
instance with the same cause (app/services/incidents.py).

Each instance is retried in its OWN transaction (``instances.retry_instance``
with the bulk retry's id, recorded on its ``retry`` event), so one that
fails again or is busy leaves the others retried. The bulk retry and each
instance's outcome are kept (``incident_retry``) for the page to show
afterwards; the outcome of an instance is written in the same transaction
as its retry, or, when the retry was refused, in one of its own."""
import logging
from collections.abc import Sequence

from sqlalchemy import select

from app import clock
from app.errors import Conflict, Forbidden, LanesError, NotFound, ValidationFailed
from app.extensions import db
from app.models import IncidentRetry, IncidentRetryItem, InstanceStatus, ProcessInstance, User
from app.services import instances
from app.services.commands import command
from app.services.incidents import ensure_may_see_incidents, group_by_key
from app.services.permissions import ensure_may_change, ensure_process_admin
from app.services.unit_of_work import use_case

log = logging.getLogger(__name__)

MAX_SELECTION = 1000


class BadRetryRequest(ValidationFailed):
    """A retry request whose input is not what it takes: 400, naming the field."""

    status = 400
    code = "bad_retry_request"


def _bad(field: str, message: str) -> BadRetryRequest:
    return BadRetryRequest.for_fields({field: [message]}, message=f"{field}: {message}")


def _ids(values) -> list[int]:
    if not isinstance(values, (list, tuple)) or not values:
        raise _bad("instance_ids", "A non-empty list of instance ids.")
    if len(values) > MAX_SELECTION:
        raise _bad("instance_ids", f"At most {MAX_SELECTION} instances at once.")
    ids = []
    for value in values:
        if isinstance(value, bool) or not isinstance(value, (int, str)) or not str(value).strip().isdigit() \
                or not 0 < int(value) <= 2**31 - 1:
            raise _bad("instance_ids", f"{value!r} is not an instance id.")
        if int(value) not in ids:
            ids.append(int(value))
    return ids


def _may_retry(actor: User) -> None:
    ensure_may_change(actor)
    ensure_process_admin(actor, "retry failed instances")


@use_case
def _open(actor: User, scope: str, group_key: str | None, label: str | None) -> int:
    retry = IncidentRetry(scope=scope, group_key=group_key, group_label=label, requested_by_id=actor.id,
                          requested_at=clock.now())
    db.session.add(retry)
    db.session.flush()
    return retry.id


@command
def _retry_one(retry_id: int, instance_id: int, actor: User) -> None:
    """One instance's retry and its outcome, committed together."""
    before = db.session.get(ProcessInstance, instance_id)
    element_id = before.error_element_id if before is not None else None
    instance = instances.retry_instance(instance_id, actor, batch=retry_id)
    if instance.status == InstanceStatus.error:
        outcome, message, element_id = "still_in_error", instance.error_message, instance.error_element_id
    else:
        outcome, message = "recovered", None
    db.session.add(IncidentRetryItem(retry_id=retry_id, instance_id=instance_id, element_id=element_id,
                                     outcome=outcome, message=message, at=clock.now()))


@use_case
def _record(retry_id: int, instance_id: int, outcome: str, message: str) -> None:
    db.session.add(IncidentRetryItem(retry_id=retry_id, instance_id=instance_id, outcome=outcome, message=message,
                                     at=clock.now()))


@use_case
def _close(retry_id: int) -> None:
    db.session.get(IncidentRetry, retry_id).finished_at = clock.now()


def _run(retry_id: int, ids: Sequence[int], actor: User) -> IncidentRetry:
    for instance_id in ids:
        try:
            _retry_one(retry_id, instance_id, actor)
        except Conflict as error:  # not in error any more, or busy with another command
            outcome = "skipped" if error.code == "not_in_error" else "refused"
            _record(retry_id, instance_id, outcome, error.message)
        except (Forbidden, NotFound, LanesError) as error:
            _record(retry_id, instance_id, "refused", error.message)
        except Exception as error:  # a fault outside the engine: kept on the record, the others still run
            log.exception("bulk retry %s: instance %s failed", retry_id, instance_id)
            _record(retry_id, instance_id, "failed", f"{type(error).__name__}: {error}"[:2000])
    _close(retry_id)
    return get_retry(retry_id, actor)


def retry_selection(instance_ids, actor: User) -> IncidentRetry:
    """Retry each of ``instance_ids`` (one id is a selection of one) in its
    own transaction; the kept record with each instance's outcome. Raises
    Forbidden (not a process admin; ``read_only`` for auditors),
    BadRetryRequest (field ``instance_ids``)."""
    _may_retry(actor)
    ids = _ids(instance_ids)
    retry_id = _open(actor, "selection", None, None)
    return _run(retry_id, ids, actor)


def retry_group(key, actor: User) -> IncidentRetry:
    """Retry every instance in error with the cause ``key`` now, each in its
    own transaction; the kept record. Raises Forbidden, BadRetryRequest
    (field ``group``: not a key, or no instance is in error for it)."""
    _may_retry(actor)
    if not isinstance(key, str) or not key.strip() or len(key) > 64:
        raise _bad("group", "The key of a group of incidents (16 hexadecimal characters).")
    group = group_by_key(actor, key.strip())
    if group is None:
        raise _bad("group", f"No instance is in error with the cause {key!r} (fixed already, or no such group).")
    label = f"{group.process_key} v{group.version} · {group.element_id or '-'} · {group.pattern}"
    retry_id = _open(actor, "group", group.key, label)
    return _run(retry_id, [incident.instance_id for incident in group.incidents], actor)


def get_retry(retry_id: int, user: User) -> IncidentRetry:
    """A kept bulk retry with its outcomes. Raises Forbidden, NotFound."""
    ensure_may_see_incidents(user)
    retry = db.session.get(IncidentRetry, retry_id)
    if retry is None:
        raise NotFound(f"Bulk retry {retry_id} does not exist.")
    return retry


def recent_retries(user: User, limit: int = 20) -> list[IncidentRetry]:
    """The latest bulk retries, newest first. Raises Forbidden."""
    ensure_may_see_incidents(user)
    return list(db.session.scalars(select(IncidentRetry).order_by(IncidentRetry.id.desc()).limit(limit)))


def outcome_counts(retry: IncidentRetry) -> dict[str, int]:
    """How many instances came to each outcome."""
    counts: dict[str, int] = {}
    for item in retry.items:
        counts[item.outcome] = counts.get(item.outcome, 0) + 1
    return counts
