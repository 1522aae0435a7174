"""The sales summary the monthly report reads (app/ledger/sales_facts.py):
after a month of real postings it equals a recount from the documents, the
migration's backfill fills it with the same rows as the postings did, and
two sessions adding to the same row at once lose nothing."""
import importlib.util
import threading
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select, type_coerce

from app.extensions import db
from app.ledger import sales_facts
from app.ledger.report_facts import facts
from app.models import SalesFactDaily, SalesFactMonthly
from app.models.types import Money

MIGRATION = next((Path(__file__).resolve().parents[2] / "migrations" / "versions").glob("*_sales_fact_summary__*.py"))


def _daily() -> dict:
    return {(r.day, r.measure, r.salesperson_id, r.customer_id, r.region, r.class_id): r.amount
            for r in db.session.scalars(select(SalesFactDaily)) if r.amount}


def _monthly() -> dict:
    return {(r.month, r.measure, r.salesperson_id, r.region, r.class_id): r.amount
            for r in db.session.scalars(select(SalesFactMonthly)) if r.amount}


def _recount() -> dict:
    """The documents summed on their own (report_facts), keyed as the summary."""
    found = facts(date(2000, 1, 1), date(2100, 1, 1))
    rows = db.session.execute(select(found.c.day, found.c.measure, found.c.salesperson_id, found.c.customer_id,
                                     found.c.region, found.c.class_id, type_coerce(func.sum(found.c.amount), Money()))
                              .group_by(found.c.day, found.c.measure, found.c.salesperson_id, found.c.customer_id,
                                        found.c.region, found.c.class_id))
    return {(day, measure, rep or 0, customer, region or "", class_id or 0): amount
            for day, measure, rep, customer, region, class_id, amount in rows if amount}


def _rolled_up(daily: dict) -> dict:
    months: dict = {}
    for (day, measure, rep, _, region, class_id), amount in daily.items():
        key = (day.replace(day=1), measure, rep, region, class_id)
        months[key] = months.get(key, Decimal(0)) + amount
    return {key: amount for key, amount in months.items() if amount}


@pytest.fixture
def month_of_postings(world, act, sell):
    """October and November: whole and partial shipments, invoices, a return
    after invoicing (red invoice), receipts and a reversed receipt."""
    sell("D00002", [("P100", 1)], day="2026-10-20")
    sell("D00001", [("P100", 10)], day="2026-11-03")
    order, _ = sell("C00001", [("P200", 2), ("V10", "1.5")], day="2026-11-04")
    partial = act("ledger.create_sales_order", customer="D00001", date="2026-11-05",
                  lines=[{"material": "P200", "qty": 3}])
    note = act("ledger.create_shipping_note", order=partial["order_no"], lines=[{"line_no": 1, "qty": 1}], date="2026-11-05")
    act("ledger.post_outbound", shipping_note=note["shipping_note_no"], date="2026-11-05")  # 1 of 3
    act("ledger.issue_invoice", order=partial["order_no"], lines=[{"line_no": 1, "qty": 1}], date="2026-11-06")
    act("ledger.post_return", order=order, lines=[{"line_no": 1, "qty": 1}], date="2026-11-08")  # a red invoice
    act("ledger.record_receipt", customer="D00001", amount="500", date="2026-11-10")
    act("ledger.record_receipt", customer="D00001", amount="250.50", date="2026-11-10")  # same row as the first
    mistaken = act("ledger.record_receipt", customer="D00002", amount="300", date="2026-11-11")
    act("ledger.reverse_receipt", receipt=mistaken["receipt_no"], reason="银行流水重复录入", date="2026-11-12")


def test_the_summary_equals_a_recount_of_the_documents(month_of_postings):
    daily = _daily()
    assert daily == _recount()
    assert _monthly() == _rolled_up(daily)
    measures = {measure for _, measure, *_ in daily}
    assert measures == {"shipped", "invoiced", "received"}
    assert any(amount < 0 for (_, measure, *_), amount in daily.items() if measure == "invoiced")  # the red invoice
    november = {key: amount for key, amount in daily.items() if key[0] == date(2026, 11, 10)}
    assert list(november.values()) == [Decimal("750.50")]  # two receipts, one row
    reversed_on = [amount for key, amount in daily.items() if key[0] == date(2026, 11, 12)]
    assert reversed_on == [Decimal("-300.00")]


def test_the_migrations_backfill_equals_what_the_postings_kept(month_of_postings):
    live_daily, live_monthly = _daily(), _monthly()
    db.session.execute(delete(SalesFactMonthly))
    db.session.execute(delete(SalesFactDaily))
    spec = importlib.util.spec_from_file_location("sales_fact_summary", MIGRATION)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    migration.backfill(db.session.connection())
    db.session.expire_all()
    assert _daily() == live_daily and _monthly() == live_monthly
    assert live_daily


@pytest.mark.postgresql_only
def test_two_sessions_adding_to_the_same_row_lose_nothing(committed_app):
    barrier, failures, rounds = threading.Barrier(2), [], 15

    def post(amount):
        with committed_app.app_context():
            try:
                for _ in range(rounds):
                    barrier.wait(timeout=20)  # both insert (or update) the same key at once
                    sales_facts.add_facts("received", date(2026, 11, 20), 7, 42, "华东", {None: amount})
                    db.session.commit()
            except Exception as error:  # noqa: BLE001  (reported below)
                failures.append(error)
                db.session.rollback()
            finally:
                db.session.remove()

    threads = [threading.Thread(target=post, args=(Decimal(a),)) for a in ("100.00", "0.01")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    with committed_app.app_context():
        assert db.session.scalar(select(SalesFactDaily.amount)) == Decimal("1500.15")
        assert db.session.scalar(select(func.count()).select_from(SalesFactDaily)) == 1
        assert db.session.scalar(select(SalesFactMonthly.amount).where(
            SalesFactMonthly.month == date(2026, 11, 1))) == Decimal("1500.15")
