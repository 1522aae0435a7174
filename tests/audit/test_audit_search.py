"""The auditors' filter (app/services/audit_search.py) over real instances
of the real diagrams: each criterion narrows to what it names (and a test
would fail were it ignored), bad input names its field, only auditors and
process admins may search."""
from datetime import date, timedelta
from decimal import Decimal

import pytest

from app.audit.chain import record_instance_event
from app.errors import Forbidden, ValidationFailed
from app.extensions import db
from app.services import audit_search, instances
from app.services.audit_search import InstanceFilter, describe, parse_filter, search
from app.services.instance_summaries import refresh_summary, summary_figures
from tests.support.contract_shipment import DEALER, MAIL, REP, approve_contract, make_order
from tests.support.contract_shipment import contract  # noqa: F401  (a fixture)

TRIP = {"purpose": "拜访华东客户", "reason": "客户新生产线验收", "destination": "上海", "start_date": "2026-12-01",
        "end_date": "2026-12-03", "transport": "火车", "estimated_cost": 2500}


@pytest.fixture
def world(sales, contract, customer_code, frozen_clock):
    """Four requests on three days: a big dealer contract, a mail-order
    contract whose held order the director releases (a credit override), a
    promotion the process admin cancels, and a trip that once failed."""
    big = sales.start("contract_shipment", contract(contract_amount=480000.0), REP, business_key="HT-BIG")
    frozen_clock.advance(days=1)
    held = sales.start("contract_shipment", contract(customer=MAIL, contract_amount=30000.0), REP)
    approve_contract(sales, held)
    make_order(sales, held)
    sales.complete(held, "Task_CreditHoldDecision", "director", {"credit_action": "release", "reason": "款已在途"})
    promo = sales.start("promotion_expense", {"expense_type": "exhibition", "amount": 5000,
                                               "customer": customer_code(DEALER), "purpose": "展会"}, "rep_east2")
    instances.cancel_instance(promo.id, sales.user("process_admin"), reason="重复申请")
    frozen_clock.advance(days=1)
    trip = sales.start("travel_request", TRIP, "rep_north1")
    record_instance_event(trip, "error", data={"message": "injected"})
    refresh_summary(trip)
    db.session.flush()
    return {"big": big.id, "held": held.id, "promo": promo.id, "trip": trip.id}


def _ids(sales, **args):
    page = search(parse_filter({k: str(v) for k, v in args.items()}), sales.user("auditor"))
    return [row.id for row in page.rows]


def test_no_criteria_finds_everyone_newest_first(sales, world):
    assert _ids(sales) == [world["trip"], world["promo"], world["held"], world["big"]]


@pytest.mark.parametrize("args, expected", [
    ({"process_key": "contract_shipment"}, ["held", "big"]),
    ({"process_key": "contract_shipment", "version": 1}, ["held", "big"]),
    ({"process_key": "contract_shipment", "version": 2}, []),
    ({"status": "cancelled"}, ["promo"]),
    ({"starter": "rep_north1"}, ["trip"]),
    ({"starter": "nobody_at_all"}, []),
    ({"actor": "director"}, ["held"]),
    ({"actor": "process_admin"}, ["promo"]),
    ({"business_key": "HT-BIG"}, ["big"]),
    ({"customer": "泵阀"}, ["promo", "big"]),
    ({"customer": "江西设备"}, ["held"]),
    ({"amount_min": "30000", "amount_max": "30000"}, ["held"]),
    ({"amount_min": "100000"}, ["big"]),
    ({"amount_max": "2500"}, ["trip"]),
    ({"exception": "1"}, ["held"]),
    ({"admin_action": "1"}, ["promo"]),
    ({"error": "1"}, ["trip"]),
    ({"error": "0", "process_key": "travel_request"}, []),
])
def test_each_criterion_narrows_to_what_it_names(sales, world, args, expected):
    assert _ids(sales, **args) == [world[name] for name in expected]


def test_customer_code_as_typed_or_in_lower_case(sales, world, customer_code):
    code = customer_code(MAIL)
    assert _ids(sales, customer=code) == _ids(sales, customer=code.lower()) == [world["held"]]


def test_start_and_end_dates_are_business_dates_inclusive(sales, world):
    first = date(2026, 12, 1)  # the frozen clock's business date
    assert _ids(sales, started_from=first, started_to=first) == [world["big"]]
    assert _ids(sales, started_from=first + timedelta(days=1)) == [world["trip"], world["promo"], world["held"]]
    assert _ids(sales, started_to=first + timedelta(days=1)) == [world["promo"], world["held"], world["big"]]
    assert _ids(sales, ended_from=first + timedelta(days=1), ended_to=first + timedelta(days=1)) == [world["promo"]]
    assert _ids(sales, ended_from=first) == [world["promo"]]


