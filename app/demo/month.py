"""A month of business on the demo master data, through the same actions the
diagrams call: orders, shipments, a return, invoices, receipts (one paying
too much), a mail-order customer paying first, an employee advance settled,
the collection assessment, the monthly report and the reconciliation.
Used by ``flask ledger demo-month`` and by the tests."""
import itertools
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from app import clock
from app.extensions import db
from app.ledger import checks
from app.ledger.reports import monthly_report
from app.ledger.balances import customer_receivables_total
from app.ledger.money import money_str
from app.ledger.months import previous_month
from app.models import Customer
from app.services.unit_of_work import use_case
from app.actions import ActionCall, run_action

DEMO_INSTANCE = 0  # no process instance: the keys still make every step idempotent per run


@use_case
def run_demo_month(month: str | None = None, *, run_id: str = "demo") -> dict:
    """Post a month of business dated inside ``month`` (YYYY-MM, default the
    month before today's business date; it must be open) and reconcile it.
    Needs the demo organisation and master data. Returns {"orders",
    "invoices", "receipts", "report", "checks"}. A second run with the same
    ``run_id`` posts nothing new."""
    month = month or previous_month(clock.today())
    year, mon = (int(part) for part in month.split("-"))
    steps = itertools.count(1)

    def act(operation, **params):
        call = ActionCall(DEMO_INSTANCE, f"{run_id}:{month}:{next(steps)}", "Demo_Month", operation, None)
        return run_action(call, params)

    def day(n):
        return date(year, mon, n).isoformat()

    def customer(code):
        return db.session.scalar(select(Customer).where(Customer.code == code))

    dealer, key_account, mail = customer("D00001"), customer("C00001"), customer("M00001")
    # the mail-order customer pays first (credit limit 0), then orders
    act("ledger.record_advance", customer=mail.code, amount="2000", date=day(2), bank_reference="MO-001")
    orders = [
        act("ledger.create_sales_order", customer=dealer.code, date=day(3),
            lines=[{"material": "PCF001", "qty": 10}, {"material": "VGT001", "qty": 5}]),
        act("ledger.create_sales_order", customer=key_account.code, date=day(4), lines=[{"material": "PMS001", "qty": 3}]),
        act("ledger.create_sales_order", customer=mail.code, date=day(5), lines=[{"material": "PRT001", "qty": 12}]),
    ]
    invoices = []
    for n, order in enumerate(orders, start=6):
        note = act("ledger.create_shipping_note", order=order["order_no"], date=day(n))
        act("ledger.post_outbound", shipping_note=note["shipping_note_no"], date=day(n))
        act("ledger.register_shipment", shipping_note=note["shipping_note_no"], tracking_number=f"SF{n:08d}")
        invoices.append(act("ledger.issue_invoice", order=order["order_no"], date=day(n + 3)))
    for invoice in invoices:
        act("ledger.recognize_revenue", invoice=invoice["invoice_no"], date=day(13))
    # two pumps come back after invoicing: a red invoice offsets the dealer's open one
    act("ledger.post_return", order=orders[0]["order_no"], lines=[{"line_no": 1, "qty": 2}], date=day(14), reason="运输破损")
    # the dealer pays what it owes and 500 more (kept as advance); the key account pays half
    owed = customer_receivables_total(dealer.id)
    receipts = [act("ledger.record_receipt", customer=dealer.code, amount=money_str(owed + 500), date=day(16),
                    bank_reference="BK-0001")]
    receipts.append(act("ledger.record_receipt", customer=key_account.code, date=day(17), bank_reference="BK-0002",
                        amount=money_str(customer_receivables_total(key_account.id) / 2)))
    for code in (dealer.code, key_account.code, mail.code):
        act("ledger.allocate_receipt", customer=code, date=day(18))
    # a promotion advance, spent and settled with the unspent cash returned
    rep = dealer.salesperson.username
    advance = act("ledger.pay_advance", employee=rep, amount="3000", purpose="区域推广会", date=day(8))
    act("ledger.settle_advance", advance=advance["advance_no"], returned="400", date=day(20),
        claim_lines=[{"category": "会议费", "amount": "1800"}, {"category": "差旅费", "amount": "800"}])
    assessment = act("ledger.charge_assessment", salesperson=rep, month=month, date=day(25))
    if assessment["assessment_no"] and Decimal(assessment["amount"]) > 0:
        act("ledger.pay_reimbursement", assessment=assessment["assessment_no"], date=day(26))
    report = monthly_report(month)  # a draft: the month stays open, and the flow reports only reconciled months
    reconciliation = act("ledger.reconcile", month=month)
    return {"orders": [o["order_no"] for o in orders], "invoices": [i["invoice_no"] for i in invoices],
            "receipts": [r["receipt_no"] for r in receipts], "assessment": assessment, "report": report,
            "reconciliation": reconciliation, "checks": checks.run_all(month)}
