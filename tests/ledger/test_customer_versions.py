"""The customer file is versioned (LEDGER.md "Master data"): a change is a new
customer_profile row valid from a date, never an update; the Customer row is
the snapshot of today's version; as-of reads give any other day's."""
from datetime import date, datetime, timezone

import flask_migrate
import pytest
import sqlalchemy as sa
from sqlalchemy import func, select

from app import create_app
from app.extensions import db
from app.ledger.catalogue import customer_by_code
from app.ledger.customers import customer_as_of, refreshed_customer, versions
from app.models import Customer, CustomerCredit, CustomerProfile, PostedRecordImmutable
from app.actions import BusinessRuleViolation
from ledger.harness import new_call

TODAY = date(2026, 12, 1)  # the frozen clock's day


@pytest.fixture
def east_rep2(world):
    from ledger.conftest import _user

    rep = _user("rep_test2", "第二业务员", ["sales_rep"])
    db.session.flush()
    return rep


def _refused(act, code, **params):
    with pytest.raises(BusinessRuleViolation) as raised:
        act("ledger.change_customer", **params)
    assert raised.value.code == code, raised.value.message
    return raised.value


def test_every_customer_has_its_opening_version(world, frozen_clock):
    for customer in (world.c1, world.c2, world.c3):
        [opening] = versions(customer)
        assert opening.valid_from == TODAY  # world was built on the frozen clock, though requested before it
        assert (opening.region, opening.salesperson_id, opening.payment_days, opening.on_hold, opening.active) == (
            customer.region, customer.salesperson_id, customer.payment_days, False, True)
        assert opening.class_id == customer.class_id and opening.class_id is not None


def test_create_customer_writes_version_one(world, act, frozen_clock):
    made = act("ledger.create_customer", name="温州新经销", region="华东", salesperson="rep_test", customer_class="DEALER",
               payment_days=45)
    customer = db.session.get(Customer, made["customer_id"])
    [first] = versions(customer)
    assert (first.valid_from, first.reason, first.payment_days, first.salesperson.username, first.customer_class) == (
        TODAY, "onboarding", 45, "rep_test", "DEALER")


def test_a_customer_made_after_midnight_in_shanghai_opens_on_that_day(world, act, frozen_clock):
    # 2027-01-01 01:30 in Shanghai is still 2026-12-31 in UTC; the books go by Shanghai
    frozen_clock.now = datetime(2026, 12, 31, 17, 30, tzinfo=timezone.utc)
    made = act("ledger.create_customer", name="元旦新经销", region="华东", salesperson="rep_test", customer_class="DEALER")
    onboarded = db.session.get(Customer, made["customer_id"])
    imported = Customer(code="D09999", name="元旦导入客户", customer_class="DEALER", class_node=world.dealer, channel="dealer",
                        region="华东", salesperson=world.rep, payment_days=30)
    db.session.add(imported)
    db.session.flush()
    credit_from = db.session.scalar(select(CustomerCredit.valid_from).where(CustomerCredit.customer_id == onboarded.id))
    assert [versions(c)[0].valid_from for c in (onboarded, imported)] + [credit_from] == [date(2027, 1, 1)] * 3


def test_a_change_is_a_new_version_and_the_snapshot_follows(world, act, east_rep2, frozen_clock):
    result = act("ledger.change_customer", customer="D00001", salesperson="rep_test2", payment_days=60,
                 reason="区域调整")
    assert (result["version"], result["valid_from"], result["effective"], result["current"]) == (2, "2026-12-01", True, True)
    assert result["salesperson"] == "rep_test2" and result["region"] == "华东"  # carried over
    c1 = world.c1
    assert (c1.salesperson_id, c1.payment_days) == (east_rep2.id, 60)
    opening, second = versions(c1)
    assert (opening.salesperson_id, opening.payment_days) == (world.rep.id, 30)  # the old version is untouched
    assert (second.salesperson_id, second.payment_days, second.reason) == (east_rep2.id, 60, "区域调整")


