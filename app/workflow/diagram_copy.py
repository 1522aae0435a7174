"""A copy of a deployed diagram with some of its names changed, for the
viewer: the deployed XML itself is never touched."""
from collections.abc import Callable

from lxml import etree

from app.workflow.xml_names import BPMN, tag
from app.workflow.xml_safety import parse_untrusted_xml

# (element tag such as ``lane``, element id, its name) -> the name to show, or None to keep it
Rename = Callable[[str, str | None, str], str | None]


def renamed_copy(xml: str | bytes, rename: Rename, filename: str = "diagram.bpmn") -> str:
    """The BPMN ``xml`` with the ``name`` of each named BPMN element replaced
    by what ``rename`` gives for it (ids, flows and the layout unchanged).
    Raises the parser's error for XML that is not well formed or unsafe (a
    deployed version's XML never is)."""
    data = xml.encode("utf-8") if isinstance(xml, str) else xml
    tree = parse_untrusted_xml(data, filename)
    for element in tree.iter(f"{{{BPMN}}}*"):
        name = element.get("name")
        if name is None:
            continue
        shown = rename(tag(element), element.get("id"), name)
        if shown is not None:
            element.set("name", shown)
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8").decode("utf-8")
