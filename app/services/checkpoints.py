"""Signed checkpoints of the audit log (issue 16 part 4): make one (on demand
or when due), list them, export one, check an export against the log, and
find the one that covers an instance.

The private key is a file outside the database: ``AUDIT_SIGNING_KEY_PATH``,
or, when nobody configured one, ``audit_signing_key.pem`` in the instance
folder, generated the first time a checkpoint is signed."""
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select

from app import clock
from app.audit.checkpoint import Finding, compare_with_log, freeze_log, heads_as_of
from app.audit.merkle import leaf_hash, merkle_root
from app.audit.signing import (STATEMENT_FORMAT, KeyProblem, fingerprint, load_private_key, public_pem, sign,
                               signature_valid, write_new_key)
from app.errors import Conflict, Forbidden, LanesError, NotFound
from app.extensions import db
from app.models import AuditCheckpoint, AuditEvent, ProcessInstance, User
from app.services.permissions import ensure_may_change, ensure_process_admin
from app.services.queries import sees_everything
from app.services.unit_of_work import use_case

EXPORT_FORMAT = "lanes-audit-checkpoint-export/1"
DEFAULT_KEY_FILE = "audit_signing_key.pem"


class SigningKeyUnavailable(LanesError):
    status = 503
    code = "signing_key_unavailable"


def signing_key_path() -> Path:
    configured = current_app.config.get("AUDIT_SIGNING_KEY_PATH")
    return Path(configured) if configured else Path(current_app.instance_path) / DEFAULT_KEY_FILE


def _signing_key():
    """The private key; generated into the instance folder only when no path
    is configured. Raises SigningKeyUnavailable."""
    path = signing_key_path()
    if not current_app.config.get("AUDIT_SIGNING_KEY_PATH") and not path.exists():
        write_new_key(path)
    try:
        return load_private_key(path)
    except KeyProblem as exc:
        raise SigningKeyUnavailable(f"{exc}. Write one with `flask audit keygen PATH` and set AUDIT_SIGNING_KEY_PATH.") from exc


def ensure_auditor_view(user: User) -> None:
    """Checkpoints and evidence are for auditors and process admins. Raises Forbidden."""
    if not sees_everything(user):
        raise Forbidden("Only auditors and process administrators may see the audit evidence.")


def signed_fields(checkpoint: AuditCheckpoint) -> dict:
    return {"format": STATEMENT_FORMAT, "at": checkpoint.at.isoformat(), "high_water": checkpoint.high_water,
            "leaf_count": checkpoint.leaf_count, "root": checkpoint.root, "key_fingerprint": checkpoint.key_fingerprint}


@use_case
def make_checkpoint(actor: User | None, made_by: str = "command line") -> AuditCheckpoint:
    """Sign the root over every chain's head now. ``actor`` None is the
    command line or the worker. Raises Forbidden (auditors, anyone but a
    process admin), SigningKeyUnavailable."""
    ensure_may_change(actor)
    ensure_process_admin(actor, "make an audit checkpoint")
    key = _signing_key()
    high_water = freeze_log()
    leaves = heads_as_of(high_water)
    pem = public_pem(key)
    checkpoint = AuditCheckpoint(at=clock.now(), made_by=actor.username if actor else made_by, high_water=high_water,
                                 leaf_count=len(leaves), root=merkle_root([leaf_hash(*leaf) for leaf in leaves]),
                                 public_key=pem, key_fingerprint=fingerprint(pem))
    checkpoint.signature = sign(key, signed_fields(checkpoint))
    db.session.add(checkpoint)
    db.session.flush()
    return checkpoint


def make_due_checkpoint() -> int | None:
    """The worker's job: a checkpoint when the last is older than
    AUDIT_CHECKPOINT_INTERVAL minutes (0: never) and the log has grown since;
    its id, or None when none is due."""
    minutes = current_app.config.get("AUDIT_CHECKPOINT_INTERVAL", 0)
    if not minutes:
        return None
    latest = latest_checkpoint()
    if latest is not None:
        if latest.at > clock.now() - timedelta(minutes=minutes):
            return None
        if db.session.scalar(select(func.max(AuditEvent.id))) == latest.high_water:
            return None
    elif db.session.scalar(select(func.max(AuditEvent.id))) is None:
        return None
    return make_checkpoint(None, made_by="worker").id


def latest_checkpoint() -> AuditCheckpoint | None:
    return db.session.scalar(select(AuditCheckpoint).order_by(AuditCheckpoint.id.desc()).limit(1))


def checkpoints_page(user: User, limit: int = 50) -> list[AuditCheckpoint]:
    """The latest checkpoints, newest first. Raises Forbidden."""
    ensure_auditor_view(user)
    return list(db.session.scalars(select(AuditCheckpoint).order_by(AuditCheckpoint.id.desc()).limit(limit)))


def get_checkpoint(checkpoint_id: int, user: User | None = None) -> AuditCheckpoint:
    """``user`` None is the command line. Raises NotFound, Forbidden."""
    if user is not None:
        ensure_auditor_view(user)
    checkpoint = db.session.get(AuditCheckpoint, checkpoint_id)
    if checkpoint is None:
        raise NotFound(f"No audit checkpoint {checkpoint_id}.")
    return checkpoint


