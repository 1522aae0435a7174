"""A small month of business (December 2026) through the real diagrams, as
the sales office would live it: a contract shipped (F01), a mail order paid
first (F02), the contract's invoice (F04), a return after invoicing (F03),
the dealer's receipt paying more than it owes (F05), a promotion advance
settled (F10); then, in January, the reconciliation against the other
systems' statements that closes the month (F06), and the monthly report
(F07) of the reconciled month, whose figures are checked against the
documents."""
from datetime import datetime, timezone
from decimal import Decimal

from sqlalchemy import func, select

from app.extensions import db
from app.ledger.balances import unallocated
from app.ledger.periods import period_status
from app.models import (EmployeeAdvance, ExpenseClaim, Invoice, InstanceStatus, Receipt, SalesOrder, SalesOrderLine,
                        ShippingLine, ShippingNote)
from app.services.attachments import save_bytes
from tests.support.contract_shipment import approve_contract, make_order, ship_after_order_review
from tests.support.ledger_harness import all_invariants_hold
from tests.support.statements import import_matching_statements

D = Decimal
DEALER = "浙江泵阀总经销有限公司"  # 华东, rep_east1
MAIL = "江西设备维修服务部"        # 华东 mail order, rep_east2
DECEMBER = "2026-12"


def _pdf(name: str) -> dict:
    return save_bytes(name, "application/pdf", f"%PDF-1.4 {name}".encode())


def _contract_shipped(sales, dealer: str) -> str:
    """F01: contract reviewed and approved, order made and reviewed, shipped in full; the order number."""
    instance = sales.start("contract_shipment", {
        "customer": dealer, "contract_no": "HT-2026-201", "contract_amount": 50000.0, "payment_days": 30,
        "price_terms": "执行公司标准价", "payment_terms": "货到30天付款", "valid_from": "2026-12-01",
        "valid_to": "2027-11-30", "lines": [{"material": "MTR001", "qty": 2}, {"material": "PRT001", "qty": 3}],
        "contract_file": _pdf("HT-2026-201.pdf")}, "rep_east1")
    approve_contract(sales, instance)
    make_order(sales, instance)
    sales.approve(instance, "Task_OrderReview", "sales_admin")
    ship_after_order_review(sales, instance)
    assert instance.status is InstanceStatus.completed
    return instance.data["order_result"]["order_no"]


def _mail_order_paid_and_shipped(sales, mail_customer: str) -> None:
    """F02: quoted, paid before goods, shipped, invoiced and settled from the advance."""
    instance = sales.start("mail_order", {
        "customer_kind": "known", "customer": mail_customer, "lines": [{"material": "MTR001", "qty": 2}, {"material": "PRT001", "qty": 3}],
        "ship_to": {"recipient": "万师傅", "phone": "0791-8812 3456", "address": "江西省南昌市青山湖区民营科技园 18 号",
                    "postcode": "330096"}}, "rep_east2")
    sales.complete(instance, "Task_InformCustomer", "rep_east2", {"informed_via": "phone"})
    sales.complete(instance, "Task_ConfirmPayment", "finance",
                   {"amount": 2215, "receipt_date": "2026-12-03", "bank_reference": "ICBC-0791-0001"})
    sales.complete(instance, "Task_PickGoods", "warehouse", {"picked_on": "2026-12-04", "packages": 2})
    sales.complete(instance, "Task_IssueInvoice", "billing_clerk",
                   {"invoice_date": "2026-12-04", "tax_invoice_number": "No.36021187"})
    sales.complete(instance, "Task_BookCourier", "rep_east2",
                   {"courier": "sf", "tracking_number": "SF1402236658001", "shipped_on": "2026-12-04"})
    assert instance.status is InstanceStatus.completed


