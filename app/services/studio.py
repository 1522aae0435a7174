"""The analysts' studio: the process list, the choices its properties panel
offers, shared drafts of a diagram with revision checks, and the deploy lint
run on a draft. Process admins edit; auditors read; nobody else sees it."""
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from app import clock
from app.actions import action_parameters, registered_actions
from app.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.extensions import db
from app.models import InstanceStatus, ProcessDefinition, ProcessInstance, StudioDraft, StudioDraftHistory, User
from app.services import deployment
from app.services.performers import LANE_NAMES, RESOLVERS
from app.services.permissions import ensure_process_admin, storable_text
from app.services.queries import sees_everything
from app.services.role_catalogue import ROLES
from app.services.unit_of_work import use_case
from app.workflow.bundle import compile_bundle, kind_of
from app.workflow.problems import Problem
from app.workflow.studio_reading import approval_stages

MAX_DRAFT_CHARS = 2 * 1024 * 1024
STUDIO_ROLES = ("process_admin", "auditor")


def ensure_studio_reader(user: User) -> None:
    """Process admins and auditors may look at the studio. Raises Forbidden."""
    if not sees_everything(user):
        raise Forbidden("Only a process administrator or an auditor may open the studio.")


@dataclass(frozen=True)
class VersionRow:
    version: int
    name: str
    deployed_at: object
    deployed_by: str | None
    running: int
    change_note: str | None = None


@dataclass(frozen=True)
class ProcessRow:
    key: str
    name: str
    versions: list[VersionRow]  # latest first
    draft: StudioDraft | None


def process_list(user: User) -> list[ProcessRow]:
    """Every deployed key with its versions (latest first), who deployed each
    and when, and how many instances run on each. Raises Forbidden."""
    ensure_studio_reader(user)
    running = dict(db.session.execute(
        select(ProcessInstance.definition_id, func.count()).where(ProcessInstance.status == InstanceStatus.running)
        .group_by(ProcessInstance.definition_id)).all())
    drafts = {d.process_key: d for d in db.session.scalars(select(StudioDraft))}
    rows: dict[str, list[ProcessDefinition]] = {}
    for definition in deployment.latest_definitions(all_versions=True):
        rows.setdefault(definition.key, []).append(definition)
    result = []
    for key, definitions in sorted(rows.items()):
        versions = [VersionRow(d.version, d.name, d.deployed_at, d.deployed_by.username if d.deployed_by else None,
                               running.get(d.id, 0), d.change_note) for d in reversed(definitions)]
        result.append(ProcessRow(key, versions[0].name, versions, drafts.get(key)))
    return result


def latest_definition(key: str, user: User) -> ProcessDefinition:
    """The latest deployed version of ``key``. Raises Forbidden, NotFound."""
    ensure_studio_reader(user)
    definition = deployment.find_definition(key)
    if definition is None:
        raise NotFound(f"No process {key!r} is deployed.")
    return definition


def _imported_or_latest(key: str, user: User) -> ProcessDefinition | None:
    """The latest deployed version of ``key``, or None for the draft of a
    model imported from another engine and not deployed yet
    (app/services/camunda_import.py). Raises Forbidden, NotFound."""
    draft = _draft(key)
    if draft is not None and draft.base_version is None and deployment.find_definition(key) is None:
        ensure_studio_reader(user)
        return None
    return latest_definition(key, user)


def choices(user: User, locale: str = "zh") -> dict:
    """What the properties panel offers: lane performers (role codes and
    resolvers, with names), form files, service operations with their
    parameters, approval stages in use and role codes that may start a
    process. Raises Forbidden."""
    ensure_studio_reader(user)
    roles = {code: (zh if locale.startswith("zh") else en) for code, zh, en, _ in ROLES}
    lanes = [{"value": code, "label": roles.get(code, code), "kind": "role"}
             for code in sorted(LANE_NAMES - set(RESOLVERS))]
    lanes += [{"value": code, "label": code, "kind": "resolver"} for code in sorted(RESOLVERS)]
    stored = deployment.stored_files(("bpmn", "dmn", "form"))
    forms = sorted(name for name in stored if kind_of(name) == "form")
    stages = approval_stages(text for name, text in stored.items() if kind_of(name) == "bpmn")
    starters = [lane for lane in lanes if lane["kind"] == "role" and lane["value"] not in ("auditor",)]
    return {"lanes": lanes, "forms": forms, "operations": action_parameters(),
            "approval_stages": sorted(stages), "start_roles": starters}


