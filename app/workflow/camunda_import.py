"""Import a Camunda 7 model: a ``.bpmn`` (and the ``.dmn`` files it calls)
converted into this platform's files, with a report of what could not be
carried over. Pure functions on XML text; no database.

- ``camunda:candidateGroups``/``assignee`` → lanes named for role codes
  (``role_map`` maps group names to role codes; a name maps to itself by
  default) — app/workflow/camunda_lanes.py;
- ``camunda:formData`` → JSON Schema form files ``<key>_<task>.json``
  named in the task (app/workflow/camunda_forms.py); ``camunda:formKey``
  (embedded/deployed HTML forms) is reported;
- ``${…}`` conditions → sandboxed Python (app/workflow/camunda_juel.py),
  the untranslatable left as written so the deploy check refuses them;
- ``camunda:decisionRef`` → ``spiffworkflow:calledDecisionId``; the DMN
  cells → Python cells (app/workflow/camunda_dmn.py);
- every other ``camunda:*`` attribute or extension is removed and reported
  with a severity (app/workflow/camunda_report.py): nothing is dropped
  silently."""
import re
from dataclasses import dataclass, field

from lxml import etree

from app.workflow.camunda_dmn import convert_dmn
from app.workflow.camunda_forms import form_schema
from app.workflow.camunda_juel import Untranslatable, is_expression, juel_to_python
from app.workflow.camunda_lanes import arrange_lanes
from app.workflow.camunda_report import ATTRIBUTE_SEVERITY, ELEMENT_SEVERITY, Report, ReportItem
from app.workflow.xml_names import BPMN, DMN_NAMESPACES, SPIFF
from app.workflow.xml_safety import parse_untrusted_xml

CAMUNDA = "http://camunda.org/schema/1.0/bpmn"
_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]{0,127}$")


class NotCamundaModel(ValueError):
    """The upload is not a BPMN file with an executable process (or a DMN
    file where one was expected); the message says which file and why."""


@dataclass
class ImportResult:
    key: str
    bpmn_file: str
    files: dict[str, str] = field(default_factory=dict)  # file name → text
    report: list[ReportItem] = field(default_factory=list)


def _b(name):
    return f"{{{BPMN}}}{name}"


def _c(name):
    return f"{{{CAMUNDA}}}{name}"


def _snake(text: str | None) -> str:
    text = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", text or "")
    return re.sub(r"[^a-z0-9_]+", "_", text.lower()).strip("_") or "form"


def _with_spiff_namespace(tree):
    """The root re-made with the spiffworkflow prefix declared once."""
    old = tree.getroot()
    nsmap = {k: v for k, v in old.nsmap.items() if v != CAMUNDA}
    nsmap["spiffworkflow"] = SPIFF
    root = etree.Element(old.tag, attrib=dict(old.attrib), nsmap=nsmap)
    root.text = old.text
    for child in list(old):
        root.append(child)
    return root


def _extensions(element):
    ext = element.find(_b("extensionElements"))
    if ext is None:
        ext = etree.Element(_b("extensionElements"))
        docs = element.findall(_b("documentation"))
        element.insert(element.index(docs[-1]) + 1 if docs else 0, ext)
    return ext


def _spiff_property(element, name: str, value: str) -> None:
    ext = _extensions(element)
    props = ext.find(f"{{{SPIFF}}}properties")
    if props is None:
        props = etree.SubElement(ext, f"{{{SPIFF}}}properties")
    etree.SubElement(props, f"{{{SPIFF}}}property", name=name, value=value)


def _pop(element, name):
    return element.attrib.pop(_c(name), None)


def _forms(element, key: str, files: dict, report) -> None:
    eid = element.get("id")
    form_key = _pop(element, "formKey")
    form_data = element.find(f"{_b('extensionElements')}/{_c('formData')}")
    if form_data is not None:
        name = f"{key}_{_snake(eid)}.json"
        files[name] = form_schema(form_data, element.get("name") or eid, report, eid)
        form_data.getparent().remove(form_data)
        _spiff_property(element, "formJsonSchemaFilename", name)
        if form_key:
            report("warning", eid, f"The form key {form_key!r} was dropped: the generated form {name} is used.")
    elif form_key:
        report("error", eid, f"The form {form_key!r} is an HTML form of Camunda's task list, which cannot be "
                             "carried over: write a JSON Schema form and name it in the task.")