def _invoiced(sales, dealer: str, order_no: str) -> None:
    """F04: the shipped lines picked, issued, signed for by requester and finance, entered."""
    instance = sales.start("invoice_request", {"customer": dealer, "order_no": order_no, "invoice_type": "special_vat"},
                           "rep_east1")
    picked = [{"order_line": row["order_line"]} for row in instance.data["shipped_lines"]["lines"]]
    sales.complete(instance, "Task_CheckShipped", "sales_admin", {"decision": "approve", "invoice_lines": picked})
    sales.complete(instance, "Task_IssueInvoice", "billing_clerk",
                   {"invoice_date": "2026-12-05", "tax_invoice_number": "No.04418832"})
    sales.complete(instance, "Task_RequesterReceivesInvoice", "rep_east1", {"action": "received"})
    sales.complete(instance, "Task_FinanceReceivesInvoice", "finance", {"action": "received"})
    sales.complete(instance, "Task_EnterInvoice", "sales_admin2", {"delivery_method": "mail", "entry_note": "顺丰寄出"})
    assert instance.status is InstanceStatus.completed


def _one_pump_returned(sales, dealer: str, order_no: str) -> None:
    """F03: one pump of the invoiced order comes back (a defect; the GM reviews every return)."""
    instance = sales.start("return_exchange", {
        "customer": dealer, "order_no": order_no, "kind": "return", "reason": "quality_defect",
        "reason_detail": "电机轴承异响，客户现场验收不合格", "lines": [{"line_no": 1, "qty": 1}],
        "proof": [save_bytes("破损照片.png", "image/png", b"\x89PNG\r\n\x1a\n bearing noise")],
        "price_agreed_via": "phone", "price_agreed_on": "2026-12-09"}, "rep_east1")
    sales.approve(instance, "Task_SalesReview", "order_clerk")
    sales.complete(instance, "Task_QualityInspection", "quality", {
        "decision": "approve", "comment": "复验确认轴承缺陷", "inspection_result": "defective", "defect_cause": "轴承异响",
        "responsibility": "production", "disposition": "quarantine"})
    sales.approve(instance, "Task_DirectorApproval", "director")
    sales.approve(instance, "Task_GMReview", "gm")
    sales.complete(instance, "Task_ReduceAccount", "sales_admin", {"return_date": "2026-12-10"})
    sales.complete(instance, "Task_WarehouseExecute", "warehouse", {
        "received_on": "2026-12-11", "received_lines": [{"line_no": 1, "qty": 1}], "condition_note": "已入库"})
    assert instance.status is InstanceStatus.completed


def _dealer_pays_too_much(sales, dealer: str) -> dict:
    """F05: 2,000.00 against 1,235.00 still owed; the rest stays an advance."""
    instance = sales.start("receipt_writeoff", {"receipts": [{
        "customer": dealer, "amount": 2000, "bank_reference": "ICBC-20261215-0042", "receipt_date": "2026-12-15",
        "allocation_basis": "oldest_due"}]}, "finance")
    sales.approve(instance, "Task_ReviewWriteOff", "sales_admin")
    assert instance.status is InstanceStatus.completed
    return instance.data["allocation_result"]


def _promotion_advance_settled(sales, dealer: str) -> dict:
    """F10: a 5,000.00 exhibition advance, 4,000.00 claimed, 1,000.00 returned."""
    instance = sales.start("promotion_expense", {"expense_type": "exhibition", "amount": 5000, "customer": dealer,
                                                 "purpose": "杭州泵阀展会展位及资料"}, "rep_east1")
    sales.approve(instance, "Task_RegionalManagerReview", "rm_east")
    sales.approve(instance, "Task_DirectorReview", "director")
    sales.approve(instance, "Task_GMApplicationApproval", "gm")
    sales.complete(instance, "Task_SubmitClaim", "rep_east1", {
        "customer_paid_date": "2026-12-15", "flow_sheet": _pdf("flow-sheet.pdf"),
        "claim_lines": [{"category": "展位费", "amount": amount, "receipt": _pdf(f"fapiao-{amount}.pdf")}
                        for amount in (3200, 800)]})
    for step, person in (("Task_VerifyFlowSheet", "sales_admin"), ("Task_CheckReceipts", "finance"),
                         ("Task_DirectorClaimReview", "director"), ("Task_GMClaimApproval", "gm")):
        sales.approve(instance, step, person)
    assert instance.status is InstanceStatus.completed
    return instance.data["settlement"]


def _in_december(column):
    return column.between(datetime(2026, 12, 1).date(), datetime(2026, 12, 31).date())


