"""Events in the diagrams of processes/ are drawn apart: no two event shapes
on the same bounds (two boundary events of one task drawn on one point look
like one, and their flows seem to leave from the same place), and each
boundary event sits on its task's border, clear of the task's other ones."""
from collections import defaultdict

from tests.workflow.diagram_files import by_diagram


def _events(diagram):
    return [node_id for node_id in diagram.nodes if diagram.kind(node_id).endswith("Event")]


def _overlap(a, b):
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def _centre_on_border(event, host):
    x, y = event[0] + event[2] / 2, event[1] + event[3] / 2
    left, top, right, bottom = host[0], host[1], host[0] + host[2], host[1] + host[3]
    return (left <= x <= right and y in (top, bottom)) or (top <= y <= bottom and x in (left, right))


@by_diagram
def test_no_two_event_shapes_share_their_bounds(diagram):
    drawn = defaultdict(list)
    for node_id in _events(diagram):
        drawn[diagram.shapes[node_id]].append(node_id)
    assert not {box: ids for box, ids in drawn.items() if len(ids) > 1}


@by_diagram
def test_boundary_events_sit_apart_on_their_tasks_border(diagram):
    by_host = defaultdict(list)
    for node_id in _events(diagram):
        if diagram.kind(node_id) == "boundaryEvent":
            host = diagram.nodes[node_id].get("attachedToRef")
            assert _centre_on_border(diagram.shapes[node_id], diagram.shapes[host]), (node_id, host)
            by_host[host].append(node_id)
    for host, events in by_host.items():
        for i, first in enumerate(events):
            for second in events[i + 1:]:
                assert not _overlap(diagram.shapes[first], diagram.shapes[second]), (host, first, second)
