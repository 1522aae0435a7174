"""Engine failures over the data a request brings: a value the diagram
needs and the request left out is a 422 naming it, and nothing changes; a
step that breaks on the instance's data puts the instance in error where
an administrator sees it, never a 500."""
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.errors import ValidationFailed
from app.extensions import db
from app.models import AuditEvent, InstanceStatus, ProcessInstance, TaskStatus
from app.services import instances, tasks
from app.services.deployment import deploy

DIAGRAMS = Path(__file__).parent / "diagrams"


@pytest.fixture
def probes(org):
    deploy({name: (DIAGRAMS / name).read_bytes()
            for name in ("data_probe.bpmn", "data_probe_answer.json", "data_probe_items.json",
                                 "data_probe_choice.json")})
    return org


def test_a_data_output_left_unset_is_422_naming_it_and_the_task_stays_open(probes):
    rep = probes("rep_east1")
    instance = instances.start_instance("output_probe", {}, rep)
    [task] = tasks.tasks_for(rep)
    state, events = instance.state, db.session.scalar(select(func.count()).select_from(AuditEvent))
    with pytest.raises(ValidationFailed) as refused:
        tasks.complete_task(task.id, rep, {})
    assert refused.value.status == 422 and "answer" in refused.value.details["fields"]
    db.session.refresh(instance), db.session.refresh(task)
    assert instance.state == state and instance.status is InstanceStatus.running
    assert task.status is TaskStatus.ready
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == events
    tasks.complete_task(task.id, rep, {"answer": "好"})
    assert instance.status is InstanceStatus.completed


def test_a_field_left_empty_that_the_next_gateway_reads_is_422_naming_it(probes):
    rep = probes("rep_east1")
    instance = instances.start_instance("choice_probe", {}, rep)
    [task] = tasks.tasks_for(rep)
    with pytest.raises(ValidationFailed) as refused:
        tasks.complete_task(task.id, rep, {})
    assert "Gateway_Choice" in refused.value.details["fields"]["choice"][0]
    db.session.refresh(instance), db.session.refresh(task)
    assert instance.status is InstanceStatus.running and task.status is TaskStatus.ready
    tasks.complete_task(task.id, rep, {"choice": "b"})
    assert instance.status is InstanceStatus.completed


def test_a_start_form_value_a_multi_instance_needs_is_422_naming_it_and_starts_nothing(probes, client, api_token):
    token = api_token("rep_east1", "lanes-demo")
    response = client.post("/api/v1/process-instances", headers={"Authorization": f"Bearer {token}"},
                           json={"process_key": "each_probe", "data": {"items": None}})
    assert response.status_code == 422, response.get_json()
    assert "Task_Each" in response.get_json()["error"]["details"]["fields"]["items"][0]
    assert db.session.scalar(select(func.count()).select_from(ProcessInstance)) == 0


def test_a_multi_instance_over_what_no_form_gives_puts_the_instance_in_error_not_a_500(probes, client, api_token):
    """A script of the diagram left the value empty: nobody who asks can fix it, so the instance shows it."""
    token = api_token("rep_east1", "lanes-demo")
    response = client.post("/api/v1/process-instances", headers={"Authorization": f"Bearer {token}"},
                           json={"process_key": "each_scripted_probe", "data": {}})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["status"] == "error" and "TypeError" in body["error"]["message"]
    instance = db.session.get(ProcessInstance, body["id"])
    assert instance.error_element_id == "Task_EachPrepared"


def test_a_multi_instance_over_a_list_runs_each_item(probes):
    instance = instances.start_instance("each_probe", {"items": ["a", "b"]}, probes("rep_east1"))
    assert instance.status is InstanceStatus.completed
