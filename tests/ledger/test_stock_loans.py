"""F17 stock loans in the ledger: lent out of the warehouse to location
"lent" (no revenue, 1405 → 1406), signed for with a loss, converted into an
order whose outbound is back-filled from "lent" (counted once), returned
through quality, lost; the credit check counting goods on loan; the
invariants after every posting, and the refusals."""
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.actions import ActionCall, BusinessRuleViolation, run_action
from app.extensions import db
from app.ledger import checks
from app.ledger.balances import exposure
from app.ledger.shipping import on_hand
from app.ledger.stock_places import main_warehouse
from app.models import LedgerEntry, SalesOrderLine, StockMovement
from tests.support.ledger_harness import all_invariants_hold

D = Decimal


class Loan:
    """One request of the rep: its calls share the instance, as a flow's would."""

    counter = iter(range(5000, 6000))

    def __init__(self, world, approvers=None):
        self.world, self.instance = world, next(self.counter)
        approvers = approvers or {"Task_ManagerApproval": world.director.id, "Task_DirectorApproval": world.director.id,
                                  "Task_GMApproval": world.gm.id}
        self.approved = lambda steps: next((approvers[s] for s in steps if s in approvers), None)
        self.steps = iter(range(1, 100))

    def act(self, operation, *, actor=None, **params):
        call = ActionCall(self.instance, f"t{next(self.steps)}", "Task_Test", operation,
                          (actor or self.world.rep).id, self.approved)
        return run_action(call, params)


def _balance(account):
    return db.session.scalar(select(func.coalesce(func.sum(LedgerEntry.debit) - func.sum(LedgerEntry.credit), 0))
                             .where(LedgerEntry.account == account))


def _lent(world, customer="D00001", lines=(("P200", 3),), expected="2026-12-20", **kw):
    loan = Loan(world, **kw)
    made = loan.act("ledger.request_stock_loan", customer=customer, purpose="trial", expected_date=expected,
                    lines=[{"material": m, "qty": q} for m, q in lines])
    loan.no = made["loan_no"]
    return loan, made


def _delivered(world, lines=(("P200", 3),), received=None, **kw):
    loan, made = _lent(world, lines=lines, **kw)
    loan.act("ledger.post_stock_loan", loan=loan.no)
    loan.act("ledger.sign_stock_loan", loan=loan.no, receiver_name="王强",
             received=received or [{"line_no": i, "received_qty": q} for i, (_, q) in enumerate(lines, start=1)])
    return loan


def test_loan_out_moves_goods_to_lent_without_revenue_and_keeps_inventory_true(world):
    before = on_hand(world.p200.id)
    loan, made = _lent(world)
    assert made["value"] == "3390.00" and made["loan_days"] == 19 and made["gm_required"] is False  # 1130 × 3 incl. VAT
    result = loan.act("ledger.post_stock_loan", loan=loan.no)
    assert result["status"] == "lent" and on_hand(world.p200.id) == before - 3
    moves = db.session.scalars(select(StockMovement).where(StockMovement.kind == "loan_out")).all()
    assert sorted((m.location, m.qty) for m in moves) == [("lent", D(3)), ("warehouse", D(-3))]
    assert {m.batch_no for m in moves} == {"B2610-P200"} and {m.warehouse_id for m in moves} == {main_warehouse().id}
    assert _balance("1406") == D("1500.00") and _balance("6001") == 0  # at cost 500 × 3, no revenue
    assert all_invariants_hold()


def test_signed_receipt_with_loss_writes_it_off_with_its_reason(world):
    loan = _delivered(world, received=[{"line_no": 1, "received_qty": 2, "loss_reason": "运输中摔坏"}])
    result = loan.act("ledger.convert_stock_loan", loan=loan.no, lines=[{"line_no": 1, "qty": 2}])
    assert result["loan"]["lines"][0]["qty_lost"] == "1" and result["loan"]["lines"][0]["still_out"] == "0"
    assert _balance("6711") == D("500.00") and _balance("1406") == D("1000.00")
    assert all_invariants_hold()


def test_a_loss_needs_its_reason(world):
    loan, _ = _lent(world)
    loan.act("ledger.post_stock_loan", loan=loan.no)
    with pytest.raises(BusinessRuleViolation) as raised:
        loan.act("ledger.sign_stock_loan", loan=loan.no, receiver_name="王强", received=[{"line_no": 1, "received_qty": 2}])
    assert (raised.value.code, raised.value.field) == ("loss_reason_required", "received")


