"""XML namespaces and small readers for BPMN/DMN trees."""
BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
DMN_NAMESPACES = (
    "https://www.omg.org/spec/DMN/20191111/MODEL/",
    "http://www.omg.org/spec/DMN/20180521/MODEL/",
    "http://www.omg.org/spec/DMN/20151101/dmn.xsd",
)
NS = {"bpmn": BPMN, "spiffworkflow": SPIFF}

HUMAN_TASK_TAGS = ("userTask", "manualTask")
SUBPROCESS_TAGS = ("subProcess", "transaction", "adHocSubProcess")


def tag(element) -> str:
    """The local name of an element (``userTask``)."""
    return element.tag.split("}", 1)[-1] if isinstance(element.tag, str) else ""


def spiff_properties(element) -> dict[str, str]:
    """The ``spiffworkflow:property`` name/value pairs of an element."""
    found = element.xpath("./bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property", namespaces=NS)
    return {prop.get("name"): prop.get("value") for prop in found if prop.get("name")}


def documentation(element) -> str | None:
    docs = element.xpath("./bpmn:documentation/text()", namespaces=NS)
    return docs[0].strip() if docs else None


def lanes_by_node(process) -> dict[str, str]:
    """Flow node id → the name of the lane it sits in. A node inside a
    sub-process that sits in a lane sits in that lane too, as the engine
    sees it, unless the sub-process's own lanes place it."""
    lanes = {}
    for lane in process.xpath(".//bpmn:lane", namespaces=NS):
        for ref in lane.xpath("./bpmn:flowNodeRef/text()", namespaces=NS):
            lanes[ref.strip()] = (lane.get("name") or "").strip()
    for container in process.iter():  # document order: an outer sub-process before the ones inside it
        if tag(container) in SUBPROCESS_TAGS and container.get("id") in lanes:
            for node in container.iterdescendants():
                if node.get("id") and tag(node) != "lane":
                    lanes.setdefault(node.get("id"), lanes[container.get("id")])
    return lanes


def is_true(value: str | None) -> bool:
    return (value or "").strip().lower() in ("true", "1", "yes")
