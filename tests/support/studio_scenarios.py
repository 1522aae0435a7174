"""Test scenarios of the real travel_request diagram for the studio."""
from app.services.deployment import REPO_ROOT
from tests.support.samples import APPROVE, TRIP

TRAVEL_FILE = "travel_request.bpmn"
TRAVEL = (REPO_ROOT / "processes" / TRAVEL_FILE).read_text(encoding="utf-8")
STAFF = {"username": "rep_east1", "display_name": "华东业务员", "level": "staff", "department": "华东区",
         "region": "华东"}
CHECKED = {"Task_CheckTraveller": {"ok": True}}
REJECT = {"decision": "reject", "comment": "预算过高"}

APPROVED = {"name": "员工出差两级审批通过", "start_data": {**TRIP, "requester": STAFF},
            "decisions": {"Task_ManagerApproval": APPROVE, "Task_DepartmentHeadApproval": APPROVE},
            "service_results": CHECKED, "expected_end": "EndEvent_Approved"}
REJECTED = {"name": "主管驳回后撤回", "start_data": {**TRIP, "requester": STAFF},
            "decisions": {"Task_ManagerApproval": REJECT, "Task_ReviseRequest": {**TRIP, "action": "withdraw"}},
            "service_results": CHECKED, "expected_end": "EndEvent_Withdrawn"}
NO_DECISION = {"name": "缺少部门经理意见", "start_data": {**TRIP, "requester": STAFF},
               "decisions": {"Task_ManagerApproval": APPROVE}, "service_results": CHECKED,
               "expected_end": "Task_DepartmentHeadApproval"}
# Rejected once, resubmitted, then approved: the manager's step is met twice.
RESUBMITTED = {"name": "驳回后重新提交", "start_data": {**TRIP, "requester": STAFF},
               "decisions": {"Task_ManagerApproval": [REJECT, APPROVE],
                             "Task_ReviseRequest": {**TRIP, "action": "resubmit"},
                             "Task_DepartmentHeadApproval": APPROVE},
               "service_results": CHECKED, "expected_end": "completed"}

# A draft whose manager-decision gateway reads a name no step gives.
BROKEN_GATEWAY = TRAVEL.replace(
    '<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">decision == "approve"</bpmn:conditionExpression>',
    '<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">verdict == "approve"</bpmn:conditionExpression>', 1)
