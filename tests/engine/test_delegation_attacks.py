"""Delegation attacked the way a dishonest user would: the requester picks
his own approver through a chain, approvals parked with read-only and
integration accounts, re-delegation by someone who may not approve, and
standing delegations used as a side door. Segregation of duties counts
everyone a task passed through."""
from datetime import timedelta

import pytest

from app import clock
from app.errors import Forbidden, ValidationFailed
from app.extensions import db
from app.models import Delegation, TaskStatus
from app.services import tasks

from tests.support.samples import EVALUATION, PROSPECT, RECHECK, TERMS

TRIP = {"purpose": "拜访客户", "reason": "客户提出现场需求", "destination": "宁波", "start_date": "2026-12-08", "end_date": "2026-12-09",
        "transport": "火车", "estimated_cost": 800}


@pytest.fixture
def trip_task(flow):
    """rep_east1's travel request, waiting for rm_east's approval."""
    instance = flow.start("travel_request", TRIP, "rep_east1")
    return flow.task(instance, "Task_ManagerApproval")


@pytest.fixture
def director_task(flow):
    """rep_east2's dealer, approved by rm_east, waiting for the director's role."""
    instance = flow.start("dealer_onboarding", PROSPECT, "rep_east2")
    flow.complete(instance, "Task_FillEvaluation", "rep_east2", EVALUATION)
    flow.complete(instance, "Task_RegionalManagerReview", "rm_east", RECHECK)
    return flow.task(instance, "Task_DirectorApproval")


def _force_holder(flow, task, chain, delegated_from):
    """Put ``task`` in the state an older build let a chain reach (the
    attack the controls must still stop if such a row exists)."""
    people = [flow.user(name) for name in chain]
    task.assignee_id = people[-1].id
    task.delegated_from = flow.user(delegated_from)
    task.delegation_chain = [person.id for person in people]
    db.session.commit()


def _grant(flow, source, target, **kwargs):
    db.session.add(Delegation(from_user=flow.user(source), to_user=flow.user(target),
                              valid_from=clock.now() - timedelta(hours=1), valid_to=clock.now() + timedelta(days=3),
                              **kwargs))
    db.session.commit()


def test_the_approver_cannot_hand_the_request_to_its_requester(flow, trip_task):
    with pytest.raises(Forbidden) as caught:
        tasks.delegate_task(trip_task.id, flow.user("rm_east"), "rep_east1")
    assert caught.value.code == "segregation_of_duties" and "to" in caught.value.details["fields"]
    assert trip_task.assignee.username == "rm_east" and not trip_task.delegation_chain


def test_a_colleague_cannot_pass_it_on_to_the_requester_either(flow, trip_task):
    tasks.delegate_task(trip_task.id, flow.user("rm_east"), "assistant")
    with pytest.raises(Forbidden) as caught:  # the second link
        tasks.delegate_task(trip_task.id, flow.user("assistant"), "rep_east1")
    assert caught.value.code == "segregation_of_duties"
    assert trip_task.assignee.username == "assistant"


def test_a_chain_through_the_requester_cannot_approve(flow, trip_task):
    """The issue's chain: approver → requester → colleague → approve."""
    _force_holder(flow, trip_task, ["rm_east", "rep_east1"], delegated_from="rm_east")
    with pytest.raises(Forbidden) as caught:  # the requester may not re-delegate
        tasks.delegate_task(trip_task.id, flow.user("rep_east1"), "rep_east2")
    assert caught.value.code == "segregation_of_duties"
    _force_holder(flow, trip_task, ["rm_east", "rep_east1", "rep_east2"], delegated_from="rm_east")
    assert trip_task not in tasks.tasks_for(flow.user("rep_east2"))
    with pytest.raises(Forbidden) as caught:  # the colleague may not approve
        tasks.complete_task(trip_task.id, flow.user("rep_east2"), {"decision": "approve", "comment": "同意"})
    assert caught.value.code == "segregation_of_duties" and "钱立新" in caught.value.message
    assert trip_task.status is TaskStatus.ready


def test_an_honest_chain_is_recorded_and_approves_on_behalf_of_the_first_holder(flow, trip_task):
    tasks.delegate_task(trip_task.id, flow.user("rm_east"), "assistant")
    tasks.delegate_task(trip_task.id, flow.user("assistant"), "rm_south")
    names = [db.session.get(type(flow.user("gm")), uid).username for uid in trip_task.delegation_chain]
    assert names == ["rm_east", "assistant", "rm_south"]
    flow.approve(trip_task.instance, "Task_ManagerApproval", "rm_south")
    assert (trip_task.completed_by.username, trip_task.on_behalf_of.username) == ("rm_south", "rm_east")


