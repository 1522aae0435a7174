"""F15 travel_request through the service layer, every branch."""
import pytest

from app.errors import Forbidden
from app.models import InstanceStatus

TRIP = {"purpose": "拜访华东客户", "destination": "上海", "start_date": "2026-12-01", "end_date": "2026-12-03",
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


def test_department_head_trip_goes_to_the_gm(flow):
    instance = flow.start("travel_request", TRIP, "finance")
    assert flow.task(instance, "Task_ManagerApproval").assignee.username == "gm"
    flow.approve(instance, "Task_ManagerApproval", "gm")
    assert instance.status is InstanceStatus.completed


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
