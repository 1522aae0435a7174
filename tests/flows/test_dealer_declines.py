"""F13 dealer_onboarding: the prospect declines the approved terms at the
signing. The representative records the decline and its reason and the
onboarding ends; nothing is registered (no customer file, no dealer terms,
no contract), whatever else the submission carries."""
import pytest
from sqlalchemy import func, select

from app.errors import Forbidden, ValidationFailed
from app.extensions import db
from app.models import Contract, Customer, DealerTerms, InstanceStatus
from tests.support.ledger_harness import all_invariants_hold
from tests.support.samples import EVALUATION, PROSPECT, RECHECK, TERMS

REP = "rep_east2"
DECLINE = {"outcome": "declined", "decline_reason": "准客户不接受 30 天账期，要求 90 天"}


def _at_signing(flow):
    instance = flow.start("dealer_onboarding", PROSPECT, REP)
    flow.complete(instance, "Task_FillEvaluation", REP, EVALUATION)
    flow.complete(instance, "Task_RegionalManagerReview", "rm_east", RECHECK)
    flow.complete(instance, "Task_DirectorApproval", "director", TERMS)
    assert flow.ready_elements(instance) == ["Task_SignContract"]
    return instance


def _registered() -> tuple[int, int, int]:
    return tuple(db.session.scalar(select(func.count()).select_from(model)) for model in (Customer, DealerTerms, Contract))


def test_a_declined_prospect_ends_the_onboarding_with_nothing_registered(flow):
    before = _registered()
    instance = _at_signing(flow)
    flow.complete(instance, "Task_SignContract", REP, DECLINE)
    assert instance.status is InstanceStatus.completed
    assert flow.ready_elements(instance) == []
    assert instance.data["decline_reason"] == DECLINE["decline_reason"] and "customer_result" not in instance.data
    assert _registered() == before
    assert db.session.scalar(select(Customer).where(Customer.name == PROSPECT["company_name"])) is None
    assert all_invariants_hold()


def test_a_decline_carrying_a_contract_still_registers_nothing(flow):
    before = _registered()
    instance = _at_signing(flow)
    flow.complete(instance, "Task_SignContract", REP, {**DECLINE, "contract_number": "HT-2026-999", "signed_date": "2026-11-28"})
    assert instance.status is InstanceStatus.completed and "customer_result" not in instance.data
    assert _registered() == before
    assert all_invariants_hold()


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_a_decline_without_its_reason_is_refused_naming_the_field(flow, reason):
    instance = _at_signing(flow)
    data = {"outcome": "declined"} if reason is None else {"outcome": "declined", "decline_reason": reason}
    with pytest.raises(ValidationFailed) as refused:
        flow.complete(instance, "Task_SignContract", REP, data)
    assert "decline_reason" in str(refused.value.details["fields"])
    assert flow.ready_elements(instance) == ["Task_SignContract"]


def test_the_outcome_must_be_said(flow):
    instance = _at_signing(flow)
    with pytest.raises(ValidationFailed) as refused:
        flow.complete(instance, "Task_SignContract", REP, {"decline_reason": "不签"})
    assert "outcome" in str(refused.value.details["fields"])
    assert flow.ready_elements(instance) == ["Task_SignContract"]


def test_only_the_representative_records_the_decline(flow):
    instance = _at_signing(flow)
    with pytest.raises(Forbidden):
        flow.complete(instance, "Task_SignContract", "rep_east1", DECLINE)  # a colleague in the same region
    assert flow.ready_elements(instance) == ["Task_SignContract"]
