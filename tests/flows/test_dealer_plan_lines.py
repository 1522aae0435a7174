"""F13 → F11: a new dealer's approved annual target becomes lines of the
signing year's sales plan, as a new insert-only version of the latest
issued plan (app/ledger/plan_additions.py), and counts in the quarterly
review's targets like any planned line."""
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.actions import ActionCall, BusinessRuleViolation
from app.extensions import db
from app.ledger.plan_additions import add_dealer_to_plan, monthly_share
from app.ledger.sales_plan import latest_plan
from app.models import InstanceStatus, SalesPlan
from tests.engine.test_dealer_onboarding import _to_director, contract as dealer_contract
from tests.flows.test_sales_plan_targets import Q4
from tests.support.ledger_harness import all_invariants_hold
from tests.support.plan_flow import FRAME, issue, to_breakdown
from tests.support.samples import TERMS


def _establish(sales, terms=TERMS):
    instance = _to_director(sales)
    sales.complete(instance, "Task_DirectorApproval", "director", terms)
    sales.complete(instance, "Task_SignContract", "rep_east2", dealer_contract())
    assert instance.status is InstanceStatus.completed
    return instance


def test_the_dealers_target_is_added_to_the_issued_plan_as_a_new_version(sales):
    plan_instance, _, _ = to_breakdown(sales, FRAME | {"year": 2026})
    issue(sales, plan_instance, Q4)
    issued = latest_plan(2026)
    instance = _establish(sales)
    code = instance.data["customer_result"]["customer_code"]
    # signed 2026-11-28: November and December, a twelfth of 5,000,000 each
    assert instance.data["plan_addition"] == {"ok": True, "added": True, "number": "SP2026-2", "version": 2,
                                              "months": 2, "monthly": "416666.67"}
    added = latest_plan(2026)
    assert added.version == 2 and added.approved_by.username == "director" and code in added.strategy
    assert [(l.month, l.amount) for l in added.lines if l.customer and l.customer.code == code] == [
        (11, Decimal("416666.67")), (12, Decimal("416666.67"))]
    assert [(l.month, l.amount) for l in added.lines][:3] == [(l.month, l.amount) for l in issued.lines]
    assert added.amount == issued.amount + Decimal("833333.34")
    db.session.refresh(issued)
    assert issued.version == 1 and len(issued.lines) == 3  # the issued version stays as it was
    review = sales.start("performance_review", {"quarter": "2026-Q4"}, "sales_admin")
    rows = {row["employee"]: row for row in review.data["review"]["people"]}
    assert rows["rep_east2"]["target"] == "838333.34"  # 5,000.00 planned + the dealer's two months
    assert all_invariants_hold()


def test_without_an_issued_plan_nothing_is_added(sales):
    instance = _establish(sales)
    assert instance.data["plan_addition"] == {"ok": True, "added": False, "reason": "no_plan", "year": 2026}
    assert db.session.scalar(select(SalesPlan)) is None
    assert all_invariants_hold()


def test_a_retried_step_adds_no_second_version(sales):
    plan_instance, _, _ = to_breakdown(sales, FRAME | {"year": 2026})
    issue(sales, plan_instance, Q4)
    instance = _establish(sales)
    [row] = [t for t in db.session.scalars(select(SalesPlan).where(SalesPlan.version == 2))]
    call = ActionCall(instance_id=instance.id, task_id=row.source_key.split(":")[1], element_id="Task_AddDealerToPlan",
                      operation="ledger.add_dealer_to_plan", actor_id=None)  # a retry: no approval looked up
    again = add_dealer_to_plan(call, customer=instance.data["customer_result"]["customer_code"], annual_target="5000000",
                               signed_date="2026-11-28", terms_approved_in=["Task_DirectorApproval", "Task_GMApproval"])
    assert again["number"] == "SP2026-2" and latest_plan(2026).version == 2


@pytest.mark.parametrize("target", ["-1", "abc", "NaN"])
def test_a_bad_target_is_refused(target):
    with pytest.raises(BusinessRuleViolation) as refused:
        monthly_share(target)
    assert refused.value.code == "invalid_amount"


def test_no_version_without_an_approval_of_the_terms_on_record(sales, customer_code):
    """A call outside a flow (or a flow whose terms nobody approved) adds nothing."""
    plan_instance, _, _ = to_breakdown(sales, FRAME | {"year": 2026})
    issue(sales, plan_instance, Q4)
    call = ActionCall(instance_id=plan_instance.id, task_id="forged", element_id="Task_AddDealerToPlan",
                      operation="ledger.add_dealer_to_plan", actor_id=None)
    with pytest.raises(BusinessRuleViolation) as refused:
        add_dealer_to_plan(call, customer=customer_code("江苏机电设备经销部"), annual_target="1200", signed_date="2026-11-28",
                           terms_approved_in=["Task_DirectorApproval"])
    assert refused.value.code == "not_approved" and latest_plan(2026).version == 1
