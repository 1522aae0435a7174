"""A second version of travel_request for comparing in the studio: one
step renamed in place, one step replaced by another (new id), an extension
property and a condition changed, and a gateway only moved."""
from app.services.deployment import REPO_ROOT

TRAVEL = (REPO_ROOT / "processes" / "travel_request.bpmn").read_text(encoding="utf-8")

CONDITION_V1 = 'requester["level"] == "department_head" or requester["level"] == "director"</bpmn:conditionExpression>'
CONDITION_V2 = 'requester["level"] in ("department_head", "director")</bpmn:conditionExpression>'
SHOWS_V1 = "transport,estimated_cost,companions\" />\n          <spiffworkflow:property name=\"formJsonSchemaFilename\" value=\"approval.json\" />\n          <spiffworkflow:property name=\"approval\" value=\"true\" />\n        </spiffworkflow:properties>\n      </bpmn:extensionElements>\n      <bpmn:incoming>Flow_ToGMApproval"


def travel_v2() -> str:
    text = TRAVEL.replace("Task_ReviseRequest", "Task_AmendRequest")
    text = text.replace('name="直接主管审批"', 'name="直接主管审核"', 1)
    assert SHOWS_V1 in text
    text = text.replace(SHOWS_V1, SHOWS_V1.replace("estimated_cost,companions", "estimated_cost"), 1)
    assert CONDITION_V1 in text
    text = text.replace(CONDITION_V1, CONDITION_V2, 1)
    moved = text.replace('<dc:Bounds x="415" y="130" width="50" height="50" />',
                         '<dc:Bounds x="425" y="130" width="50" height="50" />', 1)
    assert moved != text
    return moved


def deploy_v2(actor=None):
    """travel_request v2 deployed (the caller's use case commits it)."""
    from app.services import deployment

    return deployment.deploy({"travel_request.bpmn": travel_v2().encode("utf-8")}, actor)
