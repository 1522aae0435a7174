"""Rules every use case keeps, whatever the door (web, API, command line)."""
import pytest

from app.errors import Forbidden
from app.services import deployment, instances, tasks

TRIP = {"purpose": "审计", "reason": "客户提出现场需求", "destination": "西安", "start_date": "2026-12-01", "end_date": "2026-12-02",
        "transport": "火车", "estimated_cost": 300}


def test_auditors_change_nothing(flow):
    auditor = flow.user("auditor")
    with pytest.raises(Forbidden) as caught:
        instances.start_instance("travel_request", TRIP, auditor)
    assert caught.value.code == "read_only"
    instance = flow.start("travel_request", TRIP, "rep_east1")
    task = flow.task(instance, "Task_ManagerApproval")
    for attempt in (lambda: tasks.claim_task(task.id, auditor),
                    lambda: tasks.complete_task(task.id, auditor, {"decision": "approve"}),
                    lambda: tasks.delegate_task(task.id, auditor, "gm"),
                    lambda: instances.cancel_instance(instance.id, auditor)):
        with pytest.raises(Forbidden):
            attempt()


def test_only_process_admins_deploy(flow):
    files = deployment.files_from_paths(list(deployment.DEFAULT_DIRS))
    with pytest.raises(Forbidden):
        deployment.deploy(files, flow.user("director"))
    assert all(not result.created for result in deployment.deploy(files, flow.user("process_admin")))


def test_text_with_nul_matches_nothing_instead_of_failing(flow, client):
    from app.errors import ValidationFailed
    from app.services import accounts

    assert accounts.find_user("rep\x00east1") is None
    with pytest.raises(ValidationFailed):
        instances.start_instance("travel\x00request", TRIP, flow.user("rep_east1"))
    with pytest.raises(ValidationFailed):
        instances.start_instance("travel_request", TRIP, flow.user("rep_east1"), business_key="a\x00b")
