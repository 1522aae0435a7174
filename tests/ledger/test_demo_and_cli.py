"""The demo master data and ``flask ledger check``."""
from collections import Counter
from datetime import date

from sqlalchemy import func, select

from app.demo.master_data import load_demo_master_data
from app.extensions import db
from app.ledger import checks, pricing
from app.models import Contract, Customer, Material, PriceItem, StockMovement


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_demo_master_data_is_complete_consistent_and_idempotent(org):
    first = load_demo_master_data()
    customers = db.session.scalars(select(Customer)).all()
    assert len(customers) >= 30 and _count(Material) >= 40
    assert set(Counter(c.region for c in customers)) == {"华东", "华南", "华北", "西南", "东北"}
    assert {c.channel for c in customers} == {"dealer", "direct", "mail_order"}
    for customer in customers:  # each region's customers are served by a rep of that region
        assert customer.salesperson.username.startswith("rep_") and customer.salesperson.region == customer.region
        assert customer.class_id is not None
    assert all(m.spec and m.unit for m in db.session.scalars(select(Material)))
    assert pricing.rule_problems() == []
    assert pricing.coverage_gaps(date(2026, 11, 2)) == []
    # two opening batches per stocked material in the main warehouse, one in the factory's (FAC1);
    # the service work F20 orders (SVC001) is never in stock
    stocked = db.session.scalar(select(func.count()).select_from(Material).where(Material.saleable.is_(True)))
    assert _count(StockMovement) == 3 * stocked
    signed = db.session.scalars(select(Contract)).all()
    assert first["contracts"] == len(signed) == 10  # a provincial dealer and a key direct customer per region
    assert {c.customer.customer_class for c in signed} == {"DEALER_PROV", "DIRECT_KA"}
    assert all(c.number == f"HT-DEMO-{c.customer.code}" and c.amount_cap > 0 for c in signed)
    before = {model: _count(model) for model in (Customer, Material, PriceItem, StockMovement, Contract)}
    assert load_demo_master_data() == first
    assert {model: _count(model) for model in before} == before
    assert all(result["ok"] for result in checks.run_all())


def test_a_demo_order_naming_its_contract_is_checked_against_the_cap(org, act):
    import pytest

    from app.actions import BusinessRuleViolation

    load_demo_master_data()
    dealer = db.session.scalar(select(Contract).join(Customer).where(Customer.customer_class == "DEALER_PROV"))
    code, number = dealer.customer.code, dealer.number
    order = act("ledger.create_sales_order", customer=code, lines=[{"material": "PCF001", "qty": 2}], date="2026-11-03",
                contract_number=number)
    assert order["order_no"].startswith("SO202611-")
    with pytest.raises(BusinessRuleViolation) as raised:
        act("ledger.create_sales_order", customer=code, lines=[{"material": "PMS006", "qty": 300}], date="2026-11-03",
            contract_number=number)
    assert raised.value.code == "contract_cap_exceeded"


def test_ledger_check_command_reports_and_fails_on_a_violation(world, sell, cli):
    sell("D00001", [("P100", 2)])
    result = cli.invoke(args=["ledger", "check", "--month", "2026-11"])
    assert result.exit_code == 0, result.output
    assert "ok   entries_balance" in result.output
    from app.models import LedgerEntry

    db.session.add(LedgerEntry(source_type="import", source_id=7, account="1122", debit=1, credit=0,
                               posting_date=date(2026, 11, 3)))
    db.session.flush()
    result = cli.invoke(args=["ledger", "check"])
    assert result.exit_code == 1 and "FAIL entries_balance" in result.output
    assert cli.invoke(args=["ledger", "check", "--month", "11-2026"]).exit_code == 2
