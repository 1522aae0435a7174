"""Deploying: versions by content, and lint that names every problem."""
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import DeployedFile, ProcessDefinition
from app.services.deployment import DeploymentRejected, deploy
from app.workflow.bundle import compile_bundle

DIAGRAMS = Path(__file__).parent / "diagrams"
PROBE = (DIAGRAMS / "probe.bpmn").read_text()
FORM = (DIAGRAMS / "probe_form.json").read_bytes()


def _files(bpmn=PROBE, **extra):
    return {"probe.bpmn": bpmn.encode(), "probe_form.json": FORM, **extra}


def _rejected(files) -> list:
    with pytest.raises(DeploymentRejected) as caught:
        deploy(files)
    return caught.value.problems


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_valid_probe_deploys_then_unchanged_then_new_version(ctx):
    first = deploy(_files())
    assert [(d.key, d.version, d.created) for d in first] == [("lint_probe", 1, True)]
    assert [(d.version, d.created) for d in deploy(_files())] == [(1, False)]
    changed = PROBE.replace("amount &gt; 1000", "amount &gt; 2000")
    assert [(d.version, d.created) for d in deploy(_files(changed))] == [(2, True)]
    v1, v2 = db.session.scalars(select(ProcessDefinition).order_by(ProcessDefinition.version)).all()
    assert "amount &gt; 1000" in v1.files["probe.bpmn"] and "2000" in v2.files["probe.bpmn"]
    assert v2.start_form is None and v2.user_tasks[0]["form"] == "probe_form.json"


def test_a_diagram_alone_uses_forms_deployed_before(ctx):
    deploy(_files())
    changed = PROBE.replace("检查样例", "检查样例二")
    assert deploy({"probe.bpmn": changed.encode()})[0].version == 2


def test_running_instances_stay_on_their_version(flow):
    from app.services import instances
    from app.services.deployment import files_from_paths

    trip = {"purpose": "p", "reason": "客户提出现场需求", "destination": "d", "start_date": "2026-12-01", "end_date": "2026-12-02",
            "transport": "火车", "estimated_cost": 1}
    old = instances.start_instance("travel_request", trip, flow.user("rep_east1"))
    files = files_from_paths([Path("processes/travel_request.bpmn"), Path("forms")])
    files["travel_request.bpmn"] = files["travel_request.bpmn"].replace("出差申请".encode(), "出差申请单".encode())
    assert deploy(files)[0].version == 2
    new = instances.start_instance("travel_request", trip, flow.user("rep_east1"))
    assert (old.definition.version, new.definition.version) == (1, 2)
    flow.approve(old, "Task_ManagerApproval", "rm_east")
    assert old.definition.version == 1 and flow.ready_elements(old) == ["Task_DepartmentHeadApproval"]


LINT_CASES = [
    ("malformed", PROBE.replace("</bpmn:exclusiveGateway>", ""), None, "probe.bpmn"),
    ("process_without_id", PROBE.replace('id="lint_probe" ', ""), None, "A process needs an id"),
    ("unregistered_operator", PROBE.replace("ledger.create_customer", "ledger.no_such_thing"), "Task_Post", "not registered"),
    ("unsafe_condition", PROBE.replace("amount &gt; 1000", "__import__('os').system('id')"), "Flow_Big", "not allowed"),
    ("syntax_error_condition", PROBE.replace("amount &gt; 1000", "amount &gt;"), "Flow_Big", "not allowed"),
    ("unsafe_parameter", PROBE.replace('value="name"', 'value="name.__class__"'), "Task_Post", "not allowed"),
    ("task_without_form", PROBE.replace('<spiffworkflow:property name="formJsonSchemaFilename" value="probe_form.json" />', ""), "Task_Fill", "names no form"),
    ("missing_form", PROBE.replace("probe_form.json", "nowhere.json"), "Task_Fill", "neither uploaded"),
    ("unknown_lane", PROBE.replace('name="@requester"', 'name="chief_of_fun"'), "Lane_Requester", "neither a role code"),
    ("task_outside_lanes", PROBE.replace("<bpmn:flowNodeRef>Task_Fill</bpmn:flowNodeRef>", ""), "Task_Fill", "no lane"),
    ("bad_flow_target", PROBE.replace('targetRef="EndEvent_Big"', 'targetRef="EndEvent_Nowhere"'), "Flow_Big", "names no element"),
    ("unsupported_element", PROBE.replace('<bpmn:exclusiveGateway id="Gateway_Check" name="金额?" default="Flow_Small">',
                                          '<bpmn:complexGateway id="Gateway_Check" name="金额?" default="Flow_Small">')
                                 .replace("</bpmn:exclusiveGateway>", "</bpmn:complexGateway>"), "Gateway_Check", "cannot be run"),
]


