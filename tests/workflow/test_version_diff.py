"""version_diff: two versions' files compared element by element (layout
left out) and forms and tables line by line."""
from app.workflow.version_diff import bpmn_elements, diff_versions

HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
        'xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" '
        'id="Defs"><bpmn:process id="P" isExecutable="true">')
TAIL = '</bpmn:process><bpmndi:BPMNDiagram id="D"><bpmndi:BPMNPlane id="Plane" bpmnElement="P">{shape}</bpmndi:BPMNPlane></bpmndi:BPMNDiagram></bpmn:definitions>'

OLD = HEAD + ('<bpmn:userTask id="Task_A" name="审批"><bpmn:documentation>old</bpmn:documentation></bpmn:userTask>'
              '<bpmn:sequenceFlow id="Flow_1" sourceRef="Task_A" targetRef="Task_B">'
              '<bpmn:conditionExpression>amount &gt; 100</bpmn:conditionExpression></bpmn:sequenceFlow>'
              '<bpmn:scriptTask id="Task_B" />') + TAIL.format(shape='<bpmndi:BPMNShape id="S_A" bpmnElement="Task_A"><dc:Bounds x="1" y="1" width="1" height="1"/></bpmndi:BPMNShape>')
NEW = HEAD + ('<bpmn:userTask id="Task_A" name="经理审批"><bpmn:documentation>old</bpmn:documentation></bpmn:userTask>'
              '<bpmn:sequenceFlow id="Flow_1" sourceRef="Task_A" targetRef="Task_C">'
              '<bpmn:conditionExpression>amount &gt; 500</bpmn:conditionExpression></bpmn:sequenceFlow>'
              '<bpmn:serviceTask id="Task_C" />') + TAIL.format(shape='<bpmndi:BPMNShape id="S_A" bpmnElement="Task_A"><dc:Bounds x="9" y="9" width="1" height="1"/></bpmndi:BPMNShape>')


def test_elements_added_removed_and_changed_with_old_and_new_values():
    diff = diff_versions({"p.bpmn": OLD, "f.json": '{\n  "title": "A"\n}'},
                         {"p.bpmn": NEW, "f.json": '{\n  "title": "B"\n}', "t.dmn": "<x/>"})
    assert [(e.id, e.kind) for e in diff.added] == [("Task_C", "serviceTask")]
    assert [(e.id, e.kind) for e in diff.removed] == [("Task_B", "scriptTask")]
    changed = {e.id: e.changes for e in diff.changed}
    assert changed["Task_A"] == {"@name": ("审批", "经理审批")}
    assert changed["Flow_1"]["@targetRef"] == ("Task_B", "Task_C")
    assert "500" in changed["Flow_1"]["conditionExpression"][1]
    assert "S_A" not in changed and "Plane" not in changed  # layout is not behaviour
    files = {f.name: f for f in diff.files}
    assert files["t.dmn"].status == "added" and files["f.json"].status == "changed"
    assert '-  "title": "A"' in files["f.json"].diff and '+  "title": "B"' in files["f.json"].diff


def test_identical_versions_differ_in_nothing():
    assert diff_versions({"p.bpmn": OLD}, {"p.bpmn": OLD}).empty


def test_a_hostile_document_is_named_not_parsed():
    evil = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x id="a">&e;</x>'
    diff = diff_versions({"p.bpmn": OLD}, {"p.bpmn": evil})
    assert diff.problems and "p.bpmn" in diff.problems[0]
    assert bpmn_elements(OLD)["Task_A"][0] == "userTask"
