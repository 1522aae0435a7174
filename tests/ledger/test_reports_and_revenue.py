"""The monthly report (F07) and revenue recognition (F04's last step)."""
import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import LedgerEntry, RevenueRecognition
from app.workflow.actions import BusinessRuleViolation
from ledger.harness import new_call


def test_monthly_report_month_and_year_to_date(world, act, sell):
    sell("D00001", [("P200", 1)], day="2026-10-20")  # 1130.00 in October
    sell("C00001", [("P200", 2)], day="2026-11-03")  # KEY 900 net → 2034.00 in November
    order = act("ledger.create_sales_order", customer="D00001", lines=[{"material": "P200", "qty": 1}], date="2026-11-04")
    note = act("ledger.create_shipping_note", order=order["order_no"], date="2026-11-04")
    act("ledger.post_outbound", shipping_note=note["shipping_note_no"], date="2026-11-04")  # shipped, not invoiced
    act("ledger.record_receipt", customer="D00001", amount="1500", date="2026-11-06")
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