@pytest.mark.parametrize("sort, expected", [
    ("started_at", ["big", "held", "promo", "trip"]),
    ("-amount", ["big", "held", "promo", "trip"]),
    ("amount", ["trip", "promo", "held", "big"]),
    ("id", ["big", "held", "promo", "trip"]),
    ("-ended_at", ["promo", "trip", "held", "big"]),
])
def test_sorts(sales, world, sort, expected):
    assert _ids(sales, sort=sort) == [world[name] for name in expected]


def test_pages_total_and_counts_per_status(sales, world):
    auditor = sales.user("auditor")
    page = search(parse_filter({"per_page": "3", "page": "2"}), auditor)
    assert [row.id for row in page.rows] == [world["big"]] and page.total == 4 and page.pages == 2
    assert page.counts == {"running": 3, "completed": 0, "cancelled": 1, "error": 0, "suspended": 0}
    beyond = search(parse_filter({"per_page": "3", "page": "3"}), auditor)
    assert beyond.rows == [] and beyond.total == 4
    only = search(parse_filter({"status": "running"}), auditor)
    assert only.total == 3 and only.counts["cancelled"] == 1  # the other statuses' counts stay for the facet


def test_rows_carry_what_the_table_shows(sales, world):
    [row] = search(parse_filter({"business_key": "HT-BIG"}), sales.user("process_admin")).rows
    assert (row.process_key, row.version, row.status, row.customer_name, row.amount, row.starter) == (
        "contract_shipment", 1, "running", DEALER, Decimal("480000.00"), REP)
    assert not (row.exception or row.admin_action or row.error)


@pytest.mark.parametrize("who", ["rep_east1", "director", "gm", "sales_admin"])
def test_only_auditors_and_process_admins_may_search(sales, world, who):
    with pytest.raises(Forbidden):
        search(InstanceFilter(), sales.user(who))


@pytest.mark.parametrize("field, value", [
    ("status", "finished"), ("version", "0"), ("version", "x"), ("page", "0"), ("per_page", "101"),
    ("started_from", "2026-13-01"), ("ended_to", "yesterday"), ("started_from", "1999-12-31"),
    ("amount_min", "abc"), ("amount_max", "1e400"), ("amount_min", "NaN"), ("exception", "maybe"),
    ("sort", "customer"), ("customer", "a\x00b"), ("starter", "x" * 65),
])
def test_bad_input_names_its_field(field, value):
    with pytest.raises(ValidationFailed) as refused:
        parse_filter({field: value})
    assert refused.value.status == 400 and list(refused.value.details["fields"]) == [field]


def test_a_range_upside_down_names_its_upper_end():
    with pytest.raises(ValidationFailed) as refused:
        parse_filter({"amount_min": "500", "amount_max": "100"})
    assert list(refused.value.details["fields"]) == ["amount_max"]
    with pytest.raises(ValidationFailed) as refused:
        parse_filter({"started_from": "2026-12-02", "started_to": "2026-12-01"})
    assert list(refused.value.details["fields"]) == ["started_to"]


def test_empty_arguments_are_unset_and_describe_names_only_what_is_set():
    flt = parse_filter({"status": "", "customer": " 泵阀 ", "amount_min": "100.5", "started_from": "2026-12-01",
                        "error": "1", "page": "3", "unknown": "x"})
    assert flt.status is None and flt.page == 3
    assert describe(flt) == {"customer": "泵阀", "amount_min": "100.5", "started_from": "2026-12-01", "error": True}
    assert describe(parse_filter({"sort": "amount"})) == {"sort": "amount"}


def test_filtered_is_the_unpaged_select_others_build_on(sales, world):
    rows = db.session.scalars(audit_search.filtered(parse_filter({"process_key": "contract_shipment",
                                                                  "sort": "amount"}))).all()
    assert [row.instance_id for row in rows] == [world["held"], world["big"]]


@pytest.mark.parametrize("data, figures", [
    ({"customer": "C1", "contract_amount": 100000.0}, ("C1", None, Decimal("100000.00"))),
    ({"company_name": "新经销商", "expected_annual_volume": 5}, (None, "新经销商", None)),
    ({"claim_lines": [{"amount": 600}, {"amount": "150.5"}]}, (None, None, Decimal("750.50"))),
    ({"customer_kind": "new", "new_customer": {"name": "散户张三"}}, (None, "散户张三", None)),
    ({"amount": "NaN"}, (None, None, None)), ({"amount": True}, (None, None, None)),
])
def test_summary_figures_per_flow(data, figures):
    assert summary_figures(data) == figures


def test_a_refused_segregation_of_duties_attempt_is_an_exception(sales, world):
    from app import clock
    from app.models import SodRefusal

    db.session.execute(SodRefusal.__table__.insert().values(
        instance_id=world["trip"], at=clock.now(), actor="rep_north1", reason="requester",
        message="Not your own request.", action="complete"))
    assert _ids(sales, exception="1") == [world["trip"], world["held"]]
    assert world["trip"] not in _ids(sales, exception="0")
    [row] = search(parse_filter({"process_key": "travel_request"}), sales.user("auditor")).rows
    assert row.exception
