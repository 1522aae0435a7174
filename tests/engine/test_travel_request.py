"""F15 travel_request through the service layer, every branch."""
import pytest

from app.errors import Forbidden
from app.models import InstanceStatus

TRIP = {"purpose": "拜访华东客户", "reason": "客户提出现场需求", "destination": "上海", "start_date": "2026-12-01", "end_date": "2026-12-03",
        "transport": "火车", "estimated_cost": 2500}


def test_staff_trip_needs_manager_then_department_head(flow):
    instance = flow.start("travel_request", TRIP, "rep_east1")
    task = flow.task(instance, "Task_ManagerApproval")
    assert task.assignee.username == "rm_east" and task.is_approval
    flow.approve(instance, "Task_ManagerApproval", "rm_east")
    head_task = flow.task(instance, "Task_DepartmentHeadApproval")
    assert head_task.assignee.username == "director"
    flow.approve(instance, "Task_DepartmentHeadApproval", "director")
    assert instance.status is InstanceStatus.completed
    assert instance.data["decision"] == "approve" and instance.data["destination"] == "上海"
    assert flow.ready(instance) == []


def test_manager_level_trip_needs_one_approval(flow):
    instance = flow.start("travel_request", TRIP, "rm_south")
    assert flow.task(instance, "Task_ManagerApproval").assignee.username == "director"
    flow.approve(instance, "Task_ManagerApproval", "director")
    assert instance.status is InstanceStatus.completed


@pytest.mark.parametrize("traveller", ["finance", "service_mgr", "director"])
def test_department_heads_and_the_director_go_to_the_gm(flow, traveller):
    """部门经理及营销总监出差由总经理审批: by level, whoever the direct manager is
    (the service manager reports to the director, yet the GM decides)."""
    instance = flow.start("travel_request", TRIP, traveller)
    assert flow.ready_elements(instance) == ["Task_GMApproval"]
    task = flow.task(instance, "Task_GMApproval")
    assert task.candidate_role == "general_manager" and task.is_approval
    if traveller == "service_mgr":  # his direct manager may not decide it for the GM
        from app.services import tasks

        with pytest.raises(Forbidden):
            tasks.complete_task(task.id, flow.user("director"), {"decision": "approve", "comment": "同意"})
    flow.approve(instance, "Task_GMApproval", "gm")
    assert instance.status is InstanceStatus.completed and instance.data["decision"] == "approve"


def test_a_gm_rejection_comes_back_to_the_department_head(flow):
    instance = flow.start("travel_request", TRIP, "service_mgr")
    flow.reject(instance, "Task_GMApproval", "gm", "请合并行程")
    assert flow.task(instance, "Task_ReviseRequest").assignee.username == "service_mgr"
    flow.complete(instance, "Task_ReviseRequest", "service_mgr", {**TRIP, "reason": "合并两地行程", "action": "resubmit"})
    assert flow.ready_elements(instance) == ["Task_GMApproval"]
    flow.approve(instance, "Task_GMApproval", "gm")
    assert instance.status is InstanceStatus.completed and instance.data["reason"] == "合并两地行程"


def test_purpose_and_reason_are_two_required_fields(flow):
    from app.errors import ValidationFailed

    instance = flow.start("travel_request", TRIP, "rep_east1")
    assert (instance.data["purpose"], instance.data["reason"]) == ("拜访华东客户", "客户提出现场需求")
    without_reason = {key: value for key, value in TRIP.items() if key != "reason"}
    with pytest.raises(ValidationFailed) as caught:
        flow.start("travel_request", without_reason, "rep_east1")
    assert "reason" in caught.value.details["fields"]


def test_field_office_staff_are_refused_with_the_reason(flow):
    """本流程不适用于驻外机构人员: rep_shenyang is stationed at 沈阳办事处."""
    instance = flow.start("travel_request", TRIP, "rep_shenyang")
    assert instance.status is InstanceStatus.completed and flow.ready(instance) == []
    check = instance.data["traveller_check"]
    assert check["ok"] is False and check["error"]["code"] == "field_office_staff"
    assert "驻外机构" in check["error"]["message"] and check["error"]["field_office"] == "沈阳办事处"


def test_forged_requester_facts_do_not_get_field_office_staff_through(flow):
    """The check reads the person from the instance: a start form that claims
    another requester, or a head-office station, is refused or ignored."""
    from app.errors import ValidationFailed

    forged = {**TRIP, "requester": {"username": "rep_east1", "level": "staff"}, "traveller_check": {"ok": True}}
    with pytest.raises(ValidationFailed):
        flow.start("travel_request", forged, "rep_shenyang")
    instance = flow.start("travel_request", TRIP, "rep_shenyang")
    assert instance.data["traveller_check"]["ok"] is False and flow.ready(instance) == []


def test_head_office_staff_of_the_same_region_may_travel(flow):
    instance = flow.start("travel_request", TRIP, "rep_northeast1")
    assert instance.data["traveller_check"] == {"ok": True, "traveller": "rep_northeast1", "level": "staff"}
    assert flow.task(instance, "Task_ManagerApproval").assignee.username == "rm_northeast"


def test_rejection_comes_back_to_the_traveller_who_resubmits(flow):
    instance = flow.start("travel_request", TRIP, "rep_east1")
    flow.reject(instance, "Task_ManagerApproval", "rm_east", "预算太高")
    revise = flow.task(instance, "Task_ReviseRequest")
    assert revise.assignee.username == "rep_east1"
    flow.complete(instance, "Task_ReviseRequest", "rep_east1", {**TRIP, "estimated_cost": 1800, "action": "resubmit"})
    flow.approve(instance, "Task_ManagerApproval", "rm_east")
    flow.approve(instance, "Task_DepartmentHeadApproval", "director")
    assert instance.status is InstanceStatus.completed
    assert instance.data["estimated_cost"] == 1800


def test_department_head_rejection_also_returns_to_the_traveller(flow):
    instance = flow.start("travel_request", TRIP, "rep_east1")
    flow.approve(instance, "Task_ManagerApproval", "rm_east")
    flow.reject(instance, "Task_DepartmentHeadApproval", "director")
    assert flow.ready_elements(instance) == ["Task_ReviseRequest"]
    flow.complete(instance, "Task_ReviseRequest", "rep_east1", {**TRIP, "action": "resubmit"})
    # the manager approves the same step again: that is no conflict of duties
    flow.approve(instance, "Task_ManagerApproval", "rm_east")
    flow.approve(instance, "Task_DepartmentHeadApproval", "director")
    assert instance.status is InstanceStatus.completed


def test_withdrawn_after_rejection(flow):
    instance = flow.start("travel_request", TRIP, "rep_east1")
    flow.reject(instance, "Task_ManagerApproval", "rm_east")
    flow.complete(instance, "Task_ReviseRequest", "rep_east1", {**TRIP, "action": "withdraw"})
    assert instance.status is InstanceStatus.completed
    assert instance.data["action"] == "withdraw"
    assert flow.ready(instance) == []


def test_traveller_cannot_approve_their_own_request(flow):
    from app.services import tasks

    instance = flow.start("travel_request", TRIP, "rep_east1")
    task = flow.task(instance, "Task_ManagerApproval")
    with pytest.raises(Forbidden):
        tasks.complete_task(task.id, flow.user("rep_east1"), {"decision": "approve"})


def test_gm_has_no_manager_so_the_request_is_refused_clearly(flow):
    from app.services.performers import NoPerformer

    with pytest.raises(NoPerformer) as caught:
        flow.start("travel_request", TRIP, "gm")
    assert "Task_ManagerApproval" in str(caught.value.details) or "审批" in caught.value.message
