"""Document numbers and customer codes come from a counter row taken in the
writer's transaction: unique under concurrency, continuous, never reissued."""
import threading
import time
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.extensions import db
from app.ledger import collections, customers, journal
from app.models import Customer, Receipt
from tests.support.ledger_harness import new_call


def _customer(code="D00001", name="并发测试客户"):
    buyer = Customer(code=code, name=name, customer_class="DEALER", channel="dealer", region="华东",
                     payment_days=30, credit_limit=Decimal("0"))
    db.session.add(buyer)
    db.session.flush()
    return buyer


def test_numbers_run_on_per_prefix_and_month(ctx):
    buyer = _customer()
    made = [collections.make_receipt(buyer, 10, on=day, source_key=f"k{i}").number
            for i, day in enumerate([date(2026, 11, 3), date(2026, 11, 4), date(2026, 12, 1), date(2026, 11, 30)])]
    assert made == ["RC202611-0001", "RC202611-0002", "RC202612-0001", "RC202611-0003"]


def test_a_fresh_counter_continues_after_the_highest_stored_number(ctx):
    """A database whose documents predate the counters (or a number written
    some other way) is never given a number twice."""
    buyer = _customer()
    db.session.add(Receipt(number="RC202611-0041", customer=buyer, amount=Decimal("5"), receipt_date=date(2026, 11, 2),
                           source_key="imported", created_at=journal.clock.now()))
    db.session.flush()
    assert collections.make_receipt(buyer, 10, on=date(2026, 11, 3), source_key="next").number == "RC202611-0042"
    assert customers.next_customer_code("dealer") == "D00002"
    assert customers.next_customer_code("dealer") == "D00003"
    assert customers.next_customer_code("direct") == "C00001"


def test_a_rolled_back_document_gives_its_number_back(ctx):
    buyer = _customer()
    with pytest.raises(RuntimeError):
        with db.session.begin_nested():
            collections.make_receipt(buyer, 10, on=date(2026, 11, 3), source_key="lost")
            raise RuntimeError("the step failed")
    assert collections.make_receipt(buyer, 10, on=date(2026, 11, 3), source_key="kept").number == "RC202611-0001"


def _race(committed_app, work, count=4):
    """Run ``work(i)`` in ``count`` threads released together, each in its
    own session and transaction that stays open a moment before committing
    (so the transactions overlap). Returns (results, errors)."""
    barrier = threading.Barrier(count)
    results, errors = [], []

    def run(i):
        with committed_app.app_context():
            try:
                barrier.wait(timeout=10)
                value = work(i)
                time.sleep(0.3)
                db.session.commit()
                results.append(value)
            except Exception as exc:  # noqa: BLE001  (the assertion reports it)
                db.session.rollback()
                errors.append(repr(exc))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors


@pytest.mark.postgresql_only
def test_concurrent_receipts_get_distinct_numbers_and_no_error(committed_app):
    with committed_app.app_context():
        buyer_id = _customer().id
        db.session.commit()
        db.session.remove()

    def record(i):
        receipt = collections.make_receipt(db.session.get(Customer, buyer_id), 100 + i, on=date(2026, 11, 5),
                                           source_key=f"race-{i}")
        return receipt.number

    numbers, errors = _race(committed_app, record)
    assert errors == []
    assert sorted(numbers) == [f"RC202611-{n:04d}" for n in range(1, 5)]
    with committed_app.app_context():
        assert sorted(db.session.scalars(select(Receipt.number))) == sorted(numbers)
        db.session.remove()


@pytest.mark.postgresql_only
def test_concurrent_onboarding_gets_distinct_customer_codes(committed_app):
    from app.actions import run_action

    def onboard(i):
        return run_action(new_call("ledger.create_customer"), {"name": f"并发经销商{i}", "region": "华东"})["customer_code"]

    codes, errors = _race(committed_app, onboard)
    assert errors == []
    assert sorted(codes) == [f"D{n:05d}" for n in range(1, 5)]
