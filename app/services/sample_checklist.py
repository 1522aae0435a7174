"""The attribute checklist an auditor works through for each sampled instance.

Some attributes the platform computes from what it stores (the hash chain,
the task rows, the file store) and marks as computed; the others need a
person to look at the documents, and are left for the auditor to tick.
A computed result is True (holds), False (fails) or None (does not apply,
e.g. no approval step reached yet)."""
from dataclasses import dataclass

from sqlalchemy import select

from app.audit.verify import instance_chain, verify_chain
from app.extensions import db
from app.models import Attachment, AuditEvent, HumanTask, InstanceStatus, ProcessInstance, TaskStatus
from app.services.attachments import path_of

COMPUTED = "computed"
MANUAL = "manual"


@dataclass(frozen=True)
class Attribute:
    code: str
    label: str  # an English msgid; the page and the files translate it
    kind: str  # computed | manual
    result: bool | None = None
    note: str = ""


# The attributes a person checks against the documents; the platform cannot.
MANUAL_ATTRIBUTES = (
    ("amount_within_authority", "Each approver's authority covers the amount"),
    ("posted_equals_approved", "Posted amounts equal the approved amounts"),
    ("documents_support_request", "Supporting documents agree with the request"),
)
COMPUTED_LABELS = {
    "chain_intact": "Audit history intact (hash chain verified)",
    "approvals_decided": "Every approval step reached has a recorded decision",
    "approver_not_requester": "No approver is the requester",
    "distinct_approvers": "No one approved two steps of one stage",
    "attachments_present": "Every attached file is in the store with its hash",
    "no_error": "The instance is not in error",
}


def _references(data):
    """Every attachment reference (a dict with sha256 and name) inside ``data``."""
    stack = [data]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            if isinstance(current.get("sha256"), str) and "name" in current:
                yield current
            else:
                stack.extend(current.values())
        elif isinstance(current, list):
            stack.extend(current)


def _chain(instance: ProcessInstance) -> Attribute:
    verdict = verify_chain(instance_chain(instance.id))
    note = "" if verdict.ok else f"#{verdict.first_bad_seq}: {verdict.reason}"
    return Attribute("chain_intact", COMPUTED_LABELS["chain_intact"], COMPUTED, verdict.ok, note)


def _approvals(instance: ProcessInstance) -> list[Attribute]:
    tasks = list(db.session.scalars(select(HumanTask).where(
        HumanTask.instance_id == instance.id, HumanTask.is_approval.is_(True)).order_by(HumanTask.id)))
    done = [task for task in tasks if task.status == TaskStatus.completed]
    pending = [task for task in tasks if task.status == TaskStatus.ready]
    # A step still waiting for its approver is not a failure: not yet decidable.
    decided = None if not tasks or pending else all(task.outcome for task in done)
    requester = instance.started_by_id
    self_approved = [task.name for task in done if requester in (task.completed_by_id, task.on_behalf_of_id)
                     or requester in (task.delegation_chain or [])]
    seen, twice = {}, []
    for task in done:
        key = (task.approval_stage or "", task.on_behalf_of_id or task.completed_by_id)
        if key in seen:
            twice.append(task.name)
        seen[key] = task.name
    return [
        Attribute("approvals_decided", COMPUTED_LABELS["approvals_decided"], COMPUTED, decided,
                  f"{len(done)}/{len(tasks)}" if tasks else ""),
        Attribute("approver_not_requester", COMPUTED_LABELS["approver_not_requester"], COMPUTED,
                  (not self_approved) if done else None, ", ".join(self_approved)),
        Attribute("distinct_approvers", COMPUTED_LABELS["distinct_approvers"], COMPUTED,
                  (not twice) if done else None, ", ".join(twice)),
    ]


def _attachments(instance: ProcessInstance) -> Attribute:
    submitted = db.session.scalars(select(AuditEvent.data).where(
        AuditEvent.chain == instance_chain(instance.id), AuditEvent.kind.in_(("instance_started", "task_completed"))))
    digests = {ref["sha256"] for data in [instance.data or {}, *submitted] for ref in _references(data)}
    if not digests:
        return Attribute("attachments_present", COMPUTED_LABELS["attachments_present"], COMPUTED, None)
    recorded = set(db.session.scalars(select(Attachment.sha256).where(Attachment.sha256.in_(sorted(digests)))))
    missing = sorted(digest for digest in digests if digest not in recorded or path_of(digest) is None)
    return Attribute("attachments_present", COMPUTED_LABELS["attachments_present"], COMPUTED, not missing,
                     ", ".join(digest[:12] for digest in missing))


def checklist(instance: ProcessInstance) -> list[Attribute]:
    """The computed attributes of ``instance``, then the manual ones (no result)."""
    computed = [_chain(instance), *_approvals(instance), _attachments(instance),
                Attribute("no_error", COMPUTED_LABELS["no_error"], COMPUTED, instance.status != InstanceStatus.error,
                          instance.error_message or "")]
    return computed + [Attribute(code, label, MANUAL) for code, label in MANUAL_ATTRIBUTES]