def _documents_of_december() -> dict:
    """The month's figures straight from the documents: goods shipped at
    their order lines' gross, invoices blue less red, money received."""
    shipped = D(0)
    for qty, line in db.session.execute(
            select(ShippingLine.qty, SalesOrderLine).join(ShippingNote).join(SalesOrderLine)
            .where(ShippingNote.status == "posted", _in_december(ShippingNote.ship_date))):
        shipped += (line.gross * qty / line.qty).quantize(D("0.01"))
    invoiced = db.session.scalar(select(func.sum(Invoice.gross)).where(_in_december(Invoice.invoice_date)))
    received = db.session.scalar(select(func.sum(Receipt.amount)).where(_in_december(Receipt.receipt_date)))
    return {"shipped": f"{shipped:.2f}", "invoiced": f"{invoiced:.2f}", "received": f"{received:.2f}"}


def test_a_month_of_business_across_the_flows(sales, customer_code, frozen_clock):
    dealer, mail_customer = customer_code(DEALER), customer_code(MAIL)

    order_no = _contract_shipped(sales, dealer)                 # 2,215.00 shipped
    _mail_order_paid_and_shipped(sales, mail_customer)          # 2,215.00 paid, shipped, invoiced, settled
    _invoiced(sales, dealer, order_no)                          # 2,215.00 invoiced
    _one_pump_returned(sales, dealer, order_no)                 # −980.00 red invoice
    writeoff = _dealer_pays_too_much(sales, dealer)             # 2,000.00 received
    settlement = _promotion_advance_settled(sales, dealer)
    assert all_invariants_hold()

    # what the documents say
    assert writeoff["allocated"] == "1235.00" and writeoff["advance_left"] == "765.00"
    overpaid = db.session.scalar(select(Receipt).where(Receipt.bank_reference == "ICBC-20261215-0042"))
    assert unallocated(overpaid) == D("765.00")
    assert sorted(i.gross for i in db.session.scalars(select(Invoice))) == [D("-980.00"), D("2215.00"), D("2215.00")]
    assert db.session.scalar(select(func.count()).select_from(SalesOrder).where(SalesOrder.kind == "red")) == 1
    assert (settlement["claimed"], settlement["returned"], settlement["outstanding"]) == ("4000.00", "1000.00", "0.00")
    [advance] = db.session.scalars(select(EmployeeAdvance))
    [claim] = db.session.scalars(select(ExpenseClaim))
    assert advance.amount == claim.claimed + claim.returned  # invariant 8, nothing outstanding

    # January: the month is over; the reconciliation closes it, then the report of the reconciled month
    frozen_clock.now = datetime(2027, 1, 2, 1, 0, tzinfo=timezone.utc)
    import_matching_statements(DECEMBER)  # the warehouse's and finance's December, as exported
    reconciliation = sales.start("monthly_reconciliation", {"month": DECEMBER}, "sales_admin")
    assert reconciliation.data["reconciliation"]["balanced"], reconciliation.data["reconciliation"]["differences"]
    sales.approve(reconciliation, "Task_FinanceConfirm", "finance", "与总帐核对一致")
    assert reconciliation.status is InstanceStatus.completed and period_status(DECEMBER) == "closed"
    report_run = sales.start("monthly_report", {"month": DECEMBER}, "sales_admin")
    report = report_run.data["report"]
    documents = _documents_of_december()
    assert documents == {"shipped": "4430.00", "invoiced": "3450.00", "received": "4215.00"}
    assert report["totals"]["month"] == documents == report["totals"]["ytd"]
    by_rep = {row["key"]: row["month"] for row in report["by_salesperson"]}
    assert by_rep == {"rep_east1": {"shipped": "2215.00", "invoiced": "1235.00", "received": "2000.00"},
                      "rep_east2": {"shipped": "2215.00", "invoiced": "2215.00", "received": "2215.00"}}
    assert {row["key"]: row["month"] for row in report["by_region"]} == {"华东": documents}
    sales.approve(report_run, "Task_ReviewReport", "sales_admin2")
    sales.approve(report_run, "Task_AcknowledgeReport", "director", "已阅")
    assert report_run.status is InstanceStatus.completed

    assert all_invariants_hold(DECEMBER)