@pytest.mark.parametrize("target", ["portal", "auditor"])
def test_approvals_cannot_be_parked_with_integration_or_read_only_accounts(flow, trip_task, target):
    with pytest.raises(ValidationFailed) as caught:
        tasks.delegate_task(trip_task.id, flow.user("rm_east"), target)
    assert "to" in caught.value.details["fields"]
    assert trip_task.assignee.username == "rm_east"


def test_not_even_a_task_that_approves_nothing(flow):
    instance = flow.start("dealer_onboarding", PROSPECT, "rep_east2")
    fill = flow.task(instance, "Task_FillEvaluation")
    for target in ("portal", "auditor"):
        with pytest.raises(ValidationFailed):
            tasks.delegate_task(fill.id, flow.user("rep_east2"), target)


def test_an_integration_account_holding_a_task_cannot_approve_it(flow, trip_task):
    _force_holder(flow, trip_task, ["rm_east", "portal"], delegated_from="rm_east")
    with pytest.raises(Forbidden) as caught:
        tasks.complete_task(trip_task.id, flow.user("portal"), {"decision": "approve", "comment": "同意"})
    assert caught.value.code == "not_a_person"
    assert trip_task not in tasks.tasks_for(flow.user("portal"))


def test_a_holder_who_approved_another_step_cannot_re_delegate(flow, director_task):
    """rm_east approved the regional review; the director's step, parked with
    him, can neither be approved nor passed on by him."""
    with pytest.raises(Forbidden):
        tasks.delegate_task(director_task.id, flow.user("director"), "rm_east")
    _force_holder(flow, director_task, ["director", "rm_east"], delegated_from="director")
    with pytest.raises(Forbidden) as caught:
        tasks.delegate_task(director_task.id, flow.user("rm_east"), "assistant")
    assert caught.value.code == "segregation_of_duties"
    with pytest.raises(Forbidden):
        tasks.complete_task(director_task.id, flow.user("rm_east"), TERMS)


def test_a_standing_delegation_to_the_requester_grants_nothing(flow, trip_task, director_task):
    _grant(flow, "rm_east", "rep_east1")
    assert trip_task not in tasks.tasks_for(flow.user("rep_east1"))
    with pytest.raises(Forbidden) as caught:
        tasks.complete_task(trip_task.id, flow.user("rep_east1"), {"decision": "approve", "comment": "同意"})
    assert caught.value.code == "segregation_of_duties"
    _grant(flow, "director", "rep_east2")
    assert director_task not in tasks.tasks_for(flow.user("rep_east2"))
    for attempt in (lambda: tasks.claim_task(director_task.id, flow.user("rep_east2")),
                    lambda: tasks.complete_task(director_task.id, flow.user("rep_east2"), TERMS)):
        with pytest.raises(Forbidden):
            attempt()
    assert director_task.assignee_id is None


def test_a_standing_delegation_from_someone_barred_grants_nothing(flow, director_task):
    """rm_east approved the regional review; acting for him through a
    standing delegation counts him too."""
    from app.services import accounts

    accounts.create_user("deputy_dir", "long-password", roles=["sales_director"])
    _grant(flow, "rm_east", "deputy_dir")
    tasks.claim_task(director_task.id, flow.user("deputy_dir"))  # on his own account: allowed
    assert director_task.delegated_from is None
    tasks.release_task(director_task.id, flow.user("deputy_dir"))
    director_task.assignee_id = flow.user("rm_east").id  # as if the lane had named rm_east
    db.session.commit()
    with pytest.raises(Forbidden) as caught:
        tasks.complete_task(director_task.id, flow.user("deputy_dir"), TERMS)
    assert caught.value.code == "segregation_of_duties"


@pytest.mark.parametrize("target", ["portal", "auditor"])
def test_a_standing_delegation_to_an_account_that_holds_no_tasks_grants_nothing(flow, director_task, target):
    _grant(flow, "director", target)
    assert director_task not in tasks.tasks_for(flow.user(target))
    with pytest.raises(Forbidden):
        tasks.claim_task(director_task.id, flow.user(target))
