"""The names a diagram gives its elements, for pages that name steps the
engine took on its own (service tasks, gateways, events) as well as the
people's."""
from app.workflow.xml_names import BPMN
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
