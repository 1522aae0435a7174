"""Deploy says the truth about a diagram: every problem located and worded
for the analyst, nothing silently ignored."""
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import DeployedFile, ProcessDefinition
from app.services.deployment import DeploymentRejected, deploy

DIAGRAMS = Path(__file__).parent / "diagrams"
PROBE = (DIAGRAMS / "probe.bpmn").read_text()
FORM = (DIAGRAMS / "probe_form.json").read_bytes()


def _files(bpmn=PROBE, **extra):
    return {"probe.bpmn": bpmn.encode() if isinstance(bpmn, str) else bpmn, "probe_form.json": FORM, **extra}


def _rejected(files) -> list:
    with pytest.raises(DeploymentRejected) as caught:
        deploy(files)
    assert db.session.scalar(select(func.count()).select_from(ProcessDefinition)) == 0
    return caught.value.problems


def _line_of(text: str, needle: str) -> int:
    return text[:text.index(needle)].count("\n") + 1


def test_the_engines_own_findings_carry_the_line_of_the_element(ctx):
    """The engine's parser reports on lxml elements without a line; the line
    is found by the element's id in our own tree."""
    bpmn = PROBE.replace(' default="Flow_Small"', "")  # a flow without condition and no default
    problems = _rejected(_files(bpmn))
    flow = next(p for p in problems if p.element_id == "Flow_Small")
    assert flow.line == _line_of(bpmn, 'id="Flow_Small"')


UNSUPPORTED_GATEWAY = (PROBE.replace('<bpmn:exclusiveGateway id="Gateway_Check" name="金额?" default="Flow_Small">',
                                     '<bpmn:complexGateway id="Gateway_Check" name="金额?" default="Flow_Small">')
                       .replace("</bpmn:exclusiveGateway>", "</bpmn:complexGateway>"))
AD_HOC = PROBE.replace('<bpmn:endEvent id="EndEvent_Big" name="大额">',
                       '<bpmn:adHocSubProcess id="AdHoc_Big" name="临时" />\n    <bpmn:endEvent id="EndEvent_Big" name="大额">'
                       ).replace('targetRef="EndEvent_Big"', 'targetRef="AdHoc_Big"')


@pytest.mark.parametrize("bpmn, element_id", [(UNSUPPORTED_GATEWAY, "Gateway_Check"), (AD_HOC, "AdHoc_Big")],
                         ids=["complexGateway", "adHocSubProcess"])
def test_flows_into_an_unsupported_element_name_it_as_unsupported(ctx, bpmn, element_id):
    problems = _rejected(_files(bpmn))
    assert not any("names no element" in p.message for p in problems), problems
    assert any(p.element_id == element_id and p.message.startswith("Unsupported element") and p.line
               for p in problems), problems


def test_a_task_inside_a_subprocess_takes_the_lane_the_subprocess_sits_in(ctx):
    bpmn = (DIAGRAMS / "subprocess_lane_probe.bpmn").read_bytes()
    deployed = deploy({"subprocess_lane_probe.bpmn": bpmn, "probe_form.json": FORM})
    assert [(d.key, d.created) for d in deployed] == [("subprocess_lane_probe", True)]
    definition = db.session.scalar(select(ProcessDefinition))
    assert [(t["element_id"], t["lane"]) for t in definition.user_tasks] == [("Task_Fill", "@requester")]


COMPENSATION = PROBE.replace('<bpmn:endEvent id="EndEvent_Small" name="小额">',
                             '<bpmn:boundaryEvent id="Boundary_Undo" attachedToRef="Task_Post">'
                             '<bpmn:compensateEventDefinition id="Compensate_Undo" /></bpmn:boundaryEvent>\n'
                             '    <bpmn:endEvent id="EndEvent_Small" name="小额">')


def test_a_compensation_event_is_refused_as_unsupported(ctx):
    problems = _rejected(_files(COMPENSATION))
    assert any(p.element_id == "Boundary_Undo" and "compensation" in p.message and p.line for p in problems), problems
    assert not any("b'<" in p.message or "NotImplementedError" in p.message for p in problems)


