"""What a migration would move: the checked plan (process, source and
target versions, which instances, the mapping) and the dry run per
instance. Nothing here writes."""
from dataclasses import dataclass
from datetime import date, datetime, time, timezone

from sqlalchemy import select

from app.errors import ValidationFailed
from app.extensions import db
from app.models import HumanTask, InstanceStatus, ProcessDefinition, ProcessInstance, TaskStatus
from app.services.commands import open_run
from app.services.permissions import storable_text
from app.workflow.element_names import element_names
from app.workflow.migration import MappingRefused, MoveCheck, element_ids, move_run

MAX_REASON_CHARS = 2000
MAX_IDS = 5000
MAX_MAPPING = 200


@dataclass(frozen=True)
class Plan:
    """A checked plan: the two versions, the selection as given (cleaned),
    the mapping {old element id: new element id} and why."""

    source: ProcessDefinition
    target: ProcessDefinition
    selection: dict
    mapping: dict
    reason: str


@dataclass(frozen=True)
class DryRunRow:
    instance_id: int
    business_key: str | None
    started_at: datetime
    check: MoveCheck

    def as_dict(self) -> dict:
        return {"instance_id": self.instance_id, "business_key": self.business_key,
                "started_at": self.started_at.isoformat() if self.started_at else None,
                "movable": self.check.movable, "active": list(self.check.active),
                "reasons": [obstacle.as_dict() for obstacle in self.check.obstacles]}


def _version(key: str, value, field: str) -> ProcessDefinition:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**31:
        raise ValidationFailed.for_fields({field: ["A version number (a positive whole number)."]})
    definition = db.session.scalar(select(ProcessDefinition).where(ProcessDefinition.key == key,
                                                                   ProcessDefinition.version == value))
    if definition is None:
        raise ValidationFailed.for_fields({field: [f"{key} has no version {value}."]})
    return definition


def _day(value, field: str) -> str | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(value).isoformat() if isinstance(value, str) else _bad(field)
    except ValueError:
        return _bad(field)


def _bad(field: str):
    raise ValidationFailed.for_fields({field: ["A date as YYYY-MM-DD."]})


def _selection(raw) -> dict:
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ValidationFailed.for_fields({"selection": ["An object: ids, or elements / started_from / started_to."]})
    unknown = set(raw) - {"ids", "elements", "started_from", "started_to"}
    if unknown:
        raise ValidationFailed.for_fields({f"selection.{sorted(unknown)[0]}": ["Not a filter this knows."]})
    out = {}
    ids = raw.get("ids")
    if ids not in (None, []):
        if not isinstance(ids, list) or len(ids) > MAX_IDS or not all(
                isinstance(i, int) and not isinstance(i, bool) and 0 < i < 2**31 for i in ids):
            raise ValidationFailed.for_fields({"selection.ids": [f"A list of up to {MAX_IDS} instance ids."]})
        out["ids"] = sorted(set(ids))
    elements = raw.get("elements")
    if elements not in (None, []):
        if not isinstance(elements, list) or not all(isinstance(e, str) and storable_text(e) and 0 < len(e) <= 255
                                                     for e in elements):
            raise ValidationFailed.for_fields({"selection.elements": ["A list of element ids."]})
        out["elements"] = sorted(set(elements))
    for field in ("started_from", "started_to"):
        day = _day(raw.get(field), f"selection.{field}")
        if day:
            out[field] = day
    return out


def _clean_reason(reason) -> str:
    text = reason.strip() if isinstance(reason, str) else ""
    if not text or not storable_text(text):
        raise ValidationFailed.for_fields({"reason": ["Say why these instances move: a reason is required."]})
    if len(text) > MAX_REASON_CHARS:
        raise ValidationFailed.for_fields({"reason": [f"At most {MAX_REASON_CHARS} characters."]})
    return text


def _mapping(raw, source: ProcessDefinition, target: ProcessDefinition) -> dict:
    if raw in (None, ""):
        return {}
    if not isinstance(raw, dict) or len(raw) > MAX_MAPPING:
        raise ValidationFailed.for_fields({"mapping": ["An object {old element id: new element id}."]})
    old_ids = element_ids(source.cache_key, lambda: source.spec)
    new_ids = element_ids(target.cache_key, lambda: target.spec)
    out = {}
    for old, new in raw.items():
        if new in (None, ""):
            continue  # an unused row of the page's mapping table
        if not isinstance(new, str) or not storable_text(old) or not storable_text(new):
            raise ValidationFailed.for_fields({f"mapping.{old}": ["An element id of the target version."]})
        if old not in old_ids:
            raise ValidationFailed.for_fields({f"mapping.{old}": [f"v{source.version} has no element {old!r}."]})
        if new not in new_ids:
            raise ValidationFailed.for_fields({f"mapping.{old}": [f"v{target.version} has no element {new!r}."]})
        out[old] = new
    return out