def test_as_of_reads_on_both_sides_of_valid_from(world, act, east_rep2, frozen_clock):
    act("ledger.change_customer", customer="D00001", salesperson="rep_test2", valid_from="2026-12-15", reason="明年起")
    c1 = world.c1
    assert customer_as_of(c1, date(2026, 12, 14)).salesperson_id == world.rep.id
    assert customer_as_of(c1, date(2026, 12, 15)).salesperson_id == east_rep2.id
    assert customer_as_of(c1, date(1999, 1, 1)) is None  # before the customer existed
    # dated in the future: the snapshot keeps today's version ...
    assert c1.salesperson_id == world.rep.id
    order = act("ledger.create_sales_order", customer="D00001", lines=[{"material": "P100", "qty": 1}])
    assert db.session.scalar(select(Customer.salesperson_id).where(Customer.id == c1.id)) == world.rep.id
    # ... until its day comes: the next look-up makes it current, and documents copy it
    frozen_clock.advance(days=14)
    later = act("ledger.create_sales_order", customer="D00001", lines=[{"material": "P100", "qty": 1}])
    from app.models import SalesOrder

    rep_of = {o.number: o.salesperson_id for o in db.session.scalars(select(SalesOrder))}
    assert (rep_of[order["order_no"]], rep_of[later["order_no"]]) == (world.rep.id, east_rep2.id)
    assert c1.salesperson_id == east_rep2.id
    # a document dated before the change still counts for the one who served the customer then
    back_dated = act("ledger.create_sales_order", customer="D00001", lines=[{"material": "P100", "qty": 1}],
                     date="2026-12-10")
    receipt = act("ledger.record_receipt", customer="D00001", amount="100", date="2026-12-10")
    from app.models import Receipt

    assert db.session.scalar(select(SalesOrder.salesperson_id).where(SalesOrder.number == back_dated["order_no"])) \
        == world.rep.id
    assert db.session.scalar(select(Receipt.salesperson_id).where(Receipt.number == receipt["receipt_no"])) == world.rep.id


def test_a_look_up_only_reads_and_an_action_brings_the_snapshot_current(world, act, east_rep2, frozen_clock):
    act("ledger.change_customer", customer="D00001", salesperson="rep_test2", valid_from="2026-12-15", reason="明年起")
    frozen_clock.advance(days=14)
    assert customer_by_code("D00001").salesperson_id == world.rep.id
    assert world.c1 not in db.session.dirty
    assert refreshed_customer("D00001").salesperson_id == east_rep2.id


def test_a_hold_goes_through_a_version_and_holds_orders(world, act, frozen_clock):
    act("ledger.change_customer", customer="D00001", on_hold=True, reason="货款争议")
    order = act("ledger.create_sales_order", customer="D00001", lines=[{"material": "P100", "qty": 1}])
    assert order["held"] and order["hold_reason"] == "customer on hold"
    act("ledger.change_customer", customer="D00001", on_hold=False, reason="争议解决")
    assert [v.on_hold for v in versions(world.c1)] == [False, True, False]
    assert not act("ledger.create_sales_order", customer="D00001", lines=[{"material": "P100", "qty": 1}])["held"]


def test_a_future_hold_takes_effect_on_its_day(world, act, frozen_clock):
    act("ledger.change_customer", customer="D00001", on_hold=True, valid_from="2026-12-03", reason="下周起停止供货")
    assert not act("ledger.create_sales_order", customer="D00001", lines=[{"material": "P100", "qty": 1}])["held"]
    frozen_clock.advance(days=2)
    assert act("ledger.create_sales_order", customer="D00001", lines=[{"material": "P100", "qty": 1}])["held"]


def test_set_credit_puts_the_hold_in_a_version(world, act, frozen_clock):
    act("ledger.set_credit", customer="D00001", credit_limit="5000000", on_hold=True, reason="争议")
    latest = versions(world.c1)[-1]
    assert (latest.on_hold, latest.valid_from, latest.reason) == (True, TODAY, "争议") and world.c1.on_hold
    act("ledger.set_credit", customer="D00001", credit_limit="4000000", on_hold=True, reason="再议")
    assert len(versions(world.c1)) == 2  # already on hold: no empty version


