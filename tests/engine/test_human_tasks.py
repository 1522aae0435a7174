"""Claim, release, delegate, standing delegations, and refusals."""
from datetime import timedelta

import pytest

from app import clock
from app.errors import Conflict, Forbidden, ValidationFailed
from app.extensions import db
from app.models import AuditEvent, Delegation, TaskStatus
from app.services import tasks

from tests.support.samples import EVALUATION, PROSPECT, RECHECK, TERMS

TRIP = {"purpose": "参展", "reason": "客户提出现场需求", "destination": "广州", "start_date": "2026-12-10", "end_date": "2026-12-12",
        "transport": "飞机", "estimated_cost": 6000}


@pytest.fixture
def director_task(flow):
    instance = flow.start("dealer_onboarding", PROSPECT, "rep_east2")
    flow.complete(instance, "Task_FillEvaluation", "rep_east2", EVALUATION)
    flow.complete(instance, "Task_RegionalManagerReview", "rm_east", RECHECK)
    return flow.task(instance, "Task_DirectorApproval")


def _grant(flow, source, target, **kwargs):
    db.session.add(Delegation(from_user=flow.user(source), to_user=flow.user(target),
                              valid_from=clock.now() - timedelta(hours=1), valid_to=clock.now() + timedelta(days=3), **kwargs))
    db.session.commit()


def test_role_task_is_offered_to_the_role_and_claimed(flow, director_task):
    assert director_task in tasks.tasks_for(flow.user("director"))
    assert director_task not in tasks.tasks_for(flow.user("gm"))
    tasks.claim_task(director_task.id, flow.user("director"))
    assert director_task.assignee.username == "director"
    assert tasks.tasks_for(flow.user("director"), scope="mine") == [director_task]


def test_claimed_by_someone_else_is_409_and_outsider_403(flow, director_task):
    from app.services import accounts

    accounts.create_user("deputy", "long-password", roles=["sales_director"])
    tasks.claim_task(director_task.id, flow.user("director"))
    with pytest.raises(Conflict):
        tasks.claim_task(director_task.id, flow.user("deputy"))
    with pytest.raises(Forbidden):
        tasks.claim_task(director_task.id, flow.user("rep_north1"))
    assert director_task not in tasks.tasks_for(flow.user("deputy"))


def test_release_gives_the_task_back(flow, director_task):
    tasks.claim_task(director_task.id, flow.user("director"))
    with pytest.raises(Forbidden):
        tasks.release_task(director_task.id, flow.user("gm"))
    tasks.release_task(director_task.id, flow.user("director"))
    assert director_task.assignee_id is None


def test_resolver_tasks_cannot_be_released(flow):
    instance = flow.start("travel_request", TRIP, "rep_south1")
    task = flow.task(instance, "Task_ManagerApproval")
    with pytest.raises(Conflict):
        tasks.release_task(task.id, flow.user("rm_south"))


def test_delegated_task_is_completed_on_behalf_of_the_delegator(flow):
    instance = flow.start("travel_request", TRIP, "rep_south1")
    task = flow.task(instance, "Task_ManagerApproval")
    with pytest.raises(ValidationFailed):
        tasks.delegate_task(task.id, flow.user("rm_south"), "nobody")
    tasks.delegate_task(task.id, flow.user("rm_south"), "assistant")
    assert task in tasks.tasks_for(flow.user("assistant"))
    flow.approve(instance, "Task_ManagerApproval", "assistant")
    assert task.status is TaskStatus.completed
    assert task.completed_by.username == "assistant" and task.on_behalf_of.username == "rm_south"
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.kind == "task_completed"))
    assert (event.actor, event.on_behalf_of) == ("assistant", "rm_south")


def test_standing_delegation_limited_to_process_keys(flow, director_task):
    _grant(flow, "director", "assistant", process_keys=["travel_request"])
    assert director_task not in tasks.tasks_for(flow.user("assistant"))
    with pytest.raises(Forbidden):
        tasks.complete_task(director_task.id, flow.user("assistant"), TERMS)
    _grant(flow, "director", "secretary", process_keys=["dealer_onboarding"])
    assert director_task in tasks.tasks_for(flow.user("secretary"))
    tasks.complete_task(director_task.id, flow.user("secretary"), TERMS)
    assert director_task.on_behalf_of.username == "director"


def test_expired_delegation_grants_nothing(flow, director_task):
    db.session.add(Delegation(from_user=flow.user("director"), to_user=flow.user("secretary"),
                              valid_from=clock.now() - timedelta(days=5), valid_to=clock.now() - timedelta(days=1)))
    db.session.commit()
    assert director_task not in tasks.tasks_for(flow.user("secretary"))


def test_bad_form_data_is_422_per_field_and_changes_nothing(flow, director_task):
    with pytest.raises(ValidationFailed) as caught:
        tasks.complete_task(director_task.id, flow.user("director"),
                            {"decision": "approve", "special_discount_pct": "lots", "surprise": 1})
    fields = caught.value.details["fields"]
    assert {"special_discount_pct", "surprise", "annual_target"} <= set(fields)
    assert director_task.status is TaskStatus.ready


def test_completing_twice_is_409(flow, director_task):
    tasks.complete_task(director_task.id, flow.user("director"), TERMS)
    with pytest.raises(Conflict):
        tasks.complete_task(director_task.id, flow.user("director"), TERMS)


def test_money_with_cents_is_accepted(ctx):
    from app.services.forms import validate_form

    schema = {"type": "object", "properties": {"amount": {"type": "number", "minimum": 0, "multipleOf": 0.01}}}
    for amount in (19.99, 0.29, 1234.56, 7):
        assert validate_form(schema, {"amount": amount}) == {"amount": amount}
    with pytest.raises(ValidationFailed) as caught:
        validate_form(schema, {"amount": 0.001})
    assert list(caught.value.details["fields"]) == ["amount"]