def _performer(task, role_map: dict, known: set, report, initiator: str | None = None) -> str | None:
    """The role of a user task from its candidate groups or assignee; the
    assignee ``${<initiator>}`` (the start event's camunda:initiator) is the
    person who started the instance, the resolver ``@requester``."""
    tid = task.get("id")
    groups, assignee = _pop(task, "candidateGroups"), _pop(task, "assignee")
    source = groups or assignee
    if not source:
        return None
    if groups and assignee:
        report("warning", tid, f"The assignee {assignee!r} was dropped: the lane follows the candidate groups.")
    if initiator and not groups and re.fullmatch(r"\s*[$#]\{\s*" + re.escape(initiator) + r"\s*\}\s*", source):
        report("info", tid, f"The assignee {source!r} is whoever started the instance: lane @requester.")
        return "@requester"
    if is_expression(source):
        report("error", tid, f"Who performs it is decided at run time by {source!r}; the task stays in its "
                             "lane: choose a role or resolver lane for it.")
        return None
    names = [name.strip() for name in source.split(",") if name.strip()]
    if len(names) > 1:
        report("warning", tid, f"Of the groups {source!r} only the first, {names[0]!r}, gives the lane.")
    if not groups:
        report("warning", tid, f"The assignee {names[0]!r} is a person; lanes name roles, so it is read as a "
                               "group name.")
    role = role_map.get(names[0], names[0])
    if role not in known:
        report("error", tid, f"The group {names[0]!r} maps to no role of this platform: map it to a role code "
                             f"({names[0]}=role).")
    return role


def _starters(process, start_events, role_map: dict, known: set, report) -> None:
    """``camunda:candidateStarterGroups`` on the process → the start events'
    ``startRoles``."""
    groups = _pop(process, "candidateStarterGroups")
    if not groups:
        return
    if is_expression(groups):
        report("error", process.get("id"), f"Who may start it is decided by {groups!r}; set the start roles.")
        return
    roles = [role_map.get(name.strip(), name.strip()) for name in groups.split(",") if name.strip()]
    for role in roles:
        if role not in known:
            report("error", process.get("id"), f"The starter group {role!r} maps to no role of this platform.")
    for event in start_events:
        _spiff_property(event, "startRoles", ",".join(roles))


def _conditions(process, report) -> None:
    for condition in process.iter(_b("conditionExpression"), _b("condition"), _b("completionCondition"),
                                  _b("loopCardinality")):
        owner = condition.getparent()
        if owner.tag in (_b("conditionalEventDefinition"), _b("multiInstanceLoopCharacteristics")):
            owner = owner.getparent()
        oid = owner.get("id")
        text = (condition.text or "").strip()
        if condition.get("language"):
            report("error", oid, f"A condition script in {condition.get('language')!r} cannot run here; "
                                 "kept as written, so the deploy check refuses it.")
            continue
        if not is_expression(text):
            continue
        try:
            condition.text = juel_to_python(text)
            report("info", oid, f"The condition {text!r} became {condition.text!r}.")
            if re.search(r"\b(nrOf\w+|loopCounter)\b", condition.text):
                report("error", oid, f"The condition {text!r} reads the engine's own variables (nrOf…, "
                                     "loopCounter), which do not exist here.")
        except Untranslatable as exc:
            report("error", oid, f"The condition {text!r} cannot be translated ({exc}); kept as written, so "
                                 "the deploy check refuses it.")


def _decision(task, decisions: set[str], report) -> None:
    tid = task.get("id")
    ref = _pop(task, "decisionRef")
    if ref is None:
        return
    if is_expression(ref):
        report("error", tid, f"The decision {ref!r} is chosen at run time; name one table.")
        return
    if ref not in decisions:
        report("error", tid, f"The decision {ref!r} is in none of the uploaded DMN files.")
    called = etree.SubElement(_extensions(task), f"{{{SPIFF}}}calledDecisionId")
    called.text = ref


def _timers(process, report) -> None:
    for timer in process.iter(_b("timeDate"), _b("timeDuration"), _b("timeCycle")):
        text = (timer.text or "").strip()
        owner = timer.getparent().getparent().get("id")
        if is_expression(text):
            report("error", owner, f"The timer {text!r} is a Camunda expression; kept as written.")
        elif text and not text.startswith(("'", '"')):
            timer.text = repr(text)


def _scripts(process, report) -> None:
    for task in process.iter(_b("scriptTask")):
        language = (task.get("scriptFormat") or "").lower()
        if language not in ("python", "py"):
            report("error", task.get("id"), f"The script is in {language or 'an unnamed language'!r}; it must be "
                                            "rewritten in Python.")


