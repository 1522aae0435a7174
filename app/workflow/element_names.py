"""The names a diagram gives its elements, for pages that name steps the
engine took on its own (service tasks, gateways, events) as well as the
people's."""
from app.workflow.xml_names import BPMN, spiff_properties, tag
from app.workflow.xml_safety import parse_untrusted_xml


def element_names(xml: str | bytes, filename: str = "diagram.bpmn") -> dict[str, str]:
    """Element id -> name (whitespace folded) of every named element of the
    BPMN ``xml``. Raises the parser's error for XML that is not well formed
    (a deployed version's XML always is)."""
    data = xml.encode("utf-8") if isinstance(xml, str) else xml
    tree = parse_untrusted_xml(data, filename)
    names = {}
    for element in tree.iter(f"{{{BPMN}}}*"):
        element_id, name = element.get("id"), element.get("name")
        if element_id and name and name.strip():
            names[element_id] = " ".join(name.split())
    return names


NAME_EN = "nameEn"  # the spiffworkflow:property holding an element's English name
_NOT_NAMED_IN_ENGLISH = ("lane",)  # a lane's name is a role code, shown as that role's name


def english_names(xml: str | bytes, filename: str = "diagram.bpmn") -> dict[str, str]:
    """Element id -> English name (its ``nameEn`` property, whitespace
    folded) of every element of the BPMN ``xml`` that has one, lanes aside.
    Raises the parser's error for XML that is not well formed."""
    data = xml.encode("utf-8") if isinstance(xml, str) else xml
    tree = parse_untrusted_xml(data, filename)
    names = {}
    for element in tree.iter(f"{{{BPMN}}}*"):
        if not element.get("id") or tag(element) in _NOT_NAMED_IN_ENGLISH:
            continue
        english = " ".join((spiff_properties(element).get(NAME_EN) or "").split())
        if english:
            names[element.get("id")] = english
    return names
