"""Money and VAT (LEDGER.md "Principles"): Decimal, half up, VAT per line."""
from decimal import ROUND_HALF_EVEN, Decimal

import pytest

from app.ledger.money import document_totals, exact_qty, line_amounts, round_money, round_price, to_decimal
from app.actions import BusinessRuleViolation

D = Decimal


@pytest.mark.parametrize("value, half_up, half_even", [
    ("1.005", "1.01", "1.00"),
    ("2.675", "2.68", "2.68"),
    ("0.125", "0.13", "0.12"),
    ("-0.125", "-0.13", "-0.12"),   # red lines round away from zero too, mirroring the blue
    ("10.0049", "10.00", "10.00"),
])
def test_round_money_is_half_up_not_pythons_half_even(value, half_up, half_even):
    assert round_money(value) == D(half_up)
    assert D(value).quantize(D("0.01"), rounding=ROUND_HALF_EVEN) == D(half_even)  # what the default would give


def test_floats_enter_through_their_decimal_text():
    assert to_decimal(0.1) == D("0.1")
    assert round_money(1.005) == D("1.01")  # the float 1.005 is 1.00499999…; its text is not


def test_unit_prices_keep_eight_places_half_up():
    assert round_price("1.123456785") == D("1.12345679")
    assert round_price("1.123456784") == D("1.12345678")


def test_exclusive_price_rounds_the_net_then_the_tax():
    # 3 × 0.335 = 1.005 → 1.01 (half even would say 1.00); tax 1.01 × 13% = 0.1313 → 0.13
    amounts = line_amounts(3, "0.335", "0.13", tax_inclusive=False)
    assert (amounts.net, amounts.tax, amounts.gross) == (D("1.01"), D("0.13"), D("1.14"))
    # net 0.50, tax 0.065 → 0.07 (half even: 0.06)
    amounts = line_amounts(1, "0.50", "0.13", tax_inclusive=False)
    assert (amounts.net, amounts.tax, amounts.gross) == (D("0.50"), D("0.07"), D("0.57"))


def test_inclusive_price_derives_the_net_and_takes_the_tax_as_the_difference():
    amounts = line_amounts(3, "33.33", "0.13", tax_inclusive=True)
    assert amounts.gross == D("99.99")
    assert amounts.net == D("88.49")        # 99.99 / 1.13 = 88.486…
    assert amounts.tax == D("11.50")        # gross − net
    assert amounts.net + amounts.tax == amounts.gross
    # here the two ways differ: 1.00 inclusive → net 0.88, tax 0.12; round(0.88 × 13%) would be 0.11
    one = line_amounts(1, "1.00", "0.13", tax_inclusive=True)
    assert (one.net, one.tax) == (D("0.88"), D("0.12"))
    assert round_money(one.net * D("0.13")) == D("0.11")


def test_inclusive_and_exclusive_prices_of_the_same_figure_differ():
    inclusive = line_amounts(10, "113", "0.13", tax_inclusive=True)
    exclusive = line_amounts(10, "113", "0.13", tax_inclusive=False)
    assert (inclusive.net, inclusive.tax, inclusive.gross) == (D("1000.00"), D("130.00"), D("1130.00"))
    assert (exclusive.net, exclusive.tax, exclusive.gross) == (D("1130.00"), D("146.90"), D("1276.90"))


def test_red_line_is_the_exact_negative_of_the_blue():
    blue = line_amounts(7, "12.345", "0.13", tax_inclusive=True)
    red = line_amounts(-7, "12.345", "0.13", tax_inclusive=True)
    assert (red.net, red.tax, red.gross) == (-blue.net, -blue.tax, -blue.gross)


def test_invoice_tax_is_the_sum_of_line_taxes_not_the_tax_of_the_total():
    lines = [line_amounts(1, "0.50", "0.13", tax_inclusive=False), line_amounts(1, "0.50", "0.13", tax_inclusive=False)]
    totals = document_totals(lines)
    assert totals.tax == D("0.14")
    assert round_money(totals.net * D("0.13")) == D("0.13")


def test_quantities_may_not_have_more_places_than_the_unit():
    assert exact_qty("2.500", 3) == D("2.500")
    with pytest.raises(BusinessRuleViolation) as raised:
        exact_qty("3.5", 0)
    assert raised.value.code == "invalid_quantity"
    with pytest.raises(BusinessRuleViolation):
        to_decimal("abc")


def test_documents_keep_currency_and_rate_columns(world, act, sell):
    """Everything is CNY today; the columns are there for when it is not."""
    from sqlalchemy import select

    from app.extensions import db
    from app.models import Invoice, PriceList, Receipt, SalesOrder

    _, invoice_no = sell("D00001", [("P100", 1)])
    act("ledger.record_receipt", customer="D00001", amount="10", date="2026-11-10")
    order, invoice = db.session.scalar(select(SalesOrder)), db.session.scalar(select(Invoice))
    assert (order.currency, order.exchange_rate, invoice.currency, invoice.exchange_rate) == ("CNY", 1, "CNY", 1)
    assert db.session.scalar(select(Receipt.currency)) == "CNY"
    assert {p.currency for p in db.session.scalars(select(PriceList))} == {"CNY"}
