"""Receivables ageing (app/services/receivables_report.py): the figures equal
those counted from the documents the test posted, in every bucket, with a
partly paid invoice, a red invoice, an advance and an as-of date before the
payment."""
from collections import defaultdict
from decimal import Decimal

import pytest

from app.errors import ValidationFailed
from app.services.receivables_report import BUCKETS, ageing, open_invoices, parse_query
from tests.support.receivables_ageing import ADVANCE, AS_OF, BEFORE_PAYMENT, bucket, posted_book, expected_open

ZERO = Decimal(0)


@pytest.fixture
def book(master_data, frozen_clock):
    return posted_book()


def _by_bucket(book, as_of, customers=None):
    sums = defaultdict(lambda: ZERO)
    due = {i["invoice_no"]: i for i in book.invoices.values()}
    for number, amount in expected_open(book, as_of).items():
        if customers is None or due[number]["customer"] in customers:
            sums[bucket(as_of, due[number]["due_date"])] += amount
    return {name: sums[name] for name in BUCKETS}


def test_every_bucket_equals_the_documents(org, book):
    report = ageing(org("finance"), parse_query({}))
    assert report["as_of"] == AS_OF
    assert report["totals"]["buckets"] == _by_bucket(book, AS_OF)
    assert all(report["totals"]["buckets"][name] != 0 for name in BUCKETS)
    assert report["totals"]["total"] == sum(expected_open(book, AS_OF).values())
    east1 = next(row for row in report["by_customer"] if row["key"] == book.east1.code)
    assert east1["buckets"] == _by_bucket(book, AS_OF, {book.east1.code})
    assert east1["advances"] == ADVANCE and report["totals"]["advances"] == ADVANCE
    regions = {row["key"]: row["total"] for row in report["by_region"]}
    assert regions == {"华东": sum(_by_bucket(book, AS_OF, {book.east1.code, book.east2.code}).values()),
                       "华南": book.invoices["south"]["gross"]}
    reps = {row["key"]: row["total"] for row in report["by_salesperson"]}
    assert reps["rep_east2"] == book.invoices["east2"]["gross"]


def test_as_of_before_the_payment_and_the_return_counts_neither(org, book):
    report = ageing(org("finance"), parse_query({"as_of": BEFORE_PAYMENT.isoformat()}))
    expected = _by_bucket(book, BEFORE_PAYMENT)
    assert report["totals"]["buckets"] == expected
    oldest = book.invoices["over_90"]
    listed = {i["number"]: i["open"] for i in open_invoices(org("finance"), parse_query(
        {"as_of": BEFORE_PAYMENT.isoformat()}))["invoices"]}
    assert listed[oldest["invoice_no"]] == oldest["gross"]  # the 11-20 receipt is not in yet
    assert book.invoices["current"]["invoice_no"] not in listed  # not issued by 11-10
    assert report["totals"]["advances"] == ZERO


def test_the_overdue_list_is_most_overdue_first_with_its_figures(org, book):
    listing = open_invoices(org("finance"), parse_query({"bucket": "over_90"}))
    numbers = [i["number"] for i in listing["invoices"]]
    assert set(numbers) == {book.invoices["over_90"]["invoice_no"], book.invoices["south"]["invoice_no"]}
    first = listing["invoices"][0]
    assert first["days_overdue"] == (AS_OF - first["due_date"]).days > 90
    partly = next(i for i in listing["invoices"] if i["number"] == book.invoices["over_90"]["invoice_no"])
    assert partly["amount"] == book.invoices["over_90"]["gross"] and partly["open"] == partly["amount"] - Decimal("1000")
    assert listing["count"] == 2 and listing["total"] == sum(i["open"] for i in listing["invoices"])
    everything = open_invoices(org("finance"), parse_query({}))["invoices"]
    assert [i["due_date"] for i in everything] == sorted(i["due_date"] for i in everything)
    assert book.red_invoice_no not in {i["number"] for i in everything}  # fully used against its original


def test_filters_narrow_the_figures(org, book):
    finance = org("finance")
    south = ageing(finance, parse_query({"region": "华南"}))
    assert south["totals"]["total"] == book.invoices["south"]["gross"]
    one = ageing(finance, parse_query({"customer": book.east2.code}))
    assert [row["key"] for row in one["by_customer"]] == [book.east2.code]
    rep = ageing(finance, parse_query({"salesperson": "rep_east2"}))
    assert rep["totals"]["total"] == book.invoices["east2"]["gross"]
    only = ageing(finance, parse_query({"bucket": "d61_90"}))
    assert only["totals"]["buckets"] == {**{b: ZERO for b in BUCKETS}, "d61_90": book.invoices["d61_90"]["gross"]}


def test_a_rep_reads_only_their_own_receivables_whatever_they_forge(org, book):
    rep = org("rep_east2")
    mine = ageing(rep, parse_query({}))
    assert mine["totals"]["total"] == book.invoices["east2"]["gross"] and mine["totals"]["advances"] == ZERO
    forged = ageing(rep, parse_query({"salesperson": "rep_east1"}))
    assert forged["totals"]["total"] == ZERO and forged["by_customer"] == []
    forged = open_invoices(rep, parse_query({"customer": book.east1.code}))
    assert forged["invoices"] == [] and forged["count"] == 0


def test_a_regional_manager_reads_their_region(org, book):
    report = ageing(org("rm_east"), parse_query({}))
    assert {row["key"] for row in report["by_region"]} == {"华东"}
    assert ageing(org("rm_east"), parse_query({"region": "华南"}))["totals"]["total"] == ZERO


@pytest.mark.parametrize("field, value", [("as_of", "2026-13-01"), ("as_of", "yesterday"), ("bucket", "d0")])
def test_a_bad_question_names_its_field(field, value):
    with pytest.raises(ValidationFailed) as refused:
        parse_query({field: value})
    assert field in refused.value.details["fields"]
