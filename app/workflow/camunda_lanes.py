"""Lanes for an imported Camunda 7 process: each user task goes into the
lane of the role its ``camunda:candidateGroups``/``assignee`` maps to.
A Camunda lane whose tasks all map to one role is renamed to that role
(its layout stays as it was); a task whose lane holds other roles moves to
a new lane drawn as a band below the others, its shape moved into it."""
import math

from lxml import etree

from app.workflow.xml_names import BPMN

BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
DC = "http://www.omg.org/spec/DD/20100524/DC"
DI = "http://www.omg.org/spec/DD/20100524/DI"
_BAND = 150.0


def _b(name: str) -> str:
    return f"{{{BPMN}}}{name}"


def _shapes(root) -> dict[str, object]:
    return {s.get("bpmnElement"): s for s in root.iter(f"{{{BPMNDI}}}BPMNShape")}


def _bounds(shape):
    """The dc:Bounds of a shape, or None when it has none or they are not
    four finite numbers."""
    bounds = shape.find(f"{{{DC}}}Bounds") if shape is not None else None
    if bounds is None:
        return None
    try:
        if all(math.isfinite(float(bounds.get(name))) for name in ("x", "y", "width", "height")):
            return bounds
    except (TypeError, ValueError):
        pass
    return None


def arrange_lanes(root, process, wanted: dict[str, str], role_map: dict[str, str], known: set[str], report) -> None:
    """Put each task of ``wanted`` (task id → role) in a lane named for its
    role; map the other lanes' names through ``role_map``. Unknown roles are
    reported (``report(severity, element_id, message)``)."""
    lane_set = process.find(_b("laneSet"))
    if lane_set is None:
        lane_set = etree.Element(_b("laneSet"), id=f"LaneSet_{process.get('id')}")
        process.insert(0 if process.find(_b("documentation")) is None else 1, lane_set)
    lanes = list(lane_set.iter(_b("lane")))
    lane_of = {ref.text.strip(): lane for lane in lanes for ref in lane.findall(_b("flowNodeRef")) if ref.text}
    named: dict[str, object] = {}
    by_lane: dict[object, set[str]] = {}
    for task_id, role in wanted.items():
        if task_id in lane_of:
            by_lane.setdefault(lane_of[task_id], set()).add(role)
    for lane, roles in by_lane.items():
        if len(roles) == 1 and (role := next(iter(roles))) not in named:
            if lane.get("name") != role:
                report("info", lane.get("id"), f"Lane {lane.get('name')!r} is now the lane of role {role!r}.")
            lane.set("name", role)
            named[role] = lane
    for lane in lanes:
        if lane not in named.values():
            original = (lane.get("name") or "").strip()
            role = role_map.get(original, original)
            lane.set("name", role)
            named.setdefault(role, lane)
            if role not in known:
                report("error", lane.get("id"), f"Lane {original!r} names no role of this platform: map it "
                                                f"to a role code ({original}=role).")
    for task_id, role in wanted.items():
        lane = named.get(role)
        if lane is None:
            lane = _new_lane(root, lane_set, role)
            named[role] = lane
        if lane_of.get(task_id) is not lane:
            if task_id in lane_of:
                for ref in lane_of[task_id].findall(_b("flowNodeRef")):
                    if (ref.text or "").strip() == task_id:
                        lane_of[task_id].remove(ref)
                report("warning", task_id, f"Moved into the new lane {role!r}; check the layout around it.")
            etree.SubElement(lane, _b("flowNodeRef")).text = task_id
            _move_shape(root, task_id, lane)
            lane_of[task_id] = lane
    if not lanes:
        first = next(iter(named.values()), None)
        if first is not None:
            placed = set(lane_of)
            for node in process:
                if node.get("id") and node.get("id") not in placed and _is_flow_node(node):
                    etree.SubElement(first, _b("flowNodeRef")).text = node.get("id")
            report("warning", lane_set.get("id"), "The process had no lanes: they were added without a layout; "
                                                   "arrange them in the modeler.")


def _is_flow_node(node) -> bool:
    name = etree.QName(node).localname
    return name.endswith(("Task", "Event", "Gateway")) or name in ("task", "callActivity", "subProcess")


def _new_lane(root, lane_set, role: str):
    safe = "".join(ch if ch.isalnum() or ch == "_" else "_" for ch in role)
    lane = etree.SubElement(lane_set, _b("lane"), id=f"Lane_{safe}", name=role)
    shapes = _shapes(root)
    bands = [_bounds(shapes.get(other.get("id"))) for other in lane_set.iter(_b("lane")) if other is not lane]
    bands = [b for b in bands if b is not None]
    if not bands:
        return lane
    lowest = max(bands, key=lambda b: float(b.get("y")) + float(b.get("height")))
    top = float(lowest.get("y")) + float(lowest.get("height"))
    plane = shapes[next(iter(s for s in shapes if s))].getparent()
    shape = etree.SubElement(plane, f"{{{BPMNDI}}}BPMNShape", id=f"{lane.get('id')}_di",
                             bpmnElement=lane.get("id"), isHorizontal="true")
    etree.SubElement(shape, f"{{{DC}}}Bounds", x=lowest.get("x"), y=f"{top:g}", width=lowest.get("width"),
                     height=f"{_BAND:g}")
    for participant in root.iter(_b("participant")):
        pshape = _bounds(shapes.get(participant.get("id")))
        if pshape is not None:
            pshape.set("height", f"{float(pshape.get('height')) + _BAND:g}")
    return lane


def _move_shape(root, task_id: str, lane) -> None:
    shapes = _shapes(root)
    task, band = _bounds(shapes.get(task_id)), _bounds(shapes.get(lane.get("id")))
    if task is None or band is None:
        return
    top, height = float(band.get("y")), float(band.get("height"))
    if not top <= float(task.get("y")) <= top + height:
        task.set("y", f"{top + (height - float(task.get('height'))) / 2:g}")
        _reroute(root, task_id, shapes)


def _box(shape):
    bounds = _bounds(shape)
    return tuple(float(bounds.get(name)) for name in ("x", "y", "width", "height"))


def _reroute(root, task_id: str, shapes) -> None:
    """The sequence flows into and out of a moved task, drawn again as
    right angles between the shapes' sides."""
    edges = {e.get("bpmnElement"): e for e in root.iter(f"{{{BPMNDI}}}BPMNEdge")}
    for flow in root.iter(_b("sequenceFlow")):
        source, target = flow.get("sourceRef"), flow.get("targetRef")
        edge = edges.get(flow.get("id"))
        if task_id not in (source, target) or edge is None or _bounds(shapes.get(source)) is None \
                or _bounds(shapes.get(target)) is None:
            continue
        sx, sy, sw, sh = _box(shapes[source])
        tx, ty, tw, th = _box(shapes[target])
        start, end = (sx + sw, sy + sh / 2), (tx, ty + th / 2)
        middle = (start[0] + end[0]) / 2
        for waypoint in edge.findall(f"{{{DI}}}waypoint"):
            edge.remove(waypoint)
        label = edge.find(f"{{{BPMNDI}}}BPMNLabel")
        for x, y in (start, (middle, start[1]), (middle, end[1]), end):
            point = etree.Element(f"{{{DI}}}waypoint", x=f"{x:g}", y=f"{y:g}")
            if label is not None:
                label.addprevious(point)
            else:
                edge.append(point)