def check_plan(process_key, source_version, target_version, selection=None, mapping=None,
               reason="-") -> Plan:
    """The plan, checked. Raises ValidationFailed naming the field
    (process_key, source_version, target_version, selection.<filter>,
    mapping.<element>, reason)."""
    if not isinstance(process_key, str) or not storable_text(process_key) or not process_key:
        raise ValidationFailed.for_fields({"process_key": ["The key of a deployed process."]})
    if db.session.scalar(select(ProcessDefinition.id).where(ProcessDefinition.key == process_key).limit(1)) is None:
        raise ValidationFailed.for_fields({"process_key": [f"No process {process_key!r} is deployed."]})
    source = _version(process_key, source_version, "source_version")
    target = _version(process_key, target_version, "target_version")
    if source.id == target.id:
        raise ValidationFailed.for_fields({"target_version": ["Pick a version other than the source."]})
    return Plan(source, target, _selection(selection), _mapping(mapping, source, target), _clean_reason(reason))


def selected_ids(plan: Plan) -> list[int]:
    """Ids of the running instances on the source version the selection
    picks (instances in error, ended or suspended are not moved)."""
    query = select(ProcessInstance.id).where(ProcessInstance.definition_id == plan.source.id,
                                             ProcessInstance.status == InstanceStatus.running)
    selection = plan.selection
    if "ids" in selection:
        query = query.where(ProcessInstance.id.in_(selection["ids"]))
    if "elements" in selection:
        query = query.where(ProcessInstance.id.in_(select(HumanTask.instance_id).where(
            HumanTask.status == TaskStatus.ready, HumanTask.element_id.in_(selection["elements"]))))
    if "started_from" in selection:
        start = datetime.combine(date.fromisoformat(selection["started_from"]), time.min, tzinfo=timezone.utc)
        query = query.where(ProcessInstance.started_at >= start)
    if "started_to" in selection:
        end = datetime.combine(date.fromisoformat(selection["started_to"]), time.max, tzinfo=timezone.utc)
        query = query.where(ProcessInstance.started_at <= end)
    return list(db.session.scalars(query.order_by(ProcessInstance.id).limit(MAX_IDS)))


def check_instance(instance: ProcessInstance, plan_target: ProcessDefinition, mapping: dict):
    """(the run, moved in memory when it can move, and the check) of one
    instance. Raises ValidationFailed (``mapping.<element>``) for a mapping
    the target refuses."""
    run = open_run(instance, None)
    try:
        check = move_run(run, plan_target.cache_key, lambda: plan_target.spec, mapping, forms=plan_target.files)
    except MappingRefused as refused:
        raise ValidationFailed.for_fields({f"mapping.{refused.element_id}": [str(refused)]}) from refused
    return run, check


def dry_run(plan: Plan) -> list[DryRunRow]:
    """Per selected instance: could it move now, and if not, why. Moves
    nothing (each trial move is made on a workflow loaded for it and
    thrown away)."""
    rows = []
    for instance_id in selected_ids(plan):
        instance = db.session.get(ProcessInstance, instance_id)
        _, check = check_instance(instance, plan.target, plan.mapping)
        rows.append(DryRunRow(instance.id, instance.business_key, instance.started_at, check))
    return rows


def process_versions() -> dict[str, list[tuple[int, str]]]:
    """{process key: [(version, name)]} of the processes with more than one
    version deployed: those a migration can be planned for."""
    out: dict[str, list[tuple[int, str]]] = {}
    for key, version, name in db.session.execute(select(ProcessDefinition.key, ProcessDefinition.version,
                                                        ProcessDefinition.name)
                                                 .order_by(ProcessDefinition.key, ProcessDefinition.version)):
        out.setdefault(key, []).append((version, name))
    return {key: versions for key, versions in out.items() if len(versions) > 1}


def mapping_rows(plan: Plan) -> list[dict]:
    """What a mapping may be given for: each element of the source the
    target lacks (by id), with its name, the target's elements it may be
    mapped to (those the source lacks first) and the one chosen."""
    def named(definition):
        bpmn = definition.files.get(definition.bpmn_file) or ""
        return element_names(bpmn, definition.bpmn_file or "diagram.bpmn") if bpmn else {}

    old_ids = element_ids(plan.source.cache_key, lambda: plan.source.spec)
    new_ids = element_ids(plan.target.cache_key, lambda: plan.target.spec)
    old_names, new_names = named(plan.source), named(plan.target)
    choices = [(i, new_names.get(i) or i) for i in sorted(new_ids - old_ids)] + \
              [(i, new_names.get(i) or i) for i in sorted(new_ids & old_ids)]
    return [{"element_id": i, "name": old_names.get(i) or i, "choices": choices, "chosen": plan.mapping.get(i)}
            for i in sorted(old_ids - new_ids)]
