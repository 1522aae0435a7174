"""Whose organisation a person is, asked by every role check of a task, is
looked up once per transaction (``org_units.org_id_of``): the answer never
outlives a membership added in the same transaction, nor the transaction
itself. Attacked the way a stale answer would be used: a finance person
moved to the factory who could still take the head company's step, and
a membership rolled back that would still open the factory's steps."""
from app.extensions import db
from app.ledger.org_units import join_org, org_by_code, org_id_of
from app.services.work_list import WorkList
from tests.engine.test_role_scope import ADVANCE


def _hq_review(sales):
    instance = sales.start("expense_advance", ADVANCE, "rep_east1")
    sales.approve(instance, "Task_ManagerApproval", "rm_east")
    return sales.task(instance, "Task_FinanceReview")


def test_a_membership_added_in_the_transaction_changes_the_answer_at_once(sales):
    review = _hq_review(sales)
    finance = sales.user("finance")
    hq, fac = org_by_code("HQ"), org_by_code("FAC")
    assert org_id_of(finance.id) == hq.id and review.id in {t.id for t in WorkList(finance).every_task()}
    join_org(finance, fac)  # moved to the factory, in the same transaction that asked before
    assert org_id_of(finance.id) == fac.id
    assert review.id not in {t.id for t in WorkList(finance).every_task()}
    assert WorkList(finance).counts()["claimable"] == 0


def test_a_rolled_back_membership_is_forgotten_with_its_transaction(sales):
    finance = sales.user("finance")
    hq, fac = org_by_code("HQ"), org_by_code("FAC")
    savepoint = db.session.begin_nested()
    join_org(finance, fac)
    assert org_id_of(finance.id) == fac.id
    savepoint.rollback()
    assert org_id_of(finance.id) == hq.id
    review = _hq_review(sales)
    assert review.id in {t.id for t in WorkList(finance).every_task()}


def test_the_answer_is_asked_once_per_transaction(sales):
    from sqlalchemy import event

    finance = sales.user("finance")
    db.session.commit()
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        for _ in range(5):
            org_id_of(finance.id)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert sum("org_unit_member" in statement for statement in statements) == 1
