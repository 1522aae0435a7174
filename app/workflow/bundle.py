"""Turning uploaded files into deployable processes: hardened XML parsing,
our lint, then SpiffWorkflow's validating parser. All problems at once."""
import hashlib
import json
from dataclasses import dataclass, field

import jsonschema
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser
from SpiffWorkflow.version import __version__ as ENGINE_VERSION

from app.form_kinds import form_problems
from app.workflow.element_names import NAME_EN
from app.workflow.dmn_lint import lint_dmn
from app.workflow.form_formulas import formula_problems
from app.workflow.lint import lint_bpmn
from app.workflow.lint_makers import task_makers
from app.workflow.lint_shows import task_shows
from app.workflow.lint_start import process_start_roles
from app.workflow.problems import Problem
from app.workflow.serialization import dump_spec
from app.workflow.xml_names import BPMN, DMN_NAMESPACES, HUMAN_TASK_TAGS, NS, documentation, is_true, lanes_by_node, spiff_properties, tag
from app.workflow.xml_safety import UnsafeXml, parse_untrusted_xml

KINDS = {".bpmn": "bpmn", ".dmn": "dmn", ".json": "form"}


def kind_of(filename: str) -> str | None:
    for suffix, kind in KINDS.items():
        if filename.lower().endswith(suffix):
            return kind
    return None


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class CompiledProcess:
    key: str
    name: str
    bpmn_file: str
    files: dict[str, str]
    spec_json: str
    start_form: str | None
    user_tasks: list[dict]
    timer_start: dict | None
    start_roles: tuple[str, ...] = ()  # who may start it by hand (lint_start.py)
    engine_version: str = ENGINE_VERSION
    name_en: str | None = None  # the process's English name (its nameEn property)

    @property
    def content_hash(self) -> str:
        return content_hash(json.dumps(self.files, sort_keys=True, ensure_ascii=False))


@dataclass
class _Bundle:
    texts: dict[str, str] = field(default_factory=dict)
    bpmn: dict[str, object] = field(default_factory=dict)  # name -> lxml tree
    dmn: dict[str, object] = field(default_factory=dict)
    forms: dict[str, object] = field(default_factory=dict)  # name -> schema or None
    decisions: dict[str, str] = field(default_factory=dict)  # decision id -> file
    problems: list[Problem] = field(default_factory=list)


_FORM_VERDICTS: dict[tuple[str, str], tuple[bool, list[Problem]]] = {}
_FORM_VERDICTS_MAX = 1024


def _form_verdict(name: str, text: str) -> tuple[bool, list[Problem]]:
    """Whether ``text`` is a usable form schema, and its problems. A deploy
    reads every stored form again; the meta-schema check costs ~40 ms a form,
    so verdicts are kept by name and content (the same text always gets the
    same verdict)."""
    key = (name, content_hash(text))
    if key not in _FORM_VERDICTS:
        if len(_FORM_VERDICTS) >= _FORM_VERDICTS_MAX:
            _FORM_VERDICTS.pop(next(iter(_FORM_VERDICTS)))
        _FORM_VERDICTS[key] = _check_form(name, text)
    usable, problems = _FORM_VERDICTS[key]
    return usable, list(problems)


def _check_form(name: str, text: str) -> tuple[bool, list[Problem]]:
    try:
        schema = json.loads(text)
        if not isinstance(schema, dict):
            raise jsonschema.SchemaError("a form schema must be a JSON object")
        jsonschema.Draft202012Validator.check_schema(schema)
    except json.JSONDecodeError as exc:
        return False, [Problem(name, exc.lineno, None, f"Not valid JSON: {exc.msg}")]
    except jsonschema.SchemaError as exc:
        where = "/".join(str(p) for p in exc.path) or "(root)"
        return False, [Problem(name, None, where, f"Not a valid JSON Schema: {exc.message}")]
    # A figure the server cannot compute would fail every submission: refuse it now.
    problems = [Problem(name, None, None, f"x-computed: {problem}") for problem in formula_problems(schema)]
    # Words never decide a field's kind: a misspelt or undeclared kind is the analyst's to fix now.
    problems.extend(Problem(name, None, field, message) for field, message in form_problems(schema))
    return True, problems


def _read_form(name: str, text: str, bundle: _Bundle) -> None:
    usable, problems = _form_verdict(name, text)
    bundle.forms[name] = json.loads(text) if usable else None
    bundle.problems.extend(problems)