def leaves_of(checkpoint: AuditCheckpoint) -> list[tuple[str, int, str]]:
    """The checkpoint's leaves, recomputed from the log. Raises Conflict when
    they no longer give the signed root: the log under it was changed."""
    leaves = heads_as_of(checkpoint.high_water)
    if len(leaves) != checkpoint.leaf_count or merkle_root([leaf_hash(*leaf) for leaf in leaves]) != checkpoint.root:
        raise Conflict(f"The audit log under checkpoint {checkpoint.id} has changed: its chain heads no longer give the "
                       f"signed root. Run `flask audit verify --checkpoint` on an earlier export to name the chains.",
                       code="log_changed_under_checkpoint")
    return leaves


def export(checkpoint: AuditCheckpoint) -> dict:
    """The self-contained export: the signed statement, the signature, the
    public key and every leaf. Raises Conflict (see leaves_of)."""
    return {"export_format": EXPORT_FORMAT, "id": checkpoint.id, "made_by": checkpoint.made_by,
            **signed_fields(checkpoint), "signature": checkpoint.signature, "public_key": checkpoint.public_key,
            "leaves": [list(leaf) for leaf in leaves_of(checkpoint)]}


@dataclass
class FileVerdict:
    ok: bool = False
    problems: list[str] = field(default_factory=list)  # about the file itself: format, key, signature, root
    findings: list[Finding] = field(default_factory=list)  # chains that differ in the database
    key_fingerprint: str | None = None
    leaves: int = 0


def _check_file(doc: dict, public_key_pem: str | None, verdict: FileVerdict) -> list | None:
    if not isinstance(doc, dict) or doc.get("export_format") != EXPORT_FORMAT:
        verdict.problems.append(f"not a {EXPORT_FORMAT} file")
        return None
    key = public_key_pem or doc.get("public_key") or ""
    try:
        verdict.key_fingerprint = fingerprint(key)
        if verdict.key_fingerprint != doc.get("key_fingerprint"):
            verdict.problems.append("the checkpoint was signed with another key than the one given")
            return None
        if not signature_valid(key, doc, str(doc.get("signature") or "")):
            verdict.problems.append("the signature is not valid: the file was altered or signed by another key")
            return None
    except KeyProblem as exc:
        verdict.problems.append(f"the public key cannot be used: {exc}")
        return None
    leaves = doc.get("leaves")
    try:
        leaves = [(str(chain), int(seq), str(head)) for chain, seq, head in leaves]
    except (TypeError, ValueError):
        verdict.problems.append("the leaves are malformed")
        return None
    hashes = [leaf_hash(*leaf) for leaf in leaves]
    if len(hashes) != doc.get("leaf_count") or merkle_root(hashes) != doc.get("root"):
        verdict.problems.append("the leaves do not give the signed root: the file's leaves were altered")
        return None
    verdict.leaves = len(hashes)
    return leaves


def verify_export(doc: dict, public_key_pem: str | None = None) -> FileVerdict:
    """Check an export's signature (under ``public_key_pem``, else the key it
    carries) and its leaves against its root, then compare every chain with
    the log. Never raises for a bad file: problems and findings say why."""
    verdict = FileVerdict()
    leaves = _check_file(doc, public_key_pem, verdict)
    if leaves is not None:
        verdict.findings = compare_with_log(leaves, int(doc.get("high_water") or 0))
    verdict.ok = not verdict.problems and not verdict.findings
    return verdict


@dataclass(frozen=True)
class Coverage:
    checkpoint: AuditCheckpoint
    covered_seq: int  # events 1..covered_seq of the chain are under the checkpoint


def covering(instance: ProcessInstance) -> Coverage | None:
    """The latest checkpoint that covers the instance's chain (made after its
    first event), or None: not yet covered."""
    chain = f"instance:{instance.id}"
    first = db.session.scalar(select(func.min(AuditEvent.id)).where(AuditEvent.chain == chain))
    if first is None:
        return None
    checkpoint = db.session.scalar(select(AuditCheckpoint).where(AuditCheckpoint.high_water >= first)
                                   .order_by(AuditCheckpoint.id.desc()).limit(1))
    if checkpoint is None:
        return None
    seq = db.session.scalar(select(func.max(AuditEvent.seq)).where(AuditEvent.chain == chain,
                                                                  AuditEvent.id <= checkpoint.high_water))
    return Coverage(checkpoint, seq)


def new_key_file(path: str) -> Path:
    """``flask audit keygen``: a new private key at ``path``. Raises
    SigningKeyUnavailable when the file exists."""
    try:
        return write_new_key(Path(path))
    except KeyProblem as exc:
        raise SigningKeyUnavailable(str(exc)) from exc


def public_key_of_configured() -> str:
    """The public half of the signing key (made if it is the default one). Raises SigningKeyUnavailable."""
    return public_pem(_signing_key())
