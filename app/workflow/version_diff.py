"""What changed between two deployed versions of a process: the BPMN
elements added, removed and changed (by id, with each changed property old
→ new) and line diffs of the forms and decision tables. Free of web code
and of the database: it compares two ``{file name: exact text}`` maps, as a
process version stores them, so the analysts' studio can compare any two."""
import difflib
import re
from dataclasses import dataclass, field

from lxml import etree

from app.workflow.xml_safety import UnsafeXml, parse_untrusted_xml

# Layout is not behaviour: shapes and edges move whenever a diagram is tidied.
_LAYOUT_NAMESPACES = ("http://www.omg.org/spec/BPMN/20100524/DI", "http://www.omg.org/spec/DD/20100524/DC",
                      "http://www.omg.org/spec/DD/20100524/DI")


@dataclass
class ElementChange:
    id: str
    kind: str  # the element's tag without namespace: userTask, sequenceFlow …
    name: str | None
    changes: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)  # property -> (old, new)


@dataclass
class FileChange:
    name: str
    status: str  # added | removed | changed
    diff: list[str] = field(default_factory=list)  # unified diff lines (forms and tables)


@dataclass
class VersionDiff:
    added: list[ElementChange] = field(default_factory=list)
    removed: list[ElementChange] = field(default_factory=list)
    changed: list[ElementChange] = field(default_factory=list)
    files: list[FileChange] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # files that could not be read
    layout: list[str] = field(default_factory=list)  # ids of elements only moved or reshaped (DI), not changed

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.files)


def _local(tag) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else str(tag)


def _is_layout(element) -> bool:
    return isinstance(element.tag, str) and etree.QName(element.tag).namespace in _LAYOUT_NAMESPACES


_XMLNS = re.compile(r'\s+xmlns(:[\w.-]+)?="[^"]*"')
_PLAIN_ATTRIBUTES = {"{http://www.w3.org/2001/XMLSchema-instance}type"}


def _flat(element) -> str:
    """A child in one line: a plain text child (a condition, a script, a
    documentation) as its text; else its markup with whitespace between tags
    and namespace declarations dropped."""
    if len(element) == 0 and set(element.attrib) <= _PLAIN_ATTRIBUTES:
        return (element.text or "").strip()
    text = _XMLNS.sub("", etree.tostring(element, encoding="unicode", with_tail=False))
    return " ".join(part.strip() for part in text.splitlines() if part.strip())


def _extension_properties(extensions) -> dict[str, str]:
    """The platform's extension attributes one by one: each
    ``spiffworkflow:property`` as ``property:<name>``, any other extension
    (service operator, instructions …) flattened under ``ext:<tag>``."""
    props = {}
    for child in extensions:
        if not isinstance(child.tag, str):
            continue
        if _local(child.tag) == "properties":
            for prop in child:
                if isinstance(prop.tag, str) and prop.get("name") is not None:
                    props[f"property:{prop.get('name')}"] = prop.get("value") or (prop.text or "").strip()
        else:
            props[f"ext:{_local(child.tag)}"] = _flat(child)
    return props


def _properties(element) -> dict[str, str]:
    """What an element says about itself: its attributes, its own text and
    its children that carry no id of their own (conditions, scripts,
    documentation, incoming/outgoing), keyed by their tag; its event
    definitions (timers, messages) even when they have an id; and its
    extension attributes one by one."""
    props = {f"@{_local(name)}": value for name, value in element.attrib.items() if _local(name) != "id"}
    if element.text and element.text.strip():
        props["text"] = element.text.strip()
    counts: dict[str, int] = {}
    for child in element:
        if not isinstance(child.tag, str) or _is_layout(child):
            continue
        tag = _local(child.tag)
        if tag == "extensionElements":
            props.update(_extension_properties(child))
            continue
        if child.get("id") is not None and not tag.endswith("EventDefinition"):
            continue
        counts[tag] = counts.get(tag, 0) + 1
        key = tag if counts[tag] == 1 else f"{tag}[{counts[tag]}]"
        props[key] = _flat(child)
    return props


