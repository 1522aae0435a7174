"""Every element a person reads in a diagram of processes/ has an English
name (its nameEn property); the names are read back by element id and can
replace the Chinese ones in a copy of the XML for the diagram viewer."""
import re
from pathlib import Path

import pytest
from lxml import etree

from app.services.diagram_labels import localized_diagram_xml
from app.workflow.element_names import english_names
from app.workflow.xml_names import BPMN, spiff_properties, tag

PROCESSES = Path(__file__).resolve().parents[2] / "processes"
DIAGRAMS = sorted(PROCESSES.glob("*.bpmn"))
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")
# Named, but not read as text in the diagram: lanes are role codes (shown as
# the role's name); messages and correlations are keys.
NOT_READ = {"lane", "message", "correlationKey", "correlationProperty", "signal", "error", "escalation"}


def _named(path: Path):
    for element in etree.parse(str(path)).iter(f"{{{BPMN}}}*"):
        if tag(element) not in NOT_READ and (element.get("name") or "").strip():
            yield element


def test_there_are_twenty_eight_diagrams():
    assert len(DIAGRAMS) == 28


@pytest.mark.parametrize("path", DIAGRAMS, ids=lambda p: p.stem)
def test_every_named_element_has_an_english_name_without_chinese(path):
    missing, chinese = [], []
    for element in _named(path):
        english = (spiff_properties(element).get("nameEn") or "").strip()
        if not english:
            missing.append(f"{tag(element)} {element.get('id')} {element.get('name')!r}")
        elif CJK.search(english):
            chinese.append(f"{element.get('id')}: {english!r}")
    assert not missing, f"{path.name}: no nameEn on {missing}"
    assert not chinese, f"{path.name}: Chinese in nameEn {chinese}"


@pytest.mark.parametrize("path", DIAGRAMS, ids=lambda p: p.stem)
def test_process_and_participant_share_their_english_name(path):
    tree = etree.parse(str(path))
    for participant in tree.iter(f"{{{BPMN}}}participant"):
        process = tree.xpath("//bpmn:process[@id=$ref]", ref=participant.get("processRef"), namespaces={"bpmn": BPMN})[0]
        assert spiff_properties(participant)["nameEn"] == spiff_properties(process)["nameEn"]


SMALL = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="d">
  <bpmn:process id="p" name="合同发货">
    <bpmn:extensionElements><spiffworkflow:properties>
      <spiffworkflow:property name="nameEn" value="Contract  shipment" />
    </spiffworkflow:properties></bpmn:extensionElements>
    <bpmn:laneSet id="ls"><bpmn:lane id="Lane_Admin" name="sales_admin">
      <bpmn:extensionElements><spiffworkflow:properties>
        <spiffworkflow:property name="nameEn" value="Sales admin" />
      </spiffworkflow:properties></bpmn:extensionElements>
    </bpmn:lane></bpmn:laneSet>
    <bpmn:userTask id="Task_Review" name="合同初审">
      <bpmn:extensionElements><spiffworkflow:properties>
        <spiffworkflow:property name="nameEn" value="Contract review" />
        <spiffworkflow:property name="formJsonSchemaFilename" value="approval.json" />
      </spiffworkflow:properties></bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:endEvent id="End_Done" name="完成" />
  </bpmn:process>
</bpmn:definitions>
"""


def test_english_names_by_element_id_leave_lanes_and_unnamed_out():
    assert english_names(SMALL) == {"p": "Contract shipment", "Task_Review": "Contract review"}


def test_the_english_copy_renames_what_has_an_english_name_and_nothing_else():
    copy = etree.fromstring(localized_diagram_xml(SMALL, "en").encode())
    names = {element.get("id"): element.get("name") for element in copy.iter(f"{{{BPMN}}}*") if element.get("name")}
    assert names == {"p": "Contract shipment", "Lane_Admin": "Sales administration", "Task_Review": "Contract review",
                     "End_Done": "完成"}
    # The properties stay: the copy is still the same diagram.
    assert spiff_properties(copy.xpath("//*[@id='Task_Review']")[0])["formJsonSchemaFilename"] == "approval.json"


def test_every_diagram_in_english_has_no_chinese_names_outside_its_lanes():
    for path in DIAGRAMS:
        copy = etree.fromstring(localized_diagram_xml(path.read_text(encoding="utf-8"), "en").encode())
        chinese = [element.get("name") for element in copy.iter(f"{{{BPMN}}}*")
                   if tag(element) not in NOT_READ and CJK.search(element.get("name") or "")]
        assert not chinese, (path.name, chinese)
