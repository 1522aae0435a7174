"""The monthly report (F07), the month a monthly flow works on, the
per-invoice reconciliation (F06) and revenue recognition (F04's last step)."""
from datetime import datetime, timezone
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.ledger import checks, periods
from app.models import Invoice, LedgerEntry, RevenueRecognition
from app.actions import BusinessRuleViolation
from tests.support.ledger_harness import new_call


def test_monthly_report_month_and_year_to_date(world, act, sell):
    sell("D00001", [("P200", 1)], day="2026-10-20")  # 1130.00 in October
    sell("C00001", [("P200", 2)], day="2026-11-03")  # KEY 900 net → 2034.00 in November
    order = act("ledger.create_sales_order", customer="D00001", lines=[{"material": "P200", "qty": 1}], date="2026-11-04")
    note = act("ledger.create_shipping_note", order=order["order_no"], date="2026-11-04")
    act("ledger.post_outbound", shipping_note=note["shipping_note_no"], date="2026-11-04")  # shipped, not invoiced
    act("ledger.record_receipt", customer="D00001", amount="1500", date="2026-11-06")
    for month in ("2026-10", "2026-11"):
        act("ledger.close_period", month=month)  # reconciled and closed: only then is a month reported
    report = act("ledger.build_monthly_report", month="2026-11")
    assert report["totals"] == {"month": {"shipped": "3164.00", "invoiced": "2034.00", "received": "1500.00"},
                                "ytd": {"shipped": "4294.00", "invoiced": "3164.00", "received": "1500.00"}}
    by_customer = {row["key"]: row for row in report["by_customer"]}
    assert by_customer["D00001"]["month"] == {"shipped": "1130.00", "invoiced": "0.00", "received": "1500.00"}
    assert by_customer["D00001"]["ytd"]["invoiced"] == "1130.00" and by_customer["C00001"]["name"] == "宁波直销工厂"
    assert [(r["key"], r["ytd"]["invoiced"]) for r in report["by_region"]] == [("华东", "3164.00")]
    assert [(r["key"], r["month"]["shipped"]) for r in report["by_salesperson"]] == [("rep_test", "3164.00")]
    october = act("ledger.build_monthly_report", month="2026-10")
    assert october["totals"]["month"] == october["totals"]["ytd"] == {"shipped": "1130.00", "invoiced": "1130.00",
                                                                       "received": "0.00"}
    with pytest.raises(BusinessRuleViolation) as raised:
        act("ledger.build_monthly_report", month="November")
    assert raised.value.code == "invalid_month"


def test_recognize_revenue_records_the_entry_once_and_posts_nothing(world, act, sell):
    _, invoice_no = sell("D00001", [("P200", 1)])
    entries = db.session.scalar(select(func.count()).select_from(LedgerEntry))
    first = act("ledger.recognize_revenue", invoice=invoice_no, date="2026-11-04")
    assert (first["invoice_no"], first["net"], first["revenue_entries"], first["recognized_on"]) == \
        (invoice_no, "1000.00", "1000.00", "2026-11-04")
    again = act("ledger.recognize_revenue", invoice=invoice_no, date="2026-11-09")  # another step, same invoice
    assert again == first
    call = new_call("ledger.recognize_revenue")
    assert act("ledger.recognize_revenue", call=call, invoice=invoice_no) == first
    assert db.session.scalar(select(func.count()).select_from(RevenueRecognition)) == 1
    assert db.session.scalar(select(func.count()).select_from(LedgerEntry)) == entries
    with pytest.raises(BusinessRuleViolation) as raised:
        act("ledger.recognize_revenue", invoice="IV209901-0001")
    assert raised.value.code == "unknown_invoice"


# --- which month: the monthly flows' first step ------------------------------------------------------------------

