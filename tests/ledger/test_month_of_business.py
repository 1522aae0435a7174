"""A scripted month on the demo master data: every document kind, then the
reconciliation — and every invariant holds."""
from decimal import Decimal

from sqlalchemy import func, select

from app.demo.master_data import load_demo_master_data
from app.demo.month import run_demo_month
from app.extensions import db
from app.ledger.balances import customer_advances_total, customer_receivables_total
from app.models import Customer, EmployeeAdvance, Invoice, LedgerEntry


def test_a_month_of_business_reconciles(org):
    load_demo_master_data()
    result = run_demo_month("2026-11")
    assert result["reconciliation"]["balanced"] is True, result["reconciliation"]
    assert all(check["ok"] for check in result["checks"]), [c for c in result["checks"] if not c["ok"]]
    dealer = db.session.scalar(select(Customer).where(Customer.code == "D00001"))
    assert customer_receivables_total(dealer.id) == 0 and customer_advances_total(dealer.id) == Decimal("500.00")
    kinds = dict(db.session.execute(select(Invoice.kind, func.count()).group_by(Invoice.kind)).all())
    assert kinds == {"blue": 3, "red": 1}
    advance = db.session.scalar(select(EmployeeAdvance))
    assert advance.amount == Decimal("3000.00")
    totals = result["report"]["totals"]["month"]
    assert Decimal(totals["received"]) > 0 and Decimal(totals["invoiced"]) > 0 and Decimal(totals["shipped"]) > 0
    assert result["assessment"]["allocations"], result["assessment"]
    entries = db.session.scalar(select(func.count()).select_from(LedgerEntry))
    again = run_demo_month("2026-11")  # replayed: every step is keyed, nothing posts twice
    assert again["invoices"] == result["invoices"]
    assert db.session.scalar(select(func.count()).select_from(LedgerEntry)) == entries


def test_demo_month_command(org, cli):
    load_demo_master_data()
    result = cli.invoke(args=["ledger", "demo-month", "--month", "2026-11"])
    assert result.exit_code == 0, result.output
    assert "reconciliation ok" in result.output