def test_refusals(world, act, east_rep2, frozen_clock):
    from ledger.conftest import _user

    _user("idle_rep", "停用业务员", ["sales_rep"]).active = False
    db.session.flush()
    _refused(act, "unknown_customer", customer="NOPE", region="华东", reason="x")
    _refused(act, "missing_reason", customer="D00001", payment_days=20, reason="  ")
    _refused(act, "unknown_region", customer="D00001", region="火星", reason="x")
    _refused(act, "unknown_class", customer="D00001", customer_class="NO_SUCH", reason="x")
    _refused(act, "invalid_channel", customer="D00001", channel="web", reason="x")
    _refused(act, "unknown_salesperson", customer="D00001", salesperson="nobody", reason="x")
    _refused(act, "not_a_sales_rep", customer="D00001", salesperson="director_test", reason="x")
    _refused(act, "not_a_sales_rep", customer="D00001", salesperson="idle_rep", reason="x")
    _refused(act, "invalid_payment_days", customer="D00001", payment_days=-1, reason="x")
    _refused(act, "no_change", customer="D00001", region="华东", payment_days=30, reason="x")
    _refused(act, "invalid_date", customer="D00001", payment_days=20, valid_from="2026-02-30", reason="x")
    act("ledger.change_customer", customer="D00001", payment_days=20, valid_from="2026-12-10", reason="x")
    _refused(act, "version_out_of_order", customer="D00001", payment_days=25, valid_from="2026-12-09", reason="x")
    assert len(versions(world.c1)) == 2


def test_a_change_is_idempotent_per_call(world, act, frozen_clock):
    call = new_call("ledger.change_customer")
    first = act("ledger.change_customer", call=call, customer="D00001", customer_class="DEALER", reason="降级")
    again = act("ledger.change_customer", call=call, customer="D00001", customer_class="DEALER", reason="降级")
    assert first == again and len(versions(world.c1)) == 2
    assert (world.c1.customer_class, world.c1.class_id) == ("DEALER", world.dealer.id)


def test_versions_are_never_updated_or_deleted(world, act, frozen_clock):
    version = versions(world.c1)[0]
    for change in (lambda: setattr(version, "payment_days", 99), lambda: db.session.delete(version)):
        savepoint = db.session.begin_nested()
        change()
        with pytest.raises(PostedRecordImmutable):
            db.session.flush()
        savepoint.rollback()
    with pytest.raises(PostedRecordImmutable):
        db.session.execute(sa.update(CustomerProfile).values(on_hold=True))
    assert versions(world.c1)[0].payment_days == 30


@pytest.mark.parametrize("statement", ["UPDATE customer_profile SET on_hold = TRUE", "DELETE FROM customer_profile"])
def test_the_database_refuses_raw_changes_of_versions(world, statement):
    savepoint = db.session.begin_nested()
    with pytest.raises(sa.exc.DatabaseError, match="immutable"):
        db.session.execute(sa.text(statement))
    savepoint.rollback()
    assert db.session.scalar(select(func.count()).select_from(CustomerProfile)) >= 3


def test_the_migration_back_fills_one_version_per_existing_customer(tmp_path):
    url = f"sqlite:///{tmp_path / 'backfill.db'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "x"})
    with app.app_context():
        flask_migrate.upgrade(revision="b3f6a1d2c9e4")
        with db.engine.begin() as connection:
            connection.execute(sa.text(
                "INSERT INTO customer (code, name, customer_class, channel, region, payment_days, credit_limit, "
                "on_hold, active, created_at) VALUES ('D00009', '老客户', 'dealer', 'dealer', '华北', 45, 0, 1, 1, "
                "'2025-03-04 23:30:00')"))
        flask_migrate.upgrade()
        with db.engine.connect() as connection:
            rows = connection.execute(sa.text(
                "SELECT valid_from, region, payment_days, on_hold, active, reason FROM customer_profile")).all()
        assert [tuple(row) for row in rows] == [("2025-03-04", "华北", 45, 1, 1, "opening version (back-filled)")]
        db.engine.dispose()