@pytest.mark.parametrize("now, expected", [
    (datetime(2026, 12, 31, 17, 0, tzinfo=timezone.utc), "2026-12"),   # 1 January 01:00 in Shanghai: the timer start
    (datetime(2026, 12, 31, 15, 59, tzinfo=timezone.utc), "2026-11"),  # still 31 December in Shanghai
    (datetime(2027, 3, 15, 2, 0, tzinfo=timezone.utc), "2027-02"),
])
def test_an_empty_month_is_the_one_before_today_in_business_time(world, act, frozen_clock, now, expected):
    frozen_clock.now = now
    assert periods.month_or_previous("") == periods.month_or_previous(None) == expected
    act("ledger.close_period", month=expected)
    assert act("ledger.build_monthly_report", month="")["month"] == expected
    assert act("ledger.reconcile", month="")["month"] == expected
    assert act("ledger.resolve_month", month="")["month"] == expected


def test_resolve_month_refuses_what_cannot_be_reported_or_closed(world, act, frozen_clock):
    frozen_clock.now = datetime(2026, 12, 10, 4, 0, tzinfo=timezone.utc)
    assert act("ledger.resolve_month", month="2026-12") == {"ok": True, "month": "2026-12", "status": "open", "ended": False}
    assert act("ledger.resolve_month", month="2026-11", closing=True)["ended"] is True
    act("ledger.close_period", month="2026-10")
    assert act("ledger.resolve_month", month="2026-10")["status"] == "closed"  # a report of a closed month is fine
    for month, closing, code in [("2027-01", False, "future_month"), ("2026-12", True, "period_not_ended"),
                                 ("2026-10", True, "period_closed"), ("2026-1", False, "invalid_month"),
                                 ("2026-13", True, "invalid_month")]:
        with pytest.raises(BusinessRuleViolation) as refused:
            act("ledger.resolve_month", month=month, closing=closing)
        assert refused.value.code == code, month
    with pytest.raises(BusinessRuleViolation) as refused:
        act("ledger.build_monthly_report", month="2027-01")
    assert refused.value.code == "future_month"


def test_a_month_is_reported_only_once_finance_has_confirmed_its_reconciliation(world, act, sell, frozen_clock):
    frozen_clock.now = datetime(2026, 12, 10, 4, 0, tzinfo=timezone.utc)
    sell("D00001", [("P200", 1)], day="2026-11-20")
    for operation, params in [("ledger.build_monthly_report", {"month": "2026-11"}),
                              ("ledger.resolve_month", {"month": "2026-11", "reconciled": True}),
                              ("ledger.build_monthly_report", {"month": "2026-12"})]:  # the running month can never be
        with pytest.raises(BusinessRuleViolation) as refused:
            act(operation, **params)
        assert refused.value.code == "month_not_reconciled" and refused.value.field == "month", operation
    act("ledger.close_period", month="2026-11")
    assert act("ledger.resolve_month", month="2026-11", reconciled=True)["status"] == "closed"
    assert act("ledger.build_monthly_report", month="2026-11")["totals"]["month"]["invoiced"] == "1130.00"


def test_reconcile_checks_every_invoice_against_its_ledger_entries(world, act, sell):
    _, invoice_no = sell("D00001", [("P200", 1)])
    assert act("ledger.reconcile", month="2026-11")["balanced"] is True
    invoice = db.session.scalar(select(Invoice).where(Invoice.number == invoice_no))
    # a revenue entry booked against the invoice by hand, with its VAT moved to keep it balanced
    db.session.add_all([
        LedgerEntry(source_type="invoice", source_id=invoice.id, account="6001", debit=Decimal("0"), credit=Decimal("10"),
                    posting_date=invoice.invoice_date),
        LedgerEntry(source_type="invoice", source_id=invoice.id, account="222101", debit=Decimal("10"), credit=Decimal("0"),
                    posting_date=invoice.invoice_date)])
    db.session.flush()
    result = act("ledger.reconcile", month="2026-11")
    failed = {d["name"]: d["violations"] for d in result["differences"]}
    assert set(failed) == {"invoices_match_ledger", "revenue_and_receivables"}
    assert failed["invoices_match_ledger"] == [{"invoice": invoice_no, "gross": "1130.00", "receivables": ["1130.00"],
                                                "ledger_1122": "1130.00", "ledger_6001": "1010.00", "ledger_222101": "120.00"}]
    assert checks.invoices_match_ledger("2026-12")["ok"]