def _draft(key: str) -> StudioDraft | None:
    if not storable_text(key):
        return None
    return db.session.scalar(select(StudioDraft).where(StudioDraft.process_key == key))


def find_draft(key: str, user: User) -> StudioDraft | None:
    """The draft of ``key``, if any. Raises Forbidden."""
    ensure_studio_reader(user)
    return _draft(key)


def get_draft(key: str, user: User) -> StudioDraft:
    """The draft of ``key``. Raises Forbidden, NotFound."""
    draft = find_draft(key, user)
    if draft is None:
        raise NotFound(f"There is no draft of {key!r}.")
    return draft


@use_case
def save_draft(key: str, xml: str, revision: int, user: User) -> StudioDraft:
    """Store ``xml`` as the draft of ``key``. ``revision`` is the draft
    revision the editor started from (0: no draft yet); a save from a stale
    revision is refused naming who saved in between, never merged or
    overwritten. Raises Forbidden, NotFound (no such process), Conflict,
    ValidationFailed (XML too long)."""
    ensure_process_admin(user, "edit diagrams in the studio")
    definition = _imported_or_latest(key, user)
    if len(xml) > MAX_DRAFT_CHARS:
        raise ValidationFailed.for_fields({"xml": [f"At most {MAX_DRAFT_CHARS} characters."]})
    draft = _draft(key)
    current = draft.revision if draft else 0
    if revision != current:
        who = draft.updated_by.username if draft and draft.updated_by else None
        raise Conflict(f"{who or 'Someone'} saved this draft in between (revision {current}); reload it first."
                       if draft else "The draft was discarded in between; reload the diagram first.",
                       code="stale_draft",
                       details={"revision": current, "updated_by": who,
                                "updated_at": draft.updated_at.isoformat() if draft else None})
    if draft is None:
        draft = StudioDraft(process_key=key, base_version=definition.version)
        db.session.add(draft)
    draft.xml = xml
    draft.updated_at = clock.now()
    draft.updated_by_id = user.id
    try:
        db.session.flush()  # the revision counts up here, only from the one read
    except (IntegrityError, StaleDataError) as exc:
        raise Conflict("Someone saved this draft at the same moment; reload it first.", code="stale_draft",
                       details={"revision": None, "updated_by": None, "updated_at": None}) from exc
    return draft


@use_case
def discard_draft(key: str, user: User) -> None:
    """Discard the draft of ``key``, keeping a copy that can be restored
    (studio_restore.py). Raises Forbidden, NotFound."""
    ensure_process_admin(user, "discard studio drafts")
    draft = get_draft(key, user)
    db.session.add(StudioDraftHistory(process_key=draft.process_key, base_version=draft.base_version, xml=draft.xml,
                                      revision=draft.revision, updated_at=draft.updated_at,
                                      updated_by_id=draft.updated_by_id, discarded_at=clock.now(),
                                      discarded_by_id=user.id))
    db.session.delete(draft)


def check_draft(key: str, user: User) -> list[dict]:
    """The problems the deploy lint finds in the draft of ``key``, checked
    exactly as ``processes deploy`` would check it with the deployed forms
    and tables: each with its file, line, element id and message. Raises
    Forbidden, NotFound."""
    draft = get_draft(key, user)
    definition = _imported_or_latest(key, user)
    bpmn_file = definition.bpmn_file if definition else f"{key}.bpmn"
    uploaded = {bpmn_file: draft.xml.encode("utf-8")}
    uploaded.update({kept.name: kept.content.encode("utf-8") for kept in draft.files})  # an import's forms and tables
    compiled, problems = compile_bundle(uploaded, deployment.stored_files(), lane_names=set(LANE_NAMES),
                                        actions=registered_actions())
    if not problems and not any(process.key == key for process in compiled):
        problems = [Problem(bpmn_file, None, None, f"The draft holds no executable process {key!r}.")]
    return [problem.as_dict() for problem in problems]