def _read_xml(name: str, kind: str, text: str, bundle: _Bundle) -> None:
    try:
        tree = parse_untrusted_xml(text.encode(), name)
    except UnsafeXml as exc:
        bundle.problems.append(Problem(name, exc.line, None, exc.message))
        return
    root = tree.getroot()
    namespace = root.tag.split("}", 1)[0].lstrip("{") if root.tag.startswith("{") else ""
    if kind == "bpmn" and (namespace != BPMN or tag(root) != "definitions"):
        bundle.problems.append(Problem(name, root.sourceline, None, "Not a BPMN 2.0 file (bpmn:definitions expected)."))
    elif kind == "dmn" and (namespace not in DMN_NAMESPACES or tag(root) != "definitions"):
        bundle.problems.append(Problem(name, root.sourceline, None, "Not a DMN file (dmn:definitions expected)."))
    elif kind == "bpmn":
        bundle.bpmn[name] = tree
    else:
        problems, decisions = lint_dmn(tree, name)
        bundle.problems.extend(problems)
        bundle.dmn[name] = tree
        for decision in decisions:
            bundle.decisions[decision] = name


def read_bundle(uploaded: dict[str, bytes], stored: dict[str, str]) -> _Bundle:
    """Parse the uploaded files, completed by stored DMN and form files that
    were not uploaded again."""
    bundle = _Bundle()
    for name, raw in uploaded.items():
        kind = kind_of(name)
        if kind is None:
            bundle.problems.append(Problem(name, None, None, "Only .bpmn, .dmn and form .json files can be deployed."))
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            bundle.problems.append(Problem(name, None, None, "The file is not UTF-8 text."))
            continue
        bundle.texts[name] = text
    for name, text in stored.items():
        if name not in bundle.texts:
            bundle.texts[name] = text
    for name, text in bundle.texts.items():
        kind = kind_of(name)
        if kind == "form":
            _read_form(name, text, bundle)
        elif kind in ("bpmn", "dmn") and (name in uploaded or kind == "dmn"):
            _read_xml(name, kind, text, bundle)
    return bundle


_COMPILED: dict[str, tuple[list[CompiledProcess], list[Problem]]] = {}
_COMPILED_MAX = 16


def _bundle_key(uploaded: dict[str, bytes], stored: dict[str, str], lane_names: set[str], actions: frozenset) -> str:
    digest = hashlib.sha256()
    for part in (sorted(lane_names), sorted(actions)):
        digest.update(json.dumps(part).encode())
    for label, files in (("u", uploaded), ("s", {k: v.encode("utf-8") for k, v in stored.items()})):
        for name in sorted(files):
            digest.update(f"{label}:{name}:{len(files[name])}:".encode())
            digest.update(files[name])
    return digest.hexdigest()


def compile_bundle(uploaded: dict[str, bytes], stored: dict[str, str], *, lane_names: set[str],
                   actions: frozenset) -> tuple[list[CompiledProcess], list[Problem]]:
    """The processes of the uploaded BPMN files, or the problems that stop
    them. The same files against the same lanes and operations compile the
    same way, so the last few results are kept by content: deploying an
    unchanged set again (``make run``, every test) costs a hash, not the
    1–2 s of parsing, linting and schema checks."""
    key = _bundle_key(uploaded, stored, lane_names, actions)
    if key not in _COMPILED:
        if len(_COMPILED) >= _COMPILED_MAX:
            _COMPILED.pop(next(iter(_COMPILED)))
        _COMPILED[key] = _compile_bundle(uploaded, stored, lane_names=lane_names, actions=actions)
    compiled, problems = _COMPILED[key]
    return list(compiled), list(problems)


def _compile_bundle(uploaded: dict[str, bytes], stored: dict[str, str], *, lane_names: set[str],
                    actions: frozenset) -> tuple[list[CompiledProcess], list[Problem]]:
    bundle = read_bundle(uploaded, stored)
    for name, tree in bundle.bpmn.items():
        bundle.problems.extend(lint_bpmn(tree, name, lane_names=lane_names, actions=actions,
                                         forms=bundle.forms, decisions=set(bundle.decisions)))
    if bundle.problems:
        return [], bundle.problems
    compiled: list[CompiledProcess] = []
    problems: list[Problem] = []
    for name, tree in bundle.bpmn.items():
        found, found_problems = _compile_file(name, tree, bundle)
        compiled.extend(found)
        problems.extend(found_problems)
    return ([] if problems else compiled), problems


