"""Importing a Camunda 7 model: convert it (app/workflow/camunda_import.py),
run the deploy check on the result exactly as ``processes deploy`` would,
and, when the check passes, keep the diagram as a studio draft of the new
key. Process admins import; auditors and everyone else are refused."""
import html
import re
from dataclasses import dataclass, field

from sqlalchemy import select

from app import clock
from app.actions import registered_actions
from app.errors import Conflict, NotFound, ValidationFailed
from app.extensions import db
from app.models import StudioDraft, StudioDraftFile, User
from app.services import deployment
from app.services.performers import LANE_NAMES
from app.services.permissions import ensure_process_admin, storable_text
from app.services.studio import ensure_studio_reader
from app.services.unit_of_work import use_case
from app.workflow.bundle import compile_bundle
from app.workflow.camunda_import import NotCamundaModel, convert
from app.workflow.camunda_report import ReportItem
from app.workflow.problems import Problem
from app.workflow.xml_safety import MAX_XML_BYTES, UnsafeXml

MAX_DMN_FILES = 20
_MAPPING = re.compile(r"^\s*([^=]+?)\s*=\s*([A-Za-z_@][A-Za-z0-9_]*)\s*$")


def read_upload(storage, field: str) -> tuple[str, bytes]:
    """(file name, bytes) of one uploaded file. Raises ValidationFailed when
    it is larger than an XML upload may be."""
    data = storage.stream.read(MAX_XML_BYTES + 1)
    if len(data) > MAX_XML_BYTES:
        raise ValidationFailed.for_fields({field: [f"{storage.filename}: larger than {MAX_XML_BYTES} bytes."]})
    return (storage.filename or f"upload.{field}").replace("/", "_").replace("\\", "_"), data


@dataclass
class ImportOutcome:
    key: str
    bpmn_file: str
    files: dict[str, str]
    report: list[ReportItem]
    problems: list[Problem] = field(default_factory=list)
    draft: StudioDraft | None = None

    @property
    def passes(self) -> bool:
        return not self.problems


def parse_role_map(lines) -> dict[str, str]:
    """``group=role`` lines (or one text with a mapping per line) as a dict.
    Raises ValidationFailed naming the bad line (field ``map``)."""
    if isinstance(lines, str):
        lines = lines.splitlines()
    mapping = {}
    for line in lines:
        if not line.strip():
            continue
        match = _MAPPING.match(line)
        if not match:
            raise ValidationFailed.for_fields({"map": [f"{line.strip()!r} is not group=role_code."]})
        mapping[match.group(1)] = match.group(2)
    return mapping


def convert_model(bpmn: tuple[str, bytes], dmns: dict[str, bytes], role_map: dict[str, str],
                  key: str | None = None) -> ImportOutcome:
    """The converted files, the report and the deploy check's problems;
    writes nothing. Raises ValidationFailed (field ``bpmn`` or ``dmn``) for
    hostile, malformed or foreign files."""
    if len(dmns) > MAX_DMN_FILES:
        raise ValidationFailed.for_fields({"dmn": [f"At most {MAX_DMN_FILES} DMN files."]})
    name, data = bpmn
    try:
        result = convert(data, name, dmns, known_roles=set(LANE_NAMES), role_map=role_map, key=key)
    except (UnsafeXml, NotCamundaModel) as exc:
        text = getattr(exc, "message", None) or str(exc)
        where = "dmn" if any(text.startswith(dmn) for dmn in dmns) else "bpmn"
        raise ValidationFailed.for_fields({where: [text]}) from exc
    uploaded = {file: text.encode("utf-8") for file, text in result.files.items()}
    compiled, problems = compile_bundle(uploaded, deployment.stored_files(), lane_names=set(LANE_NAMES),
                                        actions=registered_actions())
    if not problems and not any(process.key == result.key for process in compiled):
        problems = [Problem(result.bpmn_file, None, None, f"The result holds no executable process {result.key!r}.")]
    return ImportOutcome(result.key, result.bpmn_file, result.files, result.report, problems)


@use_case
def import_to_draft(bpmn: tuple[str, bytes], dmns: dict[str, bytes], role_map: dict[str, str], user: User,
                    key: str | None = None) -> ImportOutcome:
    """Convert and check; when the check passes, store the diagram as the
    studio draft of its key, with its forms and tables beside it. Raises Forbidden (not a process admin),
    ValidationFailed (bad files), Conflict (that key already has a draft
    or is deployed)."""
    ensure_process_admin(user, "import Camunda models")
    outcome = convert_model(bpmn, dmns, role_map, key)
    if not outcome.passes:
        return outcome
    if db.session.scalar(select(StudioDraft).where(StudioDraft.process_key == outcome.key)) is not None:
        raise Conflict(f"There is a draft of {outcome.key!r} already: discard it or import under another key.",
                       code="draft_exists")
    if deployment.find_definition(outcome.key) is not None:
        raise Conflict(f"{outcome.key!r} is deployed already: import under another key.", code="key_taken")
    outcome.draft = StudioDraft(process_key=outcome.key, base_version=None,
                                xml=outcome.files[outcome.bpmn_file], updated_at=clock.now(),
                                updated_by_id=user.id)
    for name, text in outcome.files.items():
        if name != outcome.bpmn_file:
            outcome.draft.files.append(StudioDraftFile(name=name, content=text))
    db.session.add(outcome.draft)
    db.session.flush()
    return outcome


def imported_drafts(user: User) -> list[StudioDraft]:
    """The drafts of imported models not deployed yet, newest first.
    Raises Forbidden (neither process admin nor auditor)."""
    ensure_studio_reader(user)
    return list(db.session.scalars(select(StudioDraft).where(StudioDraft.base_version.is_(None))
                                   .order_by(StudioDraft.updated_at.desc(), StudioDraft.id.desc())))


def imported_draft(key: str, user: User) -> StudioDraft:
    """The draft of an imported model not deployed yet. Raises Forbidden,
    NotFound."""
    ensure_studio_reader(user)
    draft = db.session.scalar(select(StudioDraft).where(StudioDraft.process_key == key,
                                                        StudioDraft.base_version.is_(None)))
    if draft is None or not storable_text(key):
        raise NotFound(f"There is no imported draft of {key!r}.")
    return draft


_PROCESS_NAME = re.compile(r"<(?:\w+:)?process\b[^>]*?\sname=\"([^\"]*)\"")


def draft_title(draft: StudioDraft) -> str:
    """The name of the process in an imported draft, else its key."""
    match = _PROCESS_NAME.search(draft.xml or "")
    return " ".join(html.unescape(match.group(1)).split()) if match and match.group(1).strip() else draft.process_key