def test_convert_part_backfills_the_outbound_from_lent_once_then_return_the_rest_through_quality(world):
    loan = _delivered(world, lines=(("P200", 3), ("P100", 10)))
    stock_p200 = on_hand(world.p200.id)
    order = loan.act("ledger.convert_stock_loan", loan=loan.no, lines=[{"line_no": 1, "qty": 2}, {"line_no": 2, "qty": 10}])
    assert order["status"] == "draft" and [l["unit_price"] for l in order["lines"]] == ["1130.00000000", "95.50000000"]
    assert all_invariants_hold()
    loan.act("ledger.approve_sales_order", order=order["order_no"], actor=world.director)
    filled = loan.act("ledger.backfill_loan_outbound", order=order["order_no"])
    assert on_hand(world.p200.id) == stock_p200  # no second picking
    outbound = db.session.scalars(select(StockMovement).where(StockMovement.kind == "outbound")).all()
    assert sorted((m.location, m.qty) for m in outbound) == [("lent", D(-10)), ("lent", D(-2))]
    assert filled["cost"] == "1600.00" and _balance("6401") == D("1600.00") and _balance("1406") == D("500.00")
    lines = db.session.scalars(select(SalesOrderLine).order_by(SalesOrderLine.line_no)).all()
    assert [l.qty_delivered for l in lines] == [D(2), D(10)]
    assert checks.month_figures("2026-12")["outbound_qty"] == "12"  # the back-filled outbound counted once
    assert all_invariants_hold()
    invoice = loan.act("ledger.issue_invoice", order=order["order_no"])
    assert invoice["invoice_no"] and all_invariants_hold()
    back = loan.act("ledger.return_stock_loan", loan=loan.no, returned=[{"line_no": 1, "qty": 1}],
                    inspection=[{"line_no": 1, "quality": "defective"}])
    assert back["status"] == "closed" and _balance("1406") == 0
    assert on_hand(world.p200.id) == stock_p200  # defective: quarantined, not offered to orders
    quarantined = db.session.scalar(select(StockMovement).where(StockMovement.kind == "loan_return", StockMovement.qty > 0))
    assert (quarantined.location, quarantined.stock_status) == ("warehouse", "quarantine")
    assert all_invariants_hold()


def test_convert_all_closes_the_loan(world):
    loan = _delivered(world)
    order = loan.act("ledger.convert_stock_loan", loan=loan.no, lines=[{"line_no": 1, "qty": 3}])
    loan.act("ledger.approve_sales_order", order=order["order_no"], actor=world.director)
    assert loan.act("ledger.backfill_loan_outbound", order=order["order_no"])["loan"]["status"] == "closed"
    assert all_invariants_hold()


def test_rejected_conversion_puts_the_goods_back_on_loan(world):
    loan = _delivered(world)
    order = loan.act("ledger.convert_stock_loan", loan=loan.no, lines=[{"line_no": 1, "qty": 3}])
    result = loan.act("ledger.unconvert_stock_loan", order=order["order_no"], reason="价格未谈妥")
    assert result["lines"][0]["still_out"] == "3" and all_invariants_hold()


def test_converting_more_than_is_out_is_refused(world):
    loan = _delivered(world)
    with pytest.raises(BusinessRuleViolation) as raised:
        loan.act("ledger.convert_stock_loan", loan=loan.no, lines=[{"line_no": 1, "qty": 4}])
    assert (raised.value.code, raised.value.field) == ("over_loan", "lines")


def test_credit_check_counts_goods_on_loan(world):
    assert exposure(world.c2.id) == 0  # limit 1,000
    loan, made = _lent(world, customer="D00002", lines=(("P100", 5),))
    assert made["value"] == "565.00"
    loan.act("ledger.post_stock_loan", loan=loan.no)
    assert exposure(world.c2.id) == D("565.00")
    with pytest.raises(BusinessRuleViolation) as raised:
        _lent(world, customer="D00002", lines=(("P100", 4),))
    assert raised.value.code == "credit_hold" and raised.value.details["exposure"] == "565.00"


def test_posting_needs_the_approvals_of_record_and_never_the_requesters_own(world):
    loan, _ = _lent(world, approvers={"Task_ManagerApproval": 0})
    loan.approved = lambda steps: None
    with pytest.raises(BusinessRuleViolation) as raised:
        loan.act("ledger.post_stock_loan", loan=loan.no)
    assert raised.value.code == "not_approved"
    loan.approved = lambda steps: world.rep.id
    with pytest.raises(BusinessRuleViolation) as raised:
        loan.act("ledger.post_stock_loan", loan=loan.no)
    assert raised.value.code == "own_approval"


def test_a_long_or_large_loan_needs_the_general_manager(world):
    loan, made = _lent(world, expected="2027-01-15")
    assert made["gm_required"] is True
    no_gm = {"Task_ManagerApproval": world.director.id, "Task_DirectorApproval": world.director.id}
    loan.approved = lambda steps: next((no_gm[s] for s in steps if s in no_gm), None)
    with pytest.raises(BusinessRuleViolation) as raised:
        loan.act("ledger.post_stock_loan", loan=loan.no)
    assert raised.value.code == "not_approved"


def test_another_requests_loan_is_refused(world):
    loan = _delivered(world)
    other = Loan(world)
    with pytest.raises(BusinessRuleViolation) as raised:
        other.act("ledger.convert_stock_loan", loan=loan.no, lines=[{"line_no": 1, "qty": 1}])
    assert raised.value.code == "not_this_request"


def test_extension_moves_the_date_and_overdue_loans_are_listed(world):
    loan = _delivered(world, expected="2026-12-10")
    loan.act("ledger.extend_stock_loan", loan=loan.no, new_expected_date="2026-12-28")
    with pytest.raises(BusinessRuleViolation) as raised:
        loan.act("ledger.extend_stock_loan", loan=loan.no, new_expected_date="2026-12-20")
    assert raised.value.code == "invalid_loan_days"
    [overdue] = checks.month_figures("2026-12")["overdue_loans"]
    assert (overdue["loan"], overdue["expected_date"], overdue["days_overdue"], overdue["value_out"]) == (
        loan.no, "2026-12-28", 4, "3390.00")
    assert checks.month_figures("2026-11")["overdue_loans"] == []


def test_lost_at_the_customer_is_written_off(world):
    loan = _delivered(world)
    result = loan.act("ledger.return_stock_loan", loan=loan.no,
                      returned=[{"line_no": 1, "qty": 2, "lost_qty": 1, "loss_reason": "客户现场丢失"}])
    assert result["status"] == "closed" and _balance("6711") == D("500.00") and _balance("1406") == 0
    assert all_invariants_hold()
