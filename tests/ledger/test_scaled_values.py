"""A figure set on an object reads as its column will store it: the session
keeps objects loaded across commits (app/extensions.py), so without this an
amount set as ``1000`` read ``1000`` in the request that set it and
``1000.00`` in every later one (and a quantity ``2`` against ``2.0000``)."""
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.exc import StatementError

from app.extensions import db
from app.models import Customer


def _customer(**fields) -> Customer:
    return Customer(code="SV0001", name="标度测试客户", customer_class="DEALER", channel="direct", region="华东", **fields)


def test_an_amount_reads_at_its_scale_before_and_after_the_commit(ctx):
    customer = _customer(credit_limit=1000)
    assert str(customer.credit_limit) == "1000.00"
    db.session.add(customer)
    db.session.commit()
    assert str(customer.credit_limit) == "1000.00"
    customer.credit_limit = Decimal("12.345")  # half-up, as the column stores it
    assert customer.credit_limit == Decimal("12.35")
    db.session.commit()
    stored = db.session.execute(select(Customer.credit_limit).where(Customer.code == "SV0001")).scalar_one()
    assert str(stored) == str(customer.credit_limit) == "12.35"


def test_what_is_no_number_is_still_refused_at_the_flush(ctx):
    customer = _customer()
    customer.credit_limit = "not a figure"
    assert customer.credit_limit == "not a figure"  # left as given: the flush decides
    db.session.add(customer)
    with pytest.raises(StatementError):
        db.session.flush()
    db.session.rollback()