def test_an_event_the_engine_cannot_run_is_named_without_its_raw_xml(ctx):
    bpmn = PROBE.replace('<bpmn:endEvent id="EndEvent_Small" name="小额">',
                         '<bpmn:boundaryEvent id="Boundary_Nothing" attachedToRef="Task_Post" />\n'
                         '    <bpmn:endEvent id="EndEvent_Small" name="小额">')
    problems = _rejected(_files(bpmn))
    assert [(p.element_id, p.message.startswith("Unsupported: the engine cannot run this bpmn:boundaryEvent"),
             p.line == _line_of(bpmn, 'id="Boundary_Nothing"')) for p in problems] == [("Boundary_Nothing", True, True)]
    assert "b'<" not in problems[0].message


def test_a_business_rule_task_without_a_decision_says_so(ctx):
    bpmn = PROBE.replace('<bpmn:serviceTask id="Task_Post" name="建档">',
                         '<bpmn:businessRuleTask id="Task_Decide" name="判定" />\n    '
                         '<bpmn:serviceTask id="Task_Post" name="建档">')
    problems = _rejected(_files(bpmn))
    decide = [p.message for p in problems if p.element_id == "Task_Decide"]
    assert decide and "names no decision" in decide[0] and "None" not in decide[0]


def test_a_file_of_only_non_executable_processes_is_refused_for_that_alone(ctx):
    """It would deploy nothing; it is not linted as if it were to run."""
    bpmn = (PROBE.replace('isExecutable="true"', 'isExecutable="false"')
            .replace('name="@requester"', 'name="Sales people"'))  # a documentation diagram's lane
    problems = _rejected(_files(bpmn))
    assert [(p.element_id, "isExecutable" in p.message) for p in problems] == [("lint_probe", True)], problems


ASCII_LATIN1 = PROBE.replace('encoding="UTF-8"', 'encoding="ISO-8859-1"').encode("ascii", "xmlcharrefreplace")


def test_a_pure_ascii_file_declared_iso_8859_1_deploys(ctx):
    assert ASCII_LATIN1.isascii() and b"ISO-8859-1" in ASCII_LATIN1
    assert [(d.key, d.created) for d in deploy(_files(ASCII_LATIN1))] == [("lint_probe", True)]
    definition = db.session.scalar(select(ProcessDefinition))
    assert definition.name == "检查样例"


def test_a_non_ascii_file_declared_iso_8859_1_is_still_refused(ctx):
    latin = PROBE.replace('encoding="UTF-8"', 'encoding="ISO-8859-1"').encode("ascii", "xmlcharrefreplace").replace(b"&#26816;", b"Pr\xfcf")
    problems = _rejected({"probe.bpmn": latin, "probe_form.json": FORM})
    assert [p.file for p in problems] == ["probe.bpmn"]


def test_reverting_to_an_earlier_version_is_a_new_version_with_the_old_content(ctx):
    changed = PROBE.replace("amount &gt; 1000", "amount &gt; 2000")
    assert [d.version for d in deploy(_files())] == [1]
    assert [d.version for d in deploy(_files(changed))] == [2]
    assert [(d.version, d.created) for d in deploy(_files())] == [(3, True)]
    assert [(d.version, d.created) for d in deploy(_files())] == [(3, False)]
    versions = db.session.scalars(select(ProcessDefinition).order_by(ProcessDefinition.version)).all()
    assert versions[0].content_hash == versions[2].content_hash != versions[1].content_hash
    assert versions[2].files == versions[0].files


