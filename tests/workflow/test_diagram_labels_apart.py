"""Labels in the diagrams of processes/ do not lie on each other: a
gateway's question written over its flows' "approve"/"reject" reads as
neither (it did in F01, F03, F07, F10 and F14), and the English names the
viewer shows are longer still."""
from lxml import etree

from tests.workflow.diagram_files import NS, by_diagram


def _labels(diagram):
    found = {}
    for di in diagram.tree.iter(f"{{{NS['bpmndi']}}}BPMNShape", f"{{{NS['bpmndi']}}}BPMNEdge"):
        bounds = di.find("bpmndi:BPMNLabel/dc:Bounds", NS)
        if bounds is not None:
            found[di.get("bpmnElement")] = tuple(float(bounds.get(k)) for k in ("x", "y", "width", "height"))
    return found


def _overlap(a, b):
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


@by_diagram
def test_no_two_labels_overlap(diagram):
    labels = sorted(_labels(diagram).items())
    clashes = [(a, b) for i, (a, box_a) in enumerate(labels) for b, box_b in labels[i + 1:] if _overlap(box_a, box_b)]
    assert not clashes


@by_diagram
def test_no_label_lies_on_a_shape(diagram):
    drawn = {owner: box for owner, box in diagram.shapes.items()
             if etree.QName(diagram.tree.xpath(f"//*[@id='{owner}']")[0]).localname not in ("lane", "participant")}
    clashes = [(owner, shape) for owner, label in _labels(diagram).items() for shape, box in drawn.items()
               if shape != owner and _overlap(label, box)]
    assert not clashes