def bpmn_elements(text: str, file_name: str = "diagram.bpmn") -> dict[str, tuple[str, dict[str, str]]]:
    """Element id -> (kind, properties) of every element with an id in a
    BPMN document, layout left out. Raises UnsafeXml for a document the
    hardened parser refuses."""
    root = parse_untrusted_xml(text.encode("utf-8"), file_name).getroot()
    out = {}
    for element in root.iter():
        if not isinstance(element.tag, str) or _is_layout(element):
            continue
        element_id = element.get("id")
        if element_id and element_id not in out:
            out[element_id] = (_local(element.tag), _properties(element))
    return out


def bpmn_layout(text: str, file_name: str = "diagram.bpmn") -> dict[str, str]:
    """Element id -> its drawing (shape bounds, edge waypoints, label) in
    one line. Raises UnsafeXml for a document the hardened parser refuses."""
    root = parse_untrusted_xml(text.encode("utf-8"), file_name).getroot()
    out = {}
    for element in root.iter():
        if isinstance(element.tag, str) and _local(element.tag) in ("BPMNShape", "BPMNEdge") \
                and element.get("bpmnElement"):
            drawn = _flat(element).replace(f'id="{element.get("id")}"', "") if element.get("id") else _flat(element)
            out.setdefault(element.get("bpmnElement"), drawn)
    return out


def _text_diff(name: str, old: str, new: str) -> list[str]:
    return list(difflib.unified_diff(old.splitlines(), new.splitlines(), f"{name} (before)", f"{name} (after)",
                                     lineterm="", n=2))


def diff_versions(old_files: dict[str, str], new_files: dict[str, str]) -> VersionDiff:
    """Compare two versions' files. Every ``.bpmn`` file is compared element
    by element; every other file (forms ``.json``, tables ``.dmn``) that was
    added, removed or changed is listed, with a unified diff when changed.
    A BPMN file that cannot be parsed is named in ``problems``; raises
    nothing."""
    result = VersionDiff()
    old_elements, new_elements, old_layout, new_layout = {}, {}, {}, {}
    for files, elements, layout in ((old_files, old_elements, old_layout), (new_files, new_elements, new_layout)):
        for name in sorted(files):
            if name.endswith(".bpmn"):
                try:
                    for element_id, described in bpmn_elements(files[name], name).items():
                        elements.setdefault(element_id, described)
                    for element_id, drawn in bpmn_layout(files[name], name).items():
                        layout.setdefault(element_id, drawn)
                except (UnsafeXml, etree.XMLSyntaxError) as exc:
                    result.problems.append(f"{name}: {exc}")
    for element_id in sorted(new_elements.keys() - old_elements.keys()):
        kind, props = new_elements[element_id]
        result.added.append(ElementChange(element_id, kind, props.get("@name")))
    for element_id in sorted(old_elements.keys() - new_elements.keys()):
        kind, props = old_elements[element_id]
        result.removed.append(ElementChange(element_id, kind, props.get("@name")))
    for element_id in sorted(old_elements.keys() & new_elements.keys()):
        (old_kind, old_props), (new_kind, new_props) = old_elements[element_id], new_elements[element_id]
        changes = {key: (old_props.get(key), new_props.get(key)) for key in sorted(old_props.keys() | new_props.keys())
                   if old_props.get(key) != new_props.get(key)}
        if old_kind != new_kind:
            changes["kind"] = (old_kind, new_kind)
        if changes:
            result.changed.append(ElementChange(element_id, new_kind, new_props.get("@name"), changes))
        elif old_layout.get(element_id) != new_layout.get(element_id):
            result.layout.append(element_id)
    for name in sorted((old_files.keys() | new_files.keys())):
        if name.endswith(".bpmn"):
            continue
        old, new = old_files.get(name), new_files.get(name)
        if old is None:
            result.files.append(FileChange(name, "added", _text_diff(name, "", new)))
        elif new is None:
            result.files.append(FileChange(name, "removed", _text_diff(name, old, "")))
        elif old != new:
            result.files.append(FileChange(name, "changed", _text_diff(name, old, new)))
    return result
