"""Role tasks are offered only within their organisation, attacked the way a
dishonest role holder of another organisation would: the factory's finance
(``fac_finance``, org FAC) reaching for the head company's expense advance
through the work list, a claim, a completion, a standing delegation from
himself to an HQ colleague; and the F18 / internal settlement steps each
going to the right organisation's keeper or finance."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from app import clock
from app.errors import Forbidden
from app.extensions import db
from app.ledger.org_units import org_by_code
from app.models import Delegation, Notification
from app.services import tasks
from app.services.oversight import overdue_for_manager
from app.services.work_list import WorkList
from tests.support.cross_org_flow import KEEPER, SIGNER, send, sign, to_signing

ADVANCE = {"amount": 3000, "purpose": "华东客户拜访借支", "category": "travel", "expected_settlement_date": "2026-12-20"}


@pytest.fixture
def hq_review(sales):
    """rep_east1's (HQ) expense advance, approved by rm_east: the finance review waits for HQ's finance."""
    instance = sales.start("expense_advance", ADVANCE, "rep_east1")
    sales.approve(instance, "Task_ManagerApproval", "rm_east")
    review = sales.task(instance, "Task_FinanceReview")
    assert review.candidate_role == "finance" and review.assignee_id is None
    return review


def _listed(user) -> set[int]:
    return {task.id for task in WorkList(user).every_task()}


def _grant(sales, source, target):
    db.session.add(Delegation(from_user=sales.user(source), to_user=sales.user(target),
                              valid_from=clock.now() - timedelta(hours=1), valid_to=clock.now() + timedelta(days=3)))
    db.session.commit()


def test_the_instance_and_its_role_task_belong_to_the_starters_organisation(sales, hq_review):
    hq = org_by_code("HQ")
    assert hq_review.instance.org_unit_id == hq.id and hq_review.candidate_org_id == hq.id


def test_the_factorys_finance_neither_sees_nor_claims_nor_completes_hqs_finance_step(sales, hq_review):
    outsider = sales.user("fac_finance")
    assert hq_review.id in _listed(sales.user("finance"))
    assert hq_review.id not in _listed(outsider)
    assert WorkList(outsider).counts()["claimable"] == 0 and WorkList(outsider).counts()["all"] == 0
    with pytest.raises(Forbidden):
        tasks.claim_task(hq_review.id, outsider)
    with pytest.raises(Forbidden):
        sales.approve(hq_review.instance, "Task_FinanceReview", "fac_finance")
    assert hq_review.assignee_id is None and sales.ready_elements(hq_review.instance) == ["Task_FinanceReview"]


def test_once_claimed_the_outsider_is_not_told_who_holds_it(sales, hq_review):
    tasks.claim_task(hq_review.id, sales.user("finance"))
    with pytest.raises(Forbidden) as caught:  # not "claimed_by_other": he was never a candidate
        sales.approve(hq_review.instance, "Task_FinanceReview", "fac_finance")
    assert caught.value.code != "claimed_by_other"


def test_a_delegation_from_hqs_finance_to_the_factorys_finance_is_honoured(sales, hq_review):
    _grant(sales, "finance", "fac_finance")
    deputy = sales.user("fac_finance")
    assert hq_review.id in _listed(deputy)
    claimed = tasks.claim_task(hq_review.id, deputy)
    assert claimed.assignee_id == deputy.id and claimed.delegated_from.username == "finance"


def test_a_delegation_from_the_factorys_finance_grants_nothing_on_hqs_tasks(sales, hq_review):
    _grant(sales, "fac_finance", "order_clerk")  # an HQ colleague without the finance role
    colleague = sales.user("order_clerk")
    assert hq_review.id not in _listed(colleague)
    with pytest.raises(Forbidden):
        tasks.claim_task(hq_review.id, colleague)


def test_task_available_goes_only_to_the_tasks_organisation(sales, hq_review):
    told = set(db.session.scalars(select(Notification.user_id).where(
        Notification.task_id == hq_review.id, Notification.kind == "task_available")))
    assert sales.user("finance").id in told and sales.user("fac_finance").id not in told


def test_the_factorys_own_finance_step_is_the_factorys(sales):
    """The reverse: a factory employee's request goes to the factory's role holders only."""
    from app.ledger.org_units import join_org

    join_org(sales.user("rep_east2"), org_by_code("FAC"))
    db.session.commit()
    instance = sales.start("expense_advance", ADVANCE, "rep_east2")
    sales.approve(instance, "Task_ManagerApproval", "rm_east")
    review = sales.task(instance, "Task_FinanceReview")
    assert instance.org_unit_id == org_by_code("FAC").id == review.candidate_org_id
    assert review.id in _listed(sales.user("fac_finance")) and review.id not in _listed(sales.user("finance"))


def test_a_manager_oversees_overdue_role_tasks_only_of_the_organisation_their_report_works_in(sales, hq_review):
    hq_review.due_at = clock.now() - timedelta(hours=1)
    db.session.commit()
    finance = sales.user("finance")
    assert sales.user("fac_finance").manager_id == finance.id  # the factory's finance reports to HQ's
    assert hq_review in overdue_for_manager(finance.manager)  # HQ's finance could take it
    assert hq_review not in overdue_for_manager(finance)  # his report at the factory could not


def test_f18_supplier_steps_go_to_the_suppliers_keeper_and_the_receipt_to_the_buyers(sales, customer_code):
    instance = to_signing(sales, customer_code)
    signing = sales.task(instance, "Task_SignTransfer")
    assert signing.candidate_org_id == org_by_code("FAC").id
    assert signing.id in _listed(sales.user(SIGNER)) and signing.id not in _listed(sales.user(KEEPER))
    with pytest.raises(Forbidden):
        tasks.claim_task(signing.id, sales.user(KEEPER))
    sign(sales, instance)
    send(sales, instance)
    receiving = sales.task(instance, "Task_ReceiveTransfer")
    assert receiving.candidate_org_id == org_by_code("HQ").id
    assert receiving.id in _listed(sales.user(KEEPER)) and receiving.id not in _listed(sales.user(SIGNER))
    with pytest.raises(Forbidden):
        tasks.claim_task(receiving.id, sales.user(SIGNER))


def test_internal_settlement_sides_go_to_each_sides_finance(sales, customer_code):
    from tests.support.cross_org_flow import receive, ship, signed_for

    shipped = to_signing(sales, customer_code)
    sign(sales, shipped)
    send(sales, shipped)
    receive(sales, shipped, 10)
    ship(sales, shipped)
    sales.complete(shipped, "Task_CustomerSigns", "driver", signed_for(10))
    instance = sales.start("internal_settlement", {"period": "2026-12", "supplier_org": "FAC", "buyer_org": "HQ",
                                                   "settle_date": "2026-12-05"}, "finance")
    supplier_side = sales.task(instance, "Task_SupplierConfirms")
    assert supplier_side.id in _listed(sales.user("fac_finance"))
    assert supplier_side.id not in _listed(sales.user("finance"))
    with pytest.raises(Forbidden):
        tasks.claim_task(supplier_side.id, sales.user("finance"))
    sales.complete(instance, "Task_SupplierConfirms", "fac_finance",
                   {"confirm_decision": "confirm", "confirm_reason": "与调拨出入库核对一致"})
    buyer_side = sales.task(instance, "Task_BuyerConfirms")
    assert buyer_side.id in _listed(sales.user("finance")) and buyer_side.id not in _listed(sales.user("fac_finance"))
    with pytest.raises(Forbidden):
        tasks.claim_task(buyer_side.id, sales.user("fac_finance"))
