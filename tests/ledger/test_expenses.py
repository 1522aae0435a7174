"""Employee advances, expense claims against them and reimbursements
(invariant 8: paid = claimed + returned + outstanding)."""
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.ledger import checks
from app.models import EmployeeAdvance, ExpenseClaim, LedgerEntry, Reimbursement
from app.actions import BusinessRuleViolation
from tests.support.ledger_harness import all_invariants_hold, new_call

D = Decimal


def _balance(account, employee_id):
    return db.session.scalar(select(func.sum(LedgerEntry.debit) - func.sum(LedgerEntry.credit)).where(
        LedgerEntry.account == account, LedgerEntry.salesperson_id == employee_id)) or D(0)


def test_advance_claim_return_and_reimbursement(world, act):
    advance = act("ledger.pay_advance", employee="rep_test", amount="5000", purpose="杭州展会推广", date="2026-11-03")
    assert advance["outstanding"] == "5000.00" and advance["advance_no"].startswith("EA202611-")
    first = act("ledger.settle_advance", advance=advance["advance_no"], returned="500", date="2026-11-20",
                claim_lines=[{"category": "展位费", "amount": "3200"}, {"category": "差旅费", "amount": 800}])
    assert (first["claimed"], first["applied"], first["returned"], first["payable"], first["outstanding"]) == \
        ("4000.00", "4000.00", "500.00", "0.00", "500.00")
    assert _balance("1221", world.rep.id) == D("500.00")
    assert all_invariants_hold()
    second = act("ledger.settle_advance", advance=advance["advance_no"], date="2026-11-25",
                 claim_lines=[{"category": "招待费", "amount": "700"}])
    assert (second["applied"], second["payable"], second["outstanding"]) == ("500.00", "200.00", "0.00")
    assert _balance("2241", world.rep.id) == D("-200.00")
    paid = act("ledger.pay_reimbursement", claim=second["claim_no"], date="2026-11-26")
    assert (paid["amount"], paid["still_due"], paid["employee"]) == ("200.00", "0.00", "rep_test")
    assert _balance("2241", world.rep.id) == 0 and _balance("6601", world.rep.id) == D("4700.00")
    with pytest.raises(BusinessRuleViolation) as raised:
        act("ledger.pay_reimbursement", claim=second["claim_no"], date="2026-11-27")
    assert raised.value.code == "nothing_to_pay"
    assert all_invariants_hold("2026-11")


@pytest.mark.parametrize("lines, applied, returned, payable", [
    ([{"category": "展位费", "amount": "600"}], "600.00", "400.00", "0.00"),                                 # below: rest back
    ([{"category": "展位费", "amount": "600"}, {"category": "餐费", "amount": "700.5"}], "1000.00", "0.00", "300.50"),
    ([{"category": "展位费", "amount": "1000"}], "1000.00", "0.00", "0.00"),
])
def test_closing_a_claim_settles_the_advance_for_good(world, act, lines, applied, returned, payable):
    advance = act("ledger.pay_advance", employee="rep_test", amount="1000", purpose="推广", date="2026-11-03")
    claim = act("ledger.settle_advance", advance=advance["advance_no"], claim_lines=lines, returned="1", close=True,
                date="2026-11-20")
    assert (claim["applied"], claim["returned"], claim["payable"], claim["outstanding"]) == (applied, returned, payable,
                                                                                             "0.00")
    assert _balance("1221", world.rep.id) == 0 and _balance("2241", world.rep.id) == -D(payable)
    assert all_invariants_hold()


