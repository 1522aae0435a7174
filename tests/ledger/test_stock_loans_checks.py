"""Invariant 11 (goods on loan) catches what it states: a running total of
a loan line that no event explains, goods at "lent" that no loan line
accounts for, and goods lent out 1406 that differ from the goods at "lent"."""
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from app.extensions import db
from app.ledger.journal import Line, post
from app.ledger.loan_checks import stock_loans
from app.models import StockLoanLine, StockLoanMovement, StockMovement
from tests.ledger.test_stock_loans import _delivered


def test_a_clean_loan_passes(world):
    _delivered(world)
    assert stock_loans()["ok"]


def test_a_returned_quantity_without_its_return_is_caught(world):
    _delivered(world)
    line = db.session.scalar(select(StockLoanLine))
    line.qty_returned = Decimal(1)  # mutable running total, but no event and no movement back
    db.session.flush()
    assert not stock_loans()["ok"]


def test_goods_taken_off_lent_behind_the_loan_are_caught(world):
    _delivered(world)
    line = db.session.scalar(select(StockLoanLine))
    moved = StockMovement(kind="outbound", material_id=line.material_id, qty=Decimal(-1), unit_cost=Decimal(500),
                          batch_no="B2610-P200", movement_date=line.loan.lent_date, location="lent",
                          warehouse_id=line.loan.warehouse_id, source_key="planted", seq=1)
    db.session.add(moved)
    db.session.add(StockLoanMovement(loan_line=line, movement=moved))
    db.session.flush()
    result = stock_loans()
    assert not result["ok"] and Decimal(result["violations"][0]["at_lent"]) == 2


def test_goods_lent_out_in_the_ledger_must_match_the_goods_at_lent(world):
    loan = _delivered(world)
    post("planted", 1, date(2026, 12, 1), [Line("1406", "D", Decimal("10.00")), Line("1405", "C", Decimal("10.00"))])
    result = stock_loans()
    assert not result["ok"] and result["violations"][-1]["account"] == "1406", loan
