"""Deploying diagrams, tables and forms as new versions of process keys."""
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from app import clock
from app.audit.chain import record_chain_event
from app.errors import LanesError
from app.extensions import db
from app.models import DeployedFile, ProcessDefinition, User
from app.services.performers import LANE_NAMES
from app.services.permissions import ensure_process_admin, storable_text
from app.services.unit_of_work import use_case
from app.actions import registered_actions
from app.workflow.bundle import compile_bundle, content_hash, kind_of
from app.workflow.problems import Problem

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DIRS = (REPO_ROOT / "processes", REPO_ROOT / "forms")
MAX_FILES = 200
MAX_FILE_BYTES = 5 * 1024 * 1024


class DeploymentRejected(LanesError):
    status = 422
    code = "invalid_deployment"

    def __init__(self, problems: list[Problem]):
        super().__init__(f"The deployment has {len(problems)} problem(s); nothing was saved.",
                         details={"problems": [p.as_dict() for p in problems]})
        self.problems = problems


@dataclass(frozen=True)
class Deployed:
    key: str
    version: int
    created: bool


def _stored_files(kinds: tuple[str, ...] = ("dmn", "form")) -> dict[str, str]:
    """The latest deployed content of every file of these kinds, by name."""
    latest = (select(DeployedFile.name, func.max(DeployedFile.id).label("id"))
              .where(DeployedFile.kind.in_(kinds)).group_by(DeployedFile.name).subquery())
    rows = db.session.execute(select(DeployedFile.name, DeployedFile.content).join(latest, DeployedFile.id == latest.c.id))
    return {name: content for name, content in rows}


def stored_files(kinds: tuple[str, ...] = ("dmn", "form")) -> dict[str, str]:
    """The latest deployed content of every file of these kinds, by name: what
    a diagram checked without its forms and tables is checked against."""
    return _stored_files(kinds)


def _diagrams_using(files: dict[str, bytes]) -> dict[str, bytes]:
    """The deployed diagrams of the processes whose latest version uses a
    table or form uploaded without them: deploying an edited table alone
    makes new versions of the processes it decides for. Beside diagrams,
    only the processes whose copy of the file differs are taken."""
    uploaded_bpmn = {name for name in files if kind_of(name) == "bpmn"}
    given = {name: raw.decode("utf-8", "replace") for name, raw in files.items() if kind_of(name) in ("dmn", "form")}
    found: dict[str, bytes] = {}
    if not given:
        return found
    for definition in latest_definitions():
        if definition.bpmn_file in uploaded_bpmn or definition.bpmn_file in found:
            continue
        used = [name for name in given if name in definition.files]
        if used and (not uploaded_bpmn or any(definition.files[name] != given[name] for name in used)):
            found[definition.bpmn_file] = definition.files[definition.bpmn_file].encode("utf-8")
    return found


def _remember_files(files: dict[str, str], actor: User | None) -> None:
    """Keep every uploaded text that differs from the latest of its name, so
    the latest is always the one deployed last (a reverted table included)."""
    stored = _stored_files(("bpmn", "dmn", "form"))
    for name, text in files.items():
        if stored.get(name) != text:
            db.session.add(DeployedFile(name=name, kind=kind_of(name), content_hash=content_hash(text), content=text,
                                        deployed_at=clock.now(), deployed_by_id=actor.id if actor else None))


def _check_sizes(files: dict[str, bytes]) -> None:
    problems = [Problem(name, None, None, f"The file is larger than {MAX_FILE_BYTES // 1024 // 1024} MiB.")
                for name, raw in files.items() if len(raw) > MAX_FILE_BYTES]
    if len(files) > MAX_FILES:
        problems.append(Problem("(upload)", None, None, f"At most {MAX_FILES} files per deployment."))
    if not files:
        problems.append(Problem("(upload)", None, None, "No files to deploy."))
    if problems:
        raise DeploymentRejected(problems)