@pytest.mark.parametrize("params, code", [
    ({"claim_lines": [{"category": "差旅费", "amount": "100"}], "returned": "950"}, "over_return"),
    ({"claim_lines": []}, "empty_claim"),
    ({"claim_lines": [{"category": "差旅费", "amount": "-5"}]}, "invalid_amount"),
    ({"claim_lines": [{"category": "", "amount": "5"}]}, "missing_category"),
    ({"claim_lines": [{"category": "差旅费", "amount": "5"}], "advance": "EA209901-0001"}, "unknown_employee_advance"),
])
def test_claims_that_break_a_rule(world, act, params, code):
    advance = act("ledger.pay_advance", employee="rep_test", amount="1000", purpose="推广", date="2026-11-03")
    with pytest.raises(BusinessRuleViolation) as raised:
        act("ledger.settle_advance", **{"advance": advance["advance_no"], "date": "2026-11-04", **params})
    assert raised.value.code == code


@pytest.mark.parametrize("params, code", [
    ({"employee": "nobody", "amount": "10", "purpose": "x"}, "unknown_user"),
    ({"employee": "rep_test", "amount": "0", "purpose": "x"}, "invalid_amount"),
    ({"employee": "rep_test", "amount": "10", "purpose": " "}, "missing_purpose"),
])
def test_advances_that_break_a_rule(world, act, params, code):
    with pytest.raises(BusinessRuleViolation) as raised:
        act("ledger.pay_advance", date="2026-11-03", **params)
    assert raised.value.code == code


def test_expense_actions_post_once_per_call(world, act):
    def twice(operation, **params):
        call = new_call(operation)
        first = act(operation, call=call, **params)
        counts = [db.session.scalar(select(func.count()).select_from(m))
                  for m in (EmployeeAdvance, ExpenseClaim, Reimbursement, LedgerEntry)]
        assert act(operation, call=call, **params) == first
        assert counts == [db.session.scalar(select(func.count()).select_from(m))
                          for m in (EmployeeAdvance, ExpenseClaim, Reimbursement, LedgerEntry)]
        return first

    advance = twice("ledger.pay_advance", employee="rep_test", amount="100", purpose="推广", date="2026-11-03")
    claim = twice("ledger.settle_advance", advance=advance["advance_no"], claim_lines=[{"category": "x", "amount": "130"}],
                  date="2026-11-04")
    twice("ledger.pay_reimbursement", claim=claim["claim_no"], amount="10", date="2026-11-05")
    assert all_invariants_hold()


def test_invariant_8_sees_an_advance_the_documents_do_not_explain(world, act):
    act("ledger.pay_advance", employee="rep_test", amount="300", purpose="推广", date="2026-11-03")
    assert checks.employee_advances()["ok"]
    db.session.add_all([
        LedgerEntry(source_type="import", source_id=1, account="1221", salesperson_id=world.rep.id, debit=D("50"),
                    credit=D("0"), posting_date=date(2026, 11, 4)),
        LedgerEntry(source_type="import", source_id=1, account="1002", salesperson_id=world.rep.id, debit=D("0"),
                    credit=D("50"), posting_date=date(2026, 11, 4)),
    ])
    db.session.flush()
    result = checks.employee_advances()
    assert not result["ok"] and result["violations"] == [
        {"account": "1221", "employee_id": world.rep.id, "documents": "300.00", "ledger": "350.00"}]


@pytest.mark.parametrize("statement", ["UPDATE employee_advance SET amount = 1", "DELETE FROM expense_claim_line",
                                       "UPDATE reimbursement SET amount = 1"])
def test_the_database_refuses_changes_to_expense_documents(world, act, statement):
    import sqlalchemy as sa

    advance = act("ledger.pay_advance", employee="rep_test", amount="100", purpose="推广", date="2026-11-03")
    claim = act("ledger.settle_advance", advance=advance["advance_no"], claim_lines=[{"category": "x", "amount": "130"}],
                date="2026-11-04")
    act("ledger.pay_reimbursement", claim=claim["claim_no"], date="2026-11-05")
    savepoint = db.session.begin_nested()
    with pytest.raises(sa.exc.DatabaseError, match="immutable"):
        db.session.execute(sa.text(statement))
    savepoint.rollback()
