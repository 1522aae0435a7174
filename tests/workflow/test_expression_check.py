"""The studio editors' check (app/workflow/expression_check.py) accepts every
condition, script and timer the shipped diagrams run, without even an
unknown-name warning: the variables in play (forms, results, scripts, DMN
outputs upstream) cover every name they read; and it refuses what the
deploy lint refuses."""
import pytest
from lxml import etree

from app.services.deployment import REPO_ROOT
from app.workflow.expression_check import check_text
from app.workflow.variables_in_play import decision_outputs, variables_in_play
from app.workflow.xml_names import NS, tag

DIAGRAMS = sorted((REPO_ROOT / "processes").glob("*.bpmn"))
FORMS = {path.name: path.read_text(encoding="utf-8") for path in (REPO_ROOT / "forms").glob("*.json")}
DECISIONS = decision_outputs(path.read_text(encoding="utf-8") for path in (REPO_ROOT / "processes").glob("*.dmn"))
TIMER_KIND = {"timeDate": "timer_date", "timeDuration": "timer_duration", "timeCycle": "timer_cycle"}


def _expressions(tree):
    for element in tree.getroot().iter():
        kind = tag(element)
        if kind == "conditionExpression":
            yield element.getparent(), "condition", element.text or ""
        elif kind == "scriptTask":
            yield element, "script", element.findtext(f"{{{NS['bpmn']}}}script") or ""
        elif kind in TIMER_KIND:
            yield element.getparent().getparent(), TIMER_KIND[kind], element.text or ""


@pytest.mark.parametrize("path", DIAGRAMS, ids=lambda p: p.stem)
def test_every_shipped_expression_is_accepted(path):
    tree = etree.parse(str(path))
    checked = 0
    for element, kind, text in _expressions(tree):
        known = {variable.name for variable in variables_in_play(tree, element, FORMS, DECISIONS)}
        assert check_text(kind, text, known) == [], (element.get("id"), text)  # not even a warning
        checked += 1
    assert checked or path.stem in {"dealer_onboarding", "performance_review"}  # some diagrams branch on nothing


def test_the_check_can_fail():
    assert check_text("condition", "__import__('os')", set())[0].severity == "error"
    assert check_text("timer_duration", "PT2H", set())[0].message.startswith("Timer timeDuration PT2H is read")
    with pytest.raises(ValueError):
        check_text("sql", "1", set())


def test_a_caught_message_offers_its_variable_downstream_and_a_thrown_one_does_not():
    tree = etree.parse(str(REPO_ROOT / "processes" / "customer_onboarding.bpmn"))
    gateway = tree.getroot().xpath("//bpmn:sequenceFlow[@id='Flow_RatingApproved']", namespaces=NS)[0]
    found = {variable.name: variable for variable in variables_in_play(tree, gateway, FORMS, DECISIONS)}
    assert (found["credit_settlement"].origin, found["credit_settlement"].element_id) == ("message", "Event_RatingSettled")
    start = tree.getroot().xpath("//bpmn:startEvent", namespaces=NS)[0]
    assert "credit_settlement" not in {variable.name for variable in variables_in_play(tree, start, FORMS, DECISIONS)}
