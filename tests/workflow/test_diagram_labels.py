"""The viewer's copy of a diagram shows lanes as role names in the reader's
language; everything else, and the deployed XML, stays as it is."""
from lxml import etree

from app.services.diagram_labels import RESOLVER_NAMES, lane_label, localized_diagram_xml
from app.services.performers import RESOLVERS
from app.services.role_catalogue import ROLE_CODES
from tests.workflow.diagram_files import DIAGRAMS, NS


def _lane_names(xml: str) -> list[str]:
    tree = etree.fromstring(xml.encode("utf-8"))
    return [lane.get("name") for lane in tree.iterfind(".//bpmn:lane", NS)]


def _other_names(xml: str) -> list[tuple[str, str]]:
    tree = etree.fromstring(xml.encode("utf-8"))
    return sorted((el.get("id") or "", el.get("name")) for el in tree.iter()
                  if el.get("name") is not None and etree.QName(el).localname != "lane")


def test_every_resolver_has_a_name_in_both_languages():
    assert set(RESOLVER_NAMES) == set(RESOLVERS)


def test_every_lane_of_processes_gets_a_role_name_in_both_languages():
    used = {lane.get("name") for diagram in DIAGRAMS for lane in diagram.lanes}
    assert used and "@requester" in used
    for expression in sorted(used):
        chinese, english = lane_label(expression, "zh_CN"), lane_label(expression, "en")
        assert chinese and english and chinese != english, expression
        assert "@" not in chinese + english and expression not in (chinese, english), expression


def test_the_served_copy_names_lanes_for_the_reader_and_keeps_the_rest():
    path = next(d.path for d in DIAGRAMS if d.path.stem == "contract_shipment")
    deployed = path.read_text(encoding="utf-8")
    zh, en = localized_diagram_xml(deployed, "zh_CN"), localized_diagram_xml(deployed, "en")
    assert "申请人" in _lane_names(zh) and "出货/开票员" in _lane_names(zh)
    assert "Requester" in _lane_names(en) and "Shipping and billing clerk" in _lane_names(en)
    for copy in (zh, en):
        assert not [name for name in _lane_names(copy) if name.startswith("@") or name in ROLE_CODES]
        assert "Task_MakeShippingNote" in copy and "bpmndi:BPMNShape" in copy
    assert path.read_text(encoding="utf-8") == deployed
    # in Chinese only lanes change; in English the rest takes the diagram's English names
    assert _other_names(zh) == _other_names(deployed)
    english = dict(_other_names(en))
    assert english["Task_MakeShippingNote"] != dict(_other_names(deployed))["Task_MakeShippingNote"]


def test_an_unknown_lane_expression_keeps_its_text():
    xml = ('<?xml version="1.0" encoding="UTF-8"?><bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">'
           '<bpmn:process id="p"><bpmn:laneSet id="s"><bpmn:lane id="Lane_A" name="@nobody_knows" />'
           '<bpmn:lane id="Lane_B" name="finance" /><bpmn:lane id="Lane_C" name=" @requester " /></bpmn:laneSet>'
           '</bpmn:process></bpmn:definitions>')
    assert _lane_names(localized_diagram_xml(xml, "en")) == ["@nobody_knows", "Finance", "Requester"]
    assert _lane_names(localized_diagram_xml(xml, "zh_CN")) == ["@nobody_knows", "财务部", "申请人"]
