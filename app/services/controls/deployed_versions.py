"""The deployed versions report: every version of every process, who
deployed it and when, and what changed against the version before it of
the same key (version_diff.py)."""
from sqlalchemy import select
from sqlalchemy.orm import undefer

from app.errors import NotFound
from app.extensions import db
from app.models import ProcessDefinition, User
from app.services.controls import ensure_reviewer
from app.services.permissions import storable_text
from app.workflow.version_diff import VersionDiff, diff_versions

COLUMNS = ["key", "version", "name", "deployed_at", "deployed_by", "content_hash", "added", "removed", "changed",
           "files_changed"]


def deployed_versions(user: User, key: str | None = None) -> list[dict]:
    """Every deployed version (of ``key``, or all), by key then newest
    version first, with how many elements and files changed against the
    previous version. Raises Forbidden for anyone but auditors and process
    administrators."""
    ensure_reviewer(user)
    if key is not None and not storable_text(key):
        return []
    query = select(ProcessDefinition).options(undefer(ProcessDefinition.files)).order_by(
        ProcessDefinition.key, ProcessDefinition.version)
    if key:
        query = query.where(ProcessDefinition.key == key)
    rows, previous = [], {}
    for definition in db.session.scalars(query):
        before = previous.get(definition.key)
        diff = diff_versions(before.files, definition.files) if before is not None else None
        rows.append(_row(definition, diff))
        previous[definition.key] = definition
    rows.sort(key=lambda row: (row["key"], -row["version"]))
    return rows


def _row(definition: ProcessDefinition, diff: VersionDiff | None) -> dict:
    return {"key": definition.key, "version": definition.version, "name": definition.name,
            "deployed_at": definition.deployed_at,
            "deployed_by": definition.deployed_by.username if definition.deployed_by else None,
            "content_hash": definition.content_hash,
            "added": len(diff.added) if diff else None, "removed": len(diff.removed) if diff else None,
            "changed": len(diff.changed) if diff else None, "files_changed": len(diff.files) if diff else None}


def version_diff(user: User, key: str, version: int) -> tuple[ProcessDefinition, ProcessDefinition | None, VersionDiff]:
    """Version ``version`` of ``key``, the version before it (None for the
    first) and what changed between them (all files added for the first).
    Raises Forbidden, NotFound."""
    ensure_reviewer(user)
    if not storable_text(key):
        raise NotFound(f"Process {key!r} has no version {version}.")
    definition = db.session.scalar(select(ProcessDefinition).where(
        ProcessDefinition.key == key, ProcessDefinition.version == version))
    if definition is None:
        raise NotFound(f"Process {key!r} has no version {version}.")
    before = db.session.scalar(select(ProcessDefinition).where(
        ProcessDefinition.key == key, ProcessDefinition.version < version)
        .order_by(ProcessDefinition.version.desc()).limit(1))
    return definition, before, diff_versions(before.files if before else {}, definition.files)
