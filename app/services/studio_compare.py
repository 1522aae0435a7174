"""Compare two versions of a process in the studio (or the draft against
the version it started from): the elements added, removed, changed (with
each property old → new) or only moved, the forms and decision tables that
differ line by line, and how many running instances wait on each changed
element of a deployed side. Process admins and auditors; nobody else."""
from dataclasses import dataclass

from sqlalchemy import distinct, func, select

from app.errors import NotFound, ValidationFailed
from app.extensions import db
from app.models import HumanTask, InstanceStatus, ProcessDefinition, ProcessInstance, TaskStatus, User
from app.services import deployment
from app.services.studio import ensure_studio_reader, find_draft
from app.workflow.version_diff import VersionDiff, diff_versions

DRAFT = "draft"


@dataclass
class Side:
    """One side of a comparison: a deployed version or the draft."""
    name: str  # "1", "2" … or "draft"
    version: int | None  # the deployed version; for the draft, the one it started from
    files: dict[str, str]
    bpmn_file: str
    definition: ProcessDefinition | None  # None for the draft
    production: bool = False  # the latest deployed version: new requests start on it
    running: int = 0


@dataclass
class Comparison:
    key: str
    a: Side
    b: Side
    diff: VersionDiff
    waiting: dict[str, dict[str, int]]  # side name ("a"/"b") -> element id -> running instances waiting there

    @property
    def xml(self) -> dict[str, str]:
        return {"a": self.a.files.get(self.a.bpmn_file, ""), "b": self.b.files.get(self.b.bpmn_file, "")}


def _side(key: str, name: str, latest: ProcessDefinition, user: User) -> Side:
    if name == DRAFT:
        draft = find_draft(key, user)
        if draft is None:
            raise NotFound(f"There is no draft of {key!r}.")
        base = deployment.find_definition(key, draft.base_version) or latest
        files = dict(base.files)
        files[base.bpmn_file] = draft.xml
        return Side(DRAFT, draft.base_version, files, base.bpmn_file, None)
    definition = deployment.find_definition(key, int(name))
    if definition is None:
        raise NotFound(f"Process {key!r} has no version {name}.")
    running = db.session.scalar(select(func.count()).where(
        ProcessInstance.definition_id == definition.id, ProcessInstance.status == InstanceStatus.running))
    return Side(name, definition.version, definition.files, definition.bpmn_file, definition,
                production=definition.version == latest.version, running=running or 0)


def parse_side(value: str | None, field: str) -> str | None:
    """``value`` as a side name: a version number or ``draft``; None when
    not given. Raises ValidationFailed naming ``field``."""
    if value is None or value == "":
        return None
    value = value.strip()
    if value == DRAFT or (value.isdigit() and 0 < int(value) < 1_000_000):
        return str(int(value)) if value.isdigit() else value
    raise ValidationFailed.for_fields({field: ["A version number or 'draft'."]})


def default_sides(key: str, user: User) -> tuple[str, str]:
    """What to compare when nothing is asked: the draft against its base,
    else the latest version against the one before it. Raises Forbidden,
    NotFound."""
    ensure_studio_reader(user)
    latest = deployment.find_definition(key)
    if latest is None:
        raise NotFound(f"No process {key!r} is deployed.")
    draft = find_draft(key, user)
    if draft is not None:
        return str(draft.base_version or latest.version), DRAFT
    return str(max(latest.version - 1, 1)), str(latest.version)


def waiting_on(definition: ProcessDefinition, element_ids: set[str]) -> dict[str, int]:
    """Element id -> how many running instances of ``definition`` have a
    ready user task there (the task list's rows, by instance index)."""
    if not element_ids:
        return {}
    rows = db.session.execute(
        select(HumanTask.element_id, func.count(distinct(HumanTask.instance_id)))
        .join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id)
        .where(ProcessInstance.definition_id == definition.id, ProcessInstance.status == InstanceStatus.running,
               HumanTask.status == TaskStatus.ready, HumanTask.element_id.in_(sorted(element_ids)))
        .group_by(HumanTask.element_id)).all()
    return {element_id: count for element_id, count in rows}


def compare(key: str, a: str, b: str, user: User) -> Comparison:
    """Compare side ``a`` (old) with side ``b`` (new) of ``key``; a side is a
    version number as text or ``draft``. Raises Forbidden, NotFound (no such
    process, version or draft)."""
    ensure_studio_reader(user)
    latest = deployment.find_definition(key)
    if latest is None:
        raise NotFound(f"No process {key!r} is deployed.")
    old, new = _side(key, a, latest, user), _side(key, b, latest, user)
    diff = diff_versions(old.files, new.files)
    touched = {e.id for e in diff.changed} | {e.id for e in diff.removed} | {e.id for e in diff.added}
    waiting = {label: waiting_on(side.definition, touched) if side.definition is not None else {}
               for label, side in (("a", old), ("b", new))}
    return Comparison(key, old, new, diff, waiting)


def versions_of(key: str, user: User) -> list[int]:
    """The deployed version numbers of ``key``, latest first. Raises Forbidden."""
    ensure_studio_reader(user)
    return list(db.session.scalars(select(ProcessDefinition.version).where(ProcessDefinition.key == key)
                                   .order_by(ProcessDefinition.version.desc())))
