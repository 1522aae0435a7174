"""A month (December 2026) with a cross-organisation sale, through the real
diagrams: HQ sells ten motors the factory FAC supplies through HQ's
warehouse, one lost in transit between the organisations and one at the
customer (F18 cross_org_sale), HQ invoices what was signed for (F04), the
month's internal settlement is confirmed by both organisations' finance
(F18 internal_settlement); in January the reconciliation closes the month
(F06) and the monthly report's figures match the documents (F07)."""
from datetime import datetime, timezone
from decimal import Decimal

from sqlalchemy import select

from app.extensions import db
from app.ledger.periods import period_status
from app.models import InstanceStatus, Invoice, InternalInvoice, SalesOrder
from tests.support.cross_org_flow import receive, send, ship, sign, signed_for, to_signing
from tests.support.ledger_harness import all_invariants_hold
from tests.support.statements import import_matching_statements

DECEMBER = "2026-12"
DEALER = "浙江泵阀总经销有限公司"


def _cross_org_sale(sales, customer_code) -> str:
    instance = to_signing(sales, customer_code)
    sign(sales, instance)
    send(sales, instance)
    receive(sales, instance, 9, "运输途中损坏一台")
    ship(sales, instance)
    sales.complete(instance, "Task_CustomerSigns", "driver", signed_for(8, "客户处开箱破损"))
    assert instance.status is InstanceStatus.completed and all_invariants_hold()
    return instance.data["order_result"]["order_no"]


def _invoiced(sales, dealer: str, order_no: str) -> None:
    instance = sales.start("invoice_request", {"customer": dealer, "order_no": order_no, "invoice_type": "special_vat"},
                           "rep_east1")
    picked = [{"order_line": row["order_line"]} for row in instance.data["shipped_lines"]["lines"]]
    sales.complete(instance, "Task_CheckShipped", "sales_admin", {"decision": "approve", "invoice_lines": picked})
    sales.complete(instance, "Task_IssueInvoice", "billing_clerk",
                   {"invoice_date": "2026-12-08", "tax_invoice_number": "No.04418901"})
    sales.complete(instance, "Task_RequesterReceivesInvoice", "rep_east1", {"action": "received"})
    sales.complete(instance, "Task_FinanceReceivesInvoice", "finance", {"action": "received"})
    sales.complete(instance, "Task_EnterInvoice", "sales_admin2", {"delivery_method": "mail", "entry_note": "顺丰寄出"})
    assert instance.status is InstanceStatus.completed


def _settled(sales) -> None:
    instance = sales.start("internal_settlement", {"period": DECEMBER, "supplier_org": "FAC", "buyer_org": "HQ",
                                                   "settle_date": "2026-12-20"}, "finance")
    confirm = {"confirm_decision": "confirm", "confirm_reason": "与调拨出入库核对一致"}
    sales.complete(instance, "Task_SupplierConfirms", "fac_finance", confirm)
    sales.complete(instance, "Task_BuyerConfirms", "finance", confirm)
    assert instance.status is InstanceStatus.completed


def test_a_month_with_a_cross_organisation_sale_reconciles(sales, customer_code, frozen_clock):
    dealer = customer_code(DEALER)
    order_no = _cross_org_sale(sales, customer_code)
    _invoiced(sales, dealer, order_no)
    _settled(sales)
    assert all_invariants_hold()
    order = db.session.scalar(select(SalesOrder).where(SalesOrder.number == order_no))
    [invoice] = db.session.scalars(select(Invoice)).all()
    [line] = order.lines
    assert invoice.gross == (line.gross * 8 / line.qty).quantize(Decimal("0.01"))  # eight signed for, of ten
    [internal] = db.session.scalars(select(InternalInvoice)).all()
    assert internal.settlement.lines[0].qty == Decimal(10)  # FAC sent ten: the loss in transit is HQ's

    frozen_clock.now = datetime(2027, 1, 2, 1, 0, tzinfo=timezone.utc)
    import_matching_statements(DECEMBER)
    reconciliation = sales.start("monthly_reconciliation", {"month": DECEMBER}, "sales_admin")
    assert reconciliation.data["reconciliation"]["balanced"], reconciliation.data["reconciliation"]["differences"]
    sales.approve(reconciliation, "Task_FinanceConfirm", "finance", "与总帐核对一致")
    assert reconciliation.status is InstanceStatus.completed and period_status(DECEMBER) == "closed"
    report = sales.start("monthly_report", {"month": DECEMBER}, "sales_admin").data["report"]
    shipped = (line.gross * 9 / line.qty).quantize(Decimal("0.01"))  # nine arrived at HQ and left for the customer
    assert report["totals"]["month"]["invoiced"] == f"{invoice.gross:.2f}"
    assert report["totals"]["month"]["shipped"] == f"{shipped:.2f}"
    assert all_invariants_hold(DECEMBER)