@pytest.mark.parametrize("name,bpmn,element_id,message", LINT_CASES, ids=[case[0] for case in LINT_CASES])
def test_each_lint_problem_is_named_and_nothing_is_saved(ctx, name, bpmn, element_id, message):
    problems = _rejected(_files(bpmn))
    assert any(p.element_id == element_id and (message in p.message or message in p.file) for p in problems), problems
    assert all(p.file for p in problems)
    if element_id:
        assert all(p.line for p in problems if p.element_id == element_id)
    assert _count(ProcessDefinition) == 0 and _count(DeployedFile) == 0


def test_all_problems_come_at_once(ctx):
    bpmn = (PROBE.replace("ledger.create_customer", "ledger.nope").replace('name="@requester"', 'name="nobody"')
            .replace("amount &gt; 1000", "amount.__class__"))
    found = {p.element_id for p in _rejected(_files(bpmn))}
    assert {"Task_Post", "Lane_Requester", "Flow_Big"} <= found


def test_invalid_form_schema(ctx):
    problems = _rejected(_files(**{"probe_form.json": b'{"type": "object", "properties": {"a": {"type": "nonsense"}}}'}))
    assert any(p.file == "probe_form.json" and "JSON Schema" in p.message for p in problems)
    assert any(p.element_id == "Task_Fill" for p in problems)


@pytest.mark.parametrize("computed, said", [
    ("__import__('os').system('true')", "none of"), ("a * nowhere", "'nowhere' is not a field"),
])
def test_a_figure_the_server_cannot_compute_is_refused_at_deploy(ctx, computed, said):
    """Otherwise every submission of the form would fail on it."""
    form = {"type": "object", "properties": {"a": {"type": "number"},
                                             "total": {"type": "number", "readOnly": True, "x-computed": computed}}}
    problems = _rejected(_files(**{"probe_form.json": json.dumps(form).encode()}))
    assert any(p.file == "probe_form.json" and "x-computed" in p.message and said in p.message for p in problems)
    assert _count(ProcessDefinition) == 0


def test_form_that_is_not_json(ctx):
    problems = _rejected(_files(**{"probe_form.json": b'{"type": \n oops}'}))
    assert any(p.file == "probe_form.json" and p.line == 2 for p in problems)


XXE = b"""<?xml version="1.0"?>
<!DOCTYPE d [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"><bpmn:process id="x">&secret;</bpmn:process></bpmn:definitions>"""
LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"><bpmn:process id="x">&lol4;</bpmn:process></bpmn:definitions>"""
DTD = b"""<?xml version="1.0"?>
<!DOCTYPE bpmn:definitions SYSTEM "http://127.0.0.1:9/evil.dtd">
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"><bpmn:process id="x"/></bpmn:definitions>"""


@pytest.mark.parametrize("payload", [XXE, LAUGHS, DTD], ids=["xxe", "billion_laughs", "external_dtd"])
def test_hostile_xml_uploads_are_rejected(ctx, payload):
    problems = _rejected({"evil.bpmn": payload})
    assert problems and "root:" not in " ".join(p.message for p in problems)
    assert _count(ProcessDefinition) == 0


def test_not_bpmn_and_wrong_file_types(ctx):
    problems = _rejected({"a.bpmn": b"<html><body/></html>", "b.exe": b"MZ", "c.dmn": b"<definitions/>"})
    assert {p.file for p in problems} == {"a.bpmn", "b.exe", "c.dmn"}