def _compile_file(name: str, tree, bundle: _Bundle):
    parser = SpiffBpmnParser(validator=VALIDATOR)
    needed_dmn = sorted({bundle.decisions[d] for d in _decision_refs(tree) if d in bundle.decisions})
    try:
        for dmn_name in needed_dmn:
            parser.add_dmn_xml(bundle.dmn[dmn_name].getroot(), filename=dmn_name)
        parser.add_bpmn_xml(tree.getroot(), filename=name)
    except ValidationException as exc:
        return [], [_problem_from(exc, name, tree)]
    results, problems = [], []
    for process in tree.getroot().xpath("./bpmn:process", namespaces=NS):
        if not is_true(process.get("isExecutable", "true")):
            continue
        key = process.get("id")
        try:
            spec = parser.get_spec(key)
            subprocess_specs = parser.get_subprocess_specs(key)
        except ValidationException as exc:
            problems.append(_problem_from(exc, name, tree))
            continue
        except Exception as exc:  # the parser's own failures, reported, not raised
            problems.append(Problem(name, process.sourceline, key, f"The engine cannot load this process: {exc}"))
            continue
        results.append(_describe(process, name, tree, bundle, needed_dmn, spec, subprocess_specs))
    return results, problems


def _problem_from(exc: ValidationException, name: str, tree) -> Problem:
    """The engine's finding, located: its parser's lxml elements carry no
    line, so the element is looked up by id in our own tree."""
    line = exc.line_number if isinstance(exc.line_number, int) else None
    if line is None and exc.id and (exc.file_name or name) == name:
        found = tree.getroot().xpath("//*[@id=$id]", id=exc.id)
        line = found[0].sourceline if found else None
    message = str(exc).split("\n")[0]
    if isinstance(exc.__context__, NotImplementedError):  # its words quote the raw XML bytes: say it in ours
        message = f"Unsupported: the engine cannot run this {exc.tag or 'element'} (its kind of event is not supported)."
    return Problem(exc.file_name or name, line, exc.id or None, message)


def _decision_refs(tree) -> set[str]:
    refs = tree.getroot().xpath("//bpmn:businessRuleTask/bpmn:extensionElements/spiffworkflow:calledDecisionId/text()",
                                namespaces=NS)
    return {ref.strip() for ref in refs}


def _describe(process, name, tree, bundle, needed_dmn, spec, subprocess_specs) -> CompiledProcess:
    lanes = lanes_by_node(process)
    start_form, timer_start = None, None
    for start in process.xpath("./bpmn:startEvent", namespaces=NS):
        start_form = start_form or spiff_properties(start).get("formJsonSchemaFilename")
        for timer in start.xpath("./bpmn:timerEventDefinition/*", namespaces=NS):
            timer_start = {"element_id": start.get("id"), "kind": tag(timer), "expression": (timer.text or "").strip()}
    user_tasks = []
    for task in process.iter():
        if tag(task) not in HUMAN_TASK_TAGS:
            continue
        props = spiff_properties(task)
        user_tasks.append({
            "element_id": task.get("id"), "name": task.get("name") or task.get("id"), "lane": lanes.get(task.get("id")),
            "name_en": _english(props),
            "form": props.get("formJsonSchemaFilename"), "approval": is_true(props.get("approval")),
            "due": props.get("due"), "documentation": documentation(task),
            "shows": task_shows(task),  # what the person working on it reads first
            "makers": task_makers(task),  # whose document it checks (maker and checker)
        })
    forms = {t["form"] for t in user_tasks if t["form"]} | ({start_form} if start_form else set())
    files = {name: bundle.texts[name]}
    files.update({f: bundle.texts[f] for f in sorted(forms)})
    files.update({d: bundle.texts[d] for d in needed_dmn})
    return CompiledProcess(
        key=process.get("id"), name=process.get("name") or process.get("id"), bpmn_file=name, files=files,
        spec_json=dump_spec(spec, subprocess_specs), start_form=start_form, user_tasks=user_tasks,
        timer_start=timer_start, start_roles=tuple(process_start_roles(process)),
        name_en=_english(spiff_properties(process)),
    )


def _english(props: dict[str, str]) -> str | None:
    return " ".join((props.get(NAME_EN) or "").split()) or None