def test_a_form_reverted_is_the_one_a_later_diagram_takes(ctx):
    deploy(_files())
    edited = FORM.replace(b'"title": "\xe6\xa0\xb7\xe4\xbe\x8b"', b'"title": "edited"')
    assert edited != FORM
    assert [d.version for d in deploy(_files(**{"probe_form.json": edited}))] == [2]
    assert [d.version for d in deploy(_files())] == [3]
    diagram_alone = deploy({"probe.bpmn": PROBE.replace("检查样例", "检查样例二").encode()})
    assert [d.version for d in diagram_alone] == [4]
    latest = db.session.scalars(select(ProcessDefinition).order_by(ProcessDefinition.version.desc())).first()
    assert latest.files["probe_form.json"] == FORM.decode()
    assert db.session.scalar(select(func.count()).select_from(DeployedFile)
                             .where(DeployedFile.name == "probe_form.json")) == 3


def test_the_command_line_refuses_two_files_of_one_name(cli, tmp_path):
    for folder, bpmn in (("a", PROBE), ("b", PROBE.replace("检查样例", "另一个"))):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "probe.bpmn").write_text(bpmn)
    (tmp_path / "a" / "probe_form.json").write_bytes(FORM)
    result = cli.invoke(args=["processes", "deploy", str(tmp_path)])
    assert result.exit_code != 0
    assert str(tmp_path / "a" / "probe.bpmn") in result.output and str(tmp_path / "b" / "probe.bpmn") in result.output
    with cli.app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ProcessDefinition)) == 0


def test_the_command_line_reads_a_file_named_twice_once(cli, tmp_path):
    (tmp_path / "probe.bpmn").write_text(PROBE)
    (tmp_path / "probe_form.json").write_bytes(FORM)
    result = cli.invoke(args=["processes", "deploy", str(tmp_path), str(tmp_path / "probe.bpmn")])
    assert result.exit_code == 0 and "lint_probe" in result.output, result.output


FOREIGN_DIALECT_DMN = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="Definitions_Dialect" name="d" namespace="http://x">
  <decision id="dialect_probe" name="d">
    <decisionTable id="DecisionTable_Dialect" hitPolicy="FIRST">
      <input id="Input_Amount"><inputExpression id="InputExpression_Amount"><text>${amount}</text></inputExpression></input>
      <output id="Output_Level" name="level" />
      <rule id="Rule_Range"><inputEntry id="In_Range"><text>[250..1000]</text></inputEntry><outputEntry id="Out_Range"><text>"director"</text></outputEntry></rule>
      <rule id="Rule_Open"><inputEntry id="In_Open"><text>]1000..5000)</text></inputEntry><outputEntry id="Out_Open"><text>#{level}</text></outputEntry></rule>
    </decisionTable>
  </decision>
</definitions>"""


def test_feel_ranges_and_camunda_expressions_name_the_cell_and_say_what_to_write(ctx):
    problems = _rejected({"dialect.dmn": FOREIGN_DIALECT_DMN.encode()})
    said = {}
    for problem in problems:
        said[problem.element_id] = said.get(problem.element_id, "") + problem.message
    assert "'[250..1000]' is a FEEL range" in said["Rule_Range"] and "'250 <= ? <= 1000'" in said["Rule_Range"]
    assert "'1000 < ? < 5000'" in said["Rule_Open"] and "'#{level}' is a Camunda expression" in said["Rule_Open"]
    assert "'${amount}' is a Camunda expression" in said["Input_Amount"] and "'amount'" in said["Input_Amount"]
    assert all(p.line for p in problems) and not any("input_0" in p.message for p in problems), problems


def test_a_cell_that_is_not_python_is_quoted_as_written(ctx):
    broken = FOREIGN_DIALECT_DMN.replace("${amount}", "amount").replace("[250..1000]", "&gt; 250 and")
    problems = _rejected({"dialect.dmn": broken.encode()})
    message = next(p.message for p in problems if p.element_id == "Rule_Range")
    assert "'> 250 and'" in message and "input_0" not in message


def test_a_camunda_condition_on_a_flow_says_what_to_write(ctx):
    problems = _rejected(_files(PROBE.replace("amount &gt; 1000", "${amount &gt; 1000}")))
    assert [p.message for p in problems if p.element_id == "Flow_Big"] == [
        "Condition '${amount > 1000}' is a Camunda expression, which the engine does not read; "
        "write the Python expression inside it: 'amount > 1000'."]