OVERLAPPING_DMN = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="Definitions_Overlap" name="o" namespace="http://x">
  <decision id="overlap_probe" name="o">
    <decisionTable id="DecisionTable_Overlap" hitPolicy="UNIQUE">
      <input id="Input_Amount" label="金额"><inputExpression id="InputExpression_Amount" typeRef="number"><text>amount</text></inputExpression></input>
      <output id="Output_Level" name="level" typeRef="string" />
      <rule id="Rule_Small"><inputEntry id="In_Small"><text>&lt; 1000</text></inputEntry><outputEntry id="Out_Small"><text>"director"</text></outputEntry></rule>
      <rule id="Rule_Big"><inputEntry id="In_Big"><text>&gt;= 500</text></inputEntry><outputEntry id="Out_Big"><text>"gm"</text></outputEntry></rule>
    </decisionTable>
  </decision>
</definitions>"""


def _dmn_problems(text: str) -> list:
    """What lint finds in a table alone (deploying it alone is refused: no process uses it)."""
    return compile_bundle({"overlap.dmn": text.encode()}, {}, lane_names=set(), actions=frozenset())[1]


def test_dmn_rules_overlapping_under_unique(ctx):
    problems = _rejected({"overlap.dmn": OVERLAPPING_DMN.encode()})
    assert [(p.element_id, p.line is not None) for p in problems] == [("Rule_Big", True)]
    assert "rule 1 and rule 2" in problems[0].message
    exclusive = OVERLAPPING_DMN.replace("&gt;= 500", "&gt;= 1000")
    assert _dmn_problems(exclusive) == []
    first_policy = OVERLAPPING_DMN.replace('hitPolicy="UNIQUE"', 'hitPolicy="FIRST"')
    assert _dmn_problems(first_policy) == []


def test_dmn_cell_starting_with_an_operator_word_is_refused(ctx):
    """The engine glues the input and the cell together: ``amount`` + ``in (1, 2)``
    is ``amountin (1, 2)``, which never matches; ``? in (1, 2)`` does."""
    word = OVERLAPPING_DMN.replace('hitPolicy="UNIQUE"', 'hitPolicy="FIRST"').replace("&lt; 1000", "in (1, 2)")
    problems = _rejected({"overlap.dmn": word.encode()})
    assert [p.element_id for p in problems] == ["Rule_Small"] and "? in (1, 2)" in problems[0].message
    assert _dmn_problems(word.replace("in (1, 2)", "? in (1, 2)")) == []


def test_cli_deploy_and_list(cli, tmp_path):
    (tmp_path / "probe.bpmn").write_text(PROBE.replace("ledger.create_customer", "ledger.nope"))
    (tmp_path / "probe_form.json").write_bytes(FORM)
    bad = cli.invoke(args=["processes", "deploy", str(tmp_path)])
    assert bad.exit_code != 0 and "probe.bpmn:" in bad.output and "[Task_Post]" in bad.output
    good = cli.invoke(args=["processes", "deploy"])
    assert good.exit_code == 0 and "travel_request" in good.output and "new version" in good.output
    assert "unchanged" in cli.invoke(args=["processes", "deploy"]).output
    listing = cli.invoke(args=["processes", "list"])
    assert "dealer_onboarding" in listing.output and "v1" in listing.output


def test_a_kind_left_to_the_title_or_misspelt_is_refused_at_deploy(ctx):
    """An analyst is told, instead of a form that silently shows a plain number box."""
    form = json.loads(FORM)
    form["properties"]["amount"]["title"] = "金额（元）"
    form["properties"]["name"]["x-reff"] = "customer"
    problems = _rejected(_files(**{"probe_form.json": json.dumps(form).encode()}))
    named = {(p.file, p.element_id) for p in problems}
    assert {("probe_form.json", "amount"), ("probe_form.json", "name")} <= named
    assert any("x-money" in p.message for p in problems) and any("'x-reff'" in p.message for p in problems)
    assert _count(ProcessDefinition) == 0

    form["properties"]["amount"]["x-money"] = True
    del form["properties"]["name"]["x-reff"]
    assert [d.created for d in deploy(_files(**{"probe_form.json": json.dumps(form).encode()}))] == [True]
