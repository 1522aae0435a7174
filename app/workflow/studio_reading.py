"""What the studio reads out of deployed diagrams: the approval stages in
use, and a diagram's platform properties as text (to check that an edit in
the modeler changed only what the analyst changed)."""
from app.workflow.xml_names import NS, SPIFF, tag
from app.workflow.xml_safety import UnsafeXml, parse_untrusted_xml


def _tree(text: str):
    try:
        return parse_untrusted_xml(text.encode("utf-8"), "diagram.bpmn")
    except (UnsafeXml, ValueError):
        return None


def approval_stages(texts) -> set[str]:
    """The ``approvalStage`` values named in these BPMN texts (unreadable ones are skipped)."""
    stages = set()
    for text in texts:
        tree = _tree(text)
        if tree is None:
            continue
        for prop in tree.xpath("//spiffworkflow:property[@name='approvalStage']", namespaces=NS):
            if (prop.get("value") or "").strip():
                stages.add(prop.get("value").strip())
    return stages


def platform_properties(text: str) -> dict[str, list]:
    """Element id → its lane name, spiffworkflow properties and service
    operation with parameters, in document order: the part of a diagram the
    platform reads. Raises UnsafeXml for a document it refuses to parse."""
    tree = parse_untrusted_xml(text.encode("utf-8"), "diagram.bpmn")
    found: dict[str, list] = {}
    for element in tree.iter():
        if not isinstance(element.tag, str) or not element.get("id") or element.tag.startswith(f"{{{SPIFF}}}"):
            continue
        facts = []
        if tag(element) == "lane":
            facts.append(("lane", element.get("name")))
        for prop in element.xpath("./bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property",
                                  namespaces=NS):
            facts.append(("property", prop.get("name"), prop.get("value")))
        for operator in element.xpath("./bpmn:extensionElements/spiffworkflow:serviceTaskOperator", namespaces=NS):
            facts.append(("operation", operator.get("id"), operator.get("resultVariable")))
            for param in operator.iter(f"{{{SPIFF}}}parameter"):
                facts.append(("parameter", param.get("id"), param.get("type"), param.get("value")))
        for extra in element.xpath("./bpmn:extensionElements/spiffworkflow:calledDecisionId"
                                   "|./bpmn:extensionElements/spiffworkflow:messageVariable", namespaces=NS):
            facts.append((tag(extra), (extra.text or "").strip()))
        if facts:
            found[element.get("id")] = facts
    return found