def _strip_rest(root, report) -> None:
    """Remove and report every camunda:* attribute or extension left."""
    for element in list(root.iter()):
        if not isinstance(element.tag, str):
            continue
        owner = element
        while owner is not None and not owner.get("id"):
            owner = owner.getparent()
        oid = owner.get("id") if owner is not None else None
        if element.tag.startswith(f"{{{CAMUNDA}}}") and element.getparent() is not None:
            local = etree.QName(element).localname
            if element.getparent().tag.startswith(f"{{{CAMUNDA}}}"):
                continue  # reported with its parent
            severity, why = ELEMENT_SEVERITY.get(local, ("warning", "no equivalent here"))
            detail = element.get("event") or element.get("class") or element.get("source") or ""
            report(severity, element.getparent().getparent().get("id") or oid,
                   f"camunda:{local}{' ' + repr(detail) if detail else ''} was not carried over: {why}.")
            element.getparent().remove(element)
            continue
        for name in list(element.attrib):
            if name.startswith(f"{{{CAMUNDA}}}"):
                local = etree.QName(name).localname
                value = element.attrib.pop(name)
                severity, why = ATTRIBUTE_SEVERITY.get(local, ("warning", "no equivalent here"))
                report(severity, oid, f"camunda:{local}={value!r} was not carried over: {why}.")
    for ext in list(root.iter(_b("extensionElements"))):
        if len(ext) == 0:
            ext.getparent().remove(ext)


def _names(root) -> dict[str, str]:
    return {e.get("id"): " ".join((e.get("name") or "").split()) for e in root.iter() if isinstance(e.tag, str)
            and e.get("id") and e.get("name")}


def convert(bpmn: bytes, bpmn_name: str, dmn_files: dict[str, bytes], *, known_roles: set[str],
            role_map: dict[str, str] | None = None, key: str | None = None) -> ImportResult:
    """Convert one Camunda 7 BPMN file and its DMN files. ``key`` renames
    the process. Raises UnsafeXml (hostile or malformed XML) and
    NotCamundaModel (no BPMN process, not DMN, or a bad key)."""
    role_map = role_map or {}
    report = Report()
    tree = parse_untrusted_xml(bpmn, bpmn_name)
    if tree.getroot().tag != _b("definitions"):
        raise NotCamundaModel(f"{bpmn_name}: not a BPMN 2.0 file.")
    processes = [p for p in tree.getroot().iter(_b("process")) if p.get("isExecutable", "true") != "false"]
    if not processes:
        raise NotCamundaModel(f"{bpmn_name}: it holds no executable process.")
    process = processes[0]
    if key and not _KEY.match(key):
        raise NotCamundaModel(f"{key!r} is not a valid process key.")
    old_key = process.get("id")
    key = key or old_key
    result = ImportResult(key=key, bpmn_file=f"{key}.bpmn")
    decisions: set[str] = set()
    for name, data in dmn_files.items():
        dmn_tree = parse_untrusted_xml(data, name)
        if etree.QName(dmn_tree.getroot()).namespace not in DMN_NAMESPACES:
            raise NotCamundaModel(f"{name}: not a DMN 1.1–1.3 file.")
        report.for_file(name, _names(dmn_tree.getroot()))
        decisions |= {d.get("id") for d in dmn_tree.getroot() if etree.QName(d).localname == "decision"}
        result.files.update(convert_dmn(dmn_tree, name, report))
    root = _with_spiff_namespace(tree)
    report.for_file(result.bpmn_file, _names(root))
    process.set("id", key)
    for participant in root.iter(_b("participant")):
        if participant.get("processRef") == old_key:
            participant.set("processRef", key)
    for other in processes[1:]:
        report("error", other.get("id"), "Only the first executable process of a file is imported; import "
                                         "this one from its own file.")
    wanted = {}
    initiator = next((e.get(_c("initiator")) for e in process.iter(_b("startEvent")) if e.get(_c("initiator"))), None)
    for element in process.iter(_b("userTask"), _b("startEvent"), _b("businessRuleTask")):
        if element.tag in (_b("userTask"), _b("startEvent")):
            _forms(element, key, result.files, report)
        if element.tag == _b("userTask") and (role := _performer(element, role_map, known_roles, report, initiator)):
            wanted[element.get("id")] = role
        if element.tag == _b("businessRuleTask"):
            _decision(element, decisions, report)
    _starters(process, [e for e in process if e.tag == _b("startEvent")], role_map, known_roles, report)
    arrange_lanes(root, process, wanted, role_map, known_roles, report)
    _conditions(process, report)
    _timers(process, report)
    _scripts(process, report)
    _strip_rest(root, report)
    etree.cleanup_namespaces(root)
    result.files[result.bpmn_file] = etree.tostring(root, xml_declaration=True, encoding="UTF-8").decode("utf-8")
    result.report = report.sorted()
    return result