@use_case
def deploy(files: dict[str, bytes], actor: User | None = None, note: str | None = None,
           published_from_draft: int | None = None) -> list[Deployed]:
    """Deploy BPMN, DMN and form files. Each executable process whose files
    changed becomes a new version of its key, and so does each deployed
    process whose table or form is uploaded without its diagram; unchanged
    ones are reported with ``created=False``. A publish from the studio
    gives its change ``note`` and the version its draft was based on, kept
    on each new version and in its deploy chain event. Raises DeploymentRejected
    listing every problem (and saves nothing), also when the files hold no
    process to deploy; Forbidden unless ``actor`` is a process admin
    (``None``: the trusted command line)."""
    ensure_process_admin(actor, "deploy processes")
    _check_sizes(files)
    to_compile = {**_diagrams_using(files), **files}
    compiled, problems = compile_bundle(to_compile, _stored_files(), lane_names=set(LANE_NAMES),
                                        actions=registered_actions())
    if not problems and not compiled:
        problems = [Problem("(upload)", None, None,
                            "Nothing to deploy: the files hold no executable process, and no deployed process "
                            "uses the tables or forms given. Deploy a table or form with the diagram that uses it.")]
    if problems:
        raise DeploymentRejected(problems)
    uploaded_texts = {name: raw.decode("utf-8") for name, raw in files.items() if kind_of(name) in ("dmn", "form", "bpmn")}
    _remember_files(uploaded_texts, actor)
    results = []
    for process in compiled:
        results.append(_store_version(process, actor, note, published_from_draft))
    return results


def _store_version(process, actor, note=None, published_from_draft=None) -> Deployed:
    digest = process.content_hash
    latest = db.session.scalar(select(ProcessDefinition).where(ProcessDefinition.key == process.key)
                               .order_by(ProcessDefinition.version.desc()).limit(1))
    if latest is not None and latest.content_hash == digest:
        return Deployed(process.key, latest.version, False)
    version = (latest.version + 1) if latest else 1
    definition = ProcessDefinition(
        key=process.key, version=version, name=process.name, name_en=process.name_en, content_hash=digest, bpmn_file=process.bpmn_file,
        files=process.files, spec=process.spec_json, start_form=process.start_form, user_tasks=process.user_tasks,
        timer_start=process.timer_start, start_roles=list(process.start_roles),
        engine_version=process.engine_version, deployed_at=clock.now(),
        deployed_by=actor, change_note=note, published_from_draft=published_from_draft,
    )
    db.session.add(definition)
    db.session.flush()
    data = {"version": version, "content_hash": digest, "files": sorted(process.files),
            "start_roles": list(process.start_roles)}
    if note is not None:  # published from the studio
        data.update(note=note, published_from_draft=published_from_draft)  # "note": the admin actions report's why
    record_chain_event(f"definition:{process.key}", "definition_deployed", actor=actor.username if actor else None,
                       data=data)
    return Deployed(process.key, version, True)


def files_from_paths(paths: list[Path]) -> dict[str, bytes]:
    """Read deployable files from files and folders (folders: every .bpmn,
    .dmn and .json inside). Names are the bare file names, which a diagram
    refers to, so two files of one name are refused (DeploymentRejected)
    rather than one silently replacing the other."""
    origins: dict[str, dict[Path, Path]] = {}  # name -> resolved path -> path as given
    for path in paths:
        candidates = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for candidate in candidates:
            if kind_of(candidate.name):
                origins.setdefault(candidate.name, {}).setdefault(candidate.resolve(), candidate)
    clashes = [Problem(name, None, None, "Several files have this name: " + ", ".join(map(str, where.values()))
                       + "; diagrams refer to files by name, so deploy only one of them.")
               for name, where in origins.items() if len(where) > 1]
    if clashes:
        raise DeploymentRejected(clashes)
    return {name: next(iter(where)).read_bytes() for name, where in origins.items()}


def latest_definitions(all_versions: bool = False) -> list[ProcessDefinition]:
    query = select(ProcessDefinition).order_by(ProcessDefinition.key, ProcessDefinition.version)
    definitions = list(db.session.scalars(query))
    if all_versions:
        return definitions
    latest: dict[str, ProcessDefinition] = {}
    for definition in definitions:
        latest[definition.key] = definition
    return list(latest.values())


def find_definition(key: str, version: int | None = None) -> ProcessDefinition | None:
    if not storable_text(key):
        return None
    query = select(ProcessDefinition).where(ProcessDefinition.key == key)
    if version is not None:
        query = query.where(ProcessDefinition.version == version)
    return db.session.scalar(query.order_by(ProcessDefinition.version.desc()).limit(1))
