"""A request that goes round the reject loop hundreds of times keeps working,
and its stored state does not grow with the loops."""
from app.models import InstanceStatus
from app.workflow.runtime import Run

TRIP = {"purpose": "反复修改", "reason": "客户提出现场需求", "destination": "成都", "start_date": "2026-12-01", "end_date": "2026-12-02",
        "transport": "火车", "estimated_cost": 100}


def _loop(flow, instance, rounds):
    for _ in range(rounds):
        flow.reject(instance, "Task_ManagerApproval", "rm_southwest")
        flow.complete(instance, "Task_ReviseRequest", "rep_southwest1", {**TRIP, "action": "resubmit"})


def test_state_stays_flat_across_reject_loops(flow):
    instance = flow.start("travel_request", TRIP, "rep_southwest1")
    _loop(flow, instance, 3)
    size_after_3 = len(instance.state)
    _loop(flow, instance, 60)
    assert len(instance.state) <= size_after_3 * 1.2
    flow.approve(instance, "Task_ManagerApproval", "rm_southwest")
    flow.approve(instance, "Task_DepartmentHeadApproval", "director")
    assert instance.status is InstanceStatus.completed


def test_deep_loops_do_not_stall_the_task_iterator(ctx):
    """Without pruning and without the raised depth limit, SpiffWorkflow's
    iterator stops at depth 1000 (~330 loops) and hides the READY task."""
    from app.services import deployment
    from app.services.deployment import deploy, files_from_paths

    deploy(files_from_paths(list(deployment.DEFAULT_DIRS)))
    definition = deployment.find_definition("travel_request")
    data = {**TRIP, "requester": {"username": "x", "display_name": "x", "level": "manager", "department": None, "region": None}}
    run = Run.start(f"{definition.key}:{definition.content_hash}", definition.spec, data,
                    service_handler=lambda _task, _operation, _params: {"ok": True})  # ledger.check_traveller
    run.advance()
    # in memory, never dumped: no pruning, so only the raised limit helps
    for _ in range(350):
        (task,) = run.ready_tasks()
        run.complete(task.task_id, {"decision": "reject", "comment": "再改"})
        run.advance()
        (task,) = run.ready_tasks()
        run.complete(task.task_id, {**TRIP, "action": "resubmit"})
        run.advance()
    assert [t.element_id for t in run.ready_tasks()] == ["Task_ManagerApproval"]
