"""Every user task of every deployed diagram, opened in chromium as someone
who may work on it: the page renders (200, no error, its form) and shows
every item the task declares in ``shows``, each non-empty.

The instances are driven through the service layer along the real flows
with valid data (the steps of tests/flows/); a task on a refusal branch is
reached by having the ledger action before it refuse once, as the flow
tests' ``refuse_once`` does. Each task's page is opened the first time the
task is READY, so one instance covers every step it passes; the tasks are
enumerated from the deployed definitions, so a new task fails this test
until a path reaches it."""
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from app.ledger.shipping import batch_stock
from app.ledger.stock_places import main_warehouse
from app.extensions import db
from tests.support.contract_shipment import TERMS
from tests.web.every_task_cross_org import cross_org_sale, internal_settlement
from tests.web.every_task_presales import presales_proposal
from tests.web.every_task_walks import (DEALER, MAIL, after_sales, borrow_to_sale, campaign, collection_assessment,
                                        credit_rating,
                                         customer_onboarding, dealer_onboarding, expense_advance, expense_claim,
                                         monthly_plans, price_adjustment, promotion_expense, shipment_approval,
                                         shipped_order, travel_request)
from tests.web.browser_driving import browser, live_app, live_server, person, world  # noqa: F401  (fixtures)

# --- F01 contract_shipment ---------------------------------------------------------------------------------

def contract_shipment(w):
    numbers = iter(range(1, 100))

    def contract(customer=DEALER, lines=(("MTR001", 2), ("PRT001", 3)), amount=100000.0):
        return {"customer": w.customer(customer), "contract_no": f"HT-EVERY-{next(numbers)}", "contract_amount": amount,
                "payment_days": 30, "price_terms": "执行公司标准价", "payment_terms": "货到30天付款",
                "valid_from": "2026-11-01", "valid_to": "2027-11-01", "lines": [{"material": m, "qty": q} for m, q in lines],
                "contract_file": w.attachment("contract.pdf")}

    def to_order(instance):
        w.approve_until(instance, "Task_MakeOrder")
        w.complete(instance, "Task_MakeOrder", "order_clerk", {"order_date": "2026-12-01", **TERMS})

    def to_picking(instance):
        to_order(instance)
        w.approve_until(instance, "Task_MakeShippingNote")
        w.complete(instance, "Task_MakeShippingNote", "billing_clerk", {
            "ship_date": "2026-12-02", "transport_mode": "own_truck", "route": "city", "delivery_address": "杭州市滨江区江南大道 88 号"})
        w.approve_until(instance, "Task_PrintShippingNote")
        w.complete(instance, "Task_PrintShippingNote", "billing_clerk", {"printed_copies": 1})
        w.complete(instance, "Task_AttachQCCertificate", "order_clerk",
                   {"certificate_no": "QC-2612-031", "qc_certificate": w.attachment("qc.pdf")})
        w.complete(instance, "Task_PickGoods", "order_clerk", {"picked_date": "2026-12-02"})

    instance = w.start("contract_shipment", contract(amount=800000.0), "rep_east1")  # above the director: the GM
    w.approve_until(instance, "Task_GMApproval")
    w.reject(instance, "Task_GMApproval", "gm", "金额过大，分批签订")  # → Task_ReviseContract

    instance = w.start("contract_shipment", contract(), "rep_east1")
    to_order(instance)
    w.reject(instance, "Task_OrderReview", "sales_admin2", "客户只要电机")  # → Task_ReviseOrder
    w.complete(instance, "Task_ReviseOrder", "rep_east1", {"lines": [{"material": "MTR001", "qty": 2}], "order_action": "remake"})
    w.complete(instance, "Task_MakeOrder", "order_clerk", {"order_date": "2026-12-01", **TERMS})
    w.approve_until(instance, "Task_MakeShippingNote")
    w.complete(instance, "Task_MakeShippingNote", "billing_clerk", {
        "ship_date": "2026-12-02", "transport_mode": "own_truck", "route": "city", "delivery_address": "杭州市滨江区江南大道 88 号"})
    w.approve_until(instance, "Task_PrintShippingNote")
    w.complete(instance, "Task_PrintShippingNote", "billing_clerk", {"printed_copies": 3})
    w.complete(instance, "Task_AttachQCCertificate", "order_clerk",
               {"certificate_no": "QC-2612-031", "qc_certificate": w.attachment("qc.pdf")})
    w.complete(instance, "Task_PickGoods", "order_clerk", {"picked_date": "2026-12-02"})
    w.complete(instance, "Task_DeliverGoods", "driver", {"delivered_date": "2026-12-03", "receiver_name": "王强",
                                                         "delivery_receipt": w.attachment("receipt.jpg", b"\xff\xd8\xff receipt"),
                                                         "received": [{"line_no": 1, "received_qty": 2}]})
    w.complete(instance, "Task_RegisterShipment", "order_clerk", {"waybill_no": "YD-0098123"})  # → Task_UploadTraceability

    # PMS006 8,835.00 × 30 over a credit limit of 0, beyond the director's authority
    instance = w.start("contract_shipment", contract(MAIL, [("PMS006", 30)], 300000.0), "rep_east1")
    to_order(instance)  # → Task_CreditHoldDecision
    w.complete(instance, "Task_CreditHoldDecision", "director", {"credit_action": "release", "reason": "重点项目"})

    to_order(w.start("contract_shipment", contract(amount=1000.0), "rep_east1"))  # cap exceeded → Task_ResolveOrderProblem

    w.refuse_once("ledger.create_shipping_note")
    instance = w.start("contract_shipment", contract(), "rep_east1")
    to_order(instance)
    w.approve_until(instance, "Task_MakeShippingNote")
    w.complete(instance, "Task_MakeShippingNote", "billing_clerk", {
        "ship_date": "2026-12-02", "transport_mode": "own_truck", "route": "city", "delivery_address": "杭州市滨江区江南大道 88 号"})

    w.refuse_once("ledger.post_outbound")
    to_picking(w.start("contract_shipment", contract(), "rep_east1"))  # → Task_ResolveOutboundProblem


# --- F02 mail_order ----------------------------------------------------------------------------------------

MAIL_PICK = {"picked_on": "2026-12-04", "packages": 2}
MAIL_INVOICE = {"invoice_date": "2026-12-04", "tax_invoice_number": "No.36021187"}


def mail_order(w):
    def order(lines=(("MTR001", 2), ("PRT001", 3))):  # 980.00 × 2 + 85.00 × 3 = 2215.00
        return {"customer_kind": "known", "customer": w.customer(MAIL),
                "lines": [{"material": m, "qty": q} for m, q in lines],
                "ship_to": {"recipient": "万师傅", "phone": "0791-8812 3456", "address": "江西省南昌市青山湖区民营科技园 18 号",
                            "postcode": "330096"}}

    def paid(instance):
        w.complete(instance, "Task_InformCustomer", "rep_east2", {"informed_via": "phone"})
        w.complete(instance, "Task_ConfirmPayment", "finance",
                   {"amount": float(instance.data["order_result"]["gross"]), "receipt_date": "2026-12-03",
                    "bank_reference": f"ICBC-0791-{instance.id:04d}"})

    instance = w.start("mail_order", order([("PMS001", 5)]), "rep_east2")  # 23,250.00: the supervisor reviews
    w.reject(instance, "Task_OrderReview", "sales_admin", "客户信息不全，请核实")  # → Task_ReviseOrder

    clash = {**order(), "customer_kind": "walk_in",  # a walk-in customer by the name of one on file → Task_ReviseOrder
             "new_customer": {"name": MAIL, "phone": "0791-8566 2211", "address": "江西省南昌市青云谱区井冈山大道 302 号"}}
    w.start("mail_order", clash, "rep_east2")

    instance = w.start("mail_order", order(), "rep_east2")
    paid(instance)
    w.complete(instance, "Task_PickGoods", "warehouse", MAIL_PICK)
    w.complete(instance, "Task_IssueInvoice", "billing_clerk", MAIL_INVOICE)  # → Task_BookCourier

    w.refuse_once("ledger.create_sales_order")
    w.start("mail_order", order(), "rep_east2")  # → Task_ResolveOrderProblem

    w.refuse_once("ledger.create_shipping_note")
    paid(w.start("mail_order", order(), "rep_east2"))  # → Task_ResolveShippingProblem

    w.refuse_once("ledger.allocate_receipt")
    instance = w.start("mail_order", order(), "rep_east2")
    paid(instance)
    w.complete(instance, "Task_PickGoods", "warehouse", MAIL_PICK)
    w.complete(instance, "Task_IssueInvoice", "billing_clerk", MAIL_INVOICE)  # → Task_ResolveWriteOff


def mail_order_unpaid(w):
    """Last: it moves the clock past the payment window."""
    from app.services import events

    instance = w.start("mail_order", {"customer_kind": "known", "customer": w.customer(MAIL),
                                      "lines": [{"material": "MTR001", "qty": 1}],
                                      "ship_to": {"recipient": "万师傅", "phone": "0791-8812 3456",
                                                  "address": "江西省南昌市青山湖区民营科技园 18 号", "postcode": "330096"}},
                       "rep_east2")
    w.complete(instance, "Task_InformCustomer", "rep_east2", {"informed_via": "phone"})
    w.refuse_once("ledger.cancel_sales_order")
    w.clock.advance(days=8)
    assert events.fire_due_timers() >= 1
    db.session.commit()
    w.look(instance)  # → Task_ResolveCancellation


# --- F03 return_exchange -----------------------------------------------------------------------------------

def return_exchange(w):
    def request(order_no, kind="return"):
        return {"customer": w.customer(DEALER), "order_no": order_no, "kind": kind, "reason": "quality_defect",
                "reason_detail": "电机轴承异响，客户现场验收不合格", "lines": [{"line_no": 1, "qty": 1}],
                "proof": [w.attachment("破损照片.jpg", b"\xff\xd8\xff crack"), w.attachment("客户退货函.pdf")],
                "price_agreed_via": "phone", "price_agreed_on": "2026-11-30"}

    def through_gm(instance):
        w.approve(instance, "Task_SalesReview", "order_clerk")
        w.complete(instance, "Task_QualityInspection", "quality", {
            "decision": "approve", "comment": "复验确认轴承缺陷", "inspection_result": "defective", "defect_cause": "轴承滚道剥落",
            "responsibility": "production", "disposition": "quarantine"})
        w.approve_until(instance, "Task_ReduceAccount")

    received = {"received_on": "2026-12-03", "received_lines": [{"line_no": 1, "qty": 1}], "condition_note": "外包装完好"}
    instance = w.start("return_exchange", request(shipped_order(w, DEALER, [("MTR001", 2)], invoice=True)), "rep_east1")
    through_gm(instance)
    w.complete(instance, "Task_ReduceAccount", "sales_admin", {"return_date": "2026-12-02"})  # → Task_WarehouseExecute

    instance = w.start("return_exchange", request(shipped_order(w, DEALER, [("MTR001", 2)], invoice=True)), "rep_east1")
    w.reject(instance, "Task_SalesReview", "order_clerk", "证明材料不足")  # → Task_ReviseReturn

    w.refuse_once("ledger.register_return")
    instance = w.start("return_exchange", request(shipped_order(w, DEALER, [("MTR001", 2)], invoice=True)), "rep_east1")
    through_gm(instance)
    w.complete(instance, "Task_ReduceAccount", "sales_admin", {"return_date": "2026-12-02"})  # → Task_ResolveReturnProblem

    w.refuse_once("ledger.create_replacement")
    order_no = shipped_order(w, DEALER, [("MTR001", 2)], invoice=True)
    instance = w.start("return_exchange", request(order_no, "exchange"), "rep_east1")
    through_gm(instance)
    w.complete(instance, "Task_ReduceAccount", "sales_admin", {"return_date": "2026-12-02"})
    w.complete(instance, "Task_WarehouseExecute", "warehouse", received)  # → Task_ResolveReplacementProblem
    w.complete(instance, "Task_ResolveReplacementProblem", "sales_admin", {"action": "retry"})  # → Task_ShipReplacement


# --- F04 invoice_request, F05 receipt_writeoff -------------------------------------------------------------

def invoice_request(w):
    def request(order_no):
        return {"customer": w.customer(DEALER), "order_no": order_no, "invoice_type": "special_vat", "note": "寄往杭州总部财务"}

    def picked(order_no):
        return {"decision": "approve", "comment": "与出货记录一致", "invoice_lines": [{"order_line": f"{order_no}/1"}]}

    order_no = shipped_order(w, DEALER, [("MTR001", 2)])
    instance = w.start("invoice_request", request(order_no), "rep_east1")
    w.complete(instance, "Task_CheckShipped", "sales_admin", picked(order_no))
    w.complete(instance, "Task_IssueInvoice", "billing_clerk", {"invoice_date": "2026-12-01", "tax_invoice_number": "No.04418832"})
    # → Task_RequesterReceivesInvoice, Task_FinanceReceivesInvoice, Task_EnterInvoice

    instance = w.start("invoice_request", request(shipped_order(w, DEALER, [("MTR001", 1)])), "rep_east1")
    w.reject(instance, "Task_CheckShipped", "sales_admin", "发票类型有误，请核对")  # → Task_ReviseRequest

    w.refuse_once("ledger.invoice_shipped_lines")
    order_no = shipped_order(w, DEALER, [("MTR001", 1)])
    instance = w.start("invoice_request", request(order_no), "rep_east1")
    w.complete(instance, "Task_CheckShipped", "sales_admin", picked(order_no))
    w.complete(instance, "Task_IssueInvoice", "billing_clerk",
               {"invoice_date": "2026-12-01", "tax_invoice_number": "No.04418833"})  # → Task_ResolveInvoiceProblem


def receipt_writeoff(w):
    def handover(amount, reference):
        return {"receipts": [{"customer": w.customer(DEALER), "amount": amount, "bank_reference": reference,
                              "receipt_date": "2026-12-01", "allocation_basis": "oldest_due"}],
                "handover_note": "12月1日工行到账"}

    instance = w.start("receipt_writeoff", handover(3000, "ICBC-20261201-0042"), "finance")
    w.reject(instance, "Task_ReviewWriteOff", "sales_admin", "款项性质不明")  # → Task_ReviseWriteOff

    w.refuse_once("ledger.record_receipts")
    w.start("receipt_writeoff", handover(980, "ICBC-20261201-0043"), "finance")  # → Task_ResolveReceiptProblem

    w.refuse_once("ledger.allocate_receipts")
    instance = w.start("receipt_writeoff", handover(500, "ICBC-20261201-0044"), "finance")
    w.approve_until(instance, "Task_ResolveAllocationProblem")


# --- F06 monthly_reconciliation, F07 monthly_report, F09 performance_review --------------------------------

def month_end(w):
    from app.models import Material, StockMovement

    from app.actions import run_action
    from tests.support.ledger_harness import new_call
    from tests.support.statements import import_matching_statements

    import_matching_statements("2026-11")  # the inventory and finance systems' November, as they exported it
    run_action(new_call("ledger.close_period"), {"month": "2026-10"})  # October reconciled: its report can be built
    db.session.commit()
    w.refuse_once("ledger.close_period", "period_locked", "The general ledger is running its own month end.")
    instance = w.start("monthly_reconciliation", {"month": "2026-11"}, "sales_admin")  # balanced: finance confirms
    w.approve_until(instance, "Task_ResolveClosingProblem")
    w.start("monthly_reconciliation", {"month": "2027-01"}, "sales_admin")  # not ended → Task_ResolvePeriodProblem

    instance = w.start("monthly_report", {"month": "2026-10"}, "sales_admin")
    w.reject(instance, "Task_ReviewReport", "sales_admin2", "请补开11月发票后重新编制")  # → Task_CorrectReport
    w.complete(instance, "Task_CorrectReport", "sales_admin", {"corrections": "补开11月发票"})
    w.approve(instance, "Task_ReviewReport", "sales_admin2")  # → Task_AcknowledgeReport
    w.start("monthly_report", {"month": "2027-01"}, "sales_admin")  # → Task_ResolvePeriodProblem

    # a stock issue the warehouse posted without a shipping note: the difference to investigate
    material = db.session.scalar(select(Material).where(Material.code == "MTR001"))
    db.session.add(StockMovement(kind="outbound", material_id=material.id, qty=Decimal("-1"), unit_cost=material.standard_cost,
                                 batch_no=batch_stock(material.id)[0][0], movement_date=date(2026, 11, 15), source_key="warehouse:manual:1", seq=1,
                                 location="warehouse", warehouse_id=main_warehouse().id))
    db.session.commit()
    w.start("monthly_reconciliation", {"month": "2026-11"}, "sales_admin")  # → Task_InvestigateDifferences

    instance = w.start("performance_review", {"quarter": "2026-Q4"}, "sales_admin")
    w.complete(instance, "Task_ProposeRewards", "director", {"adjustments": [
        {"salesperson": "rep_east2", "kind": "penalty", "amount": 500, "reason": "回款率低"}], "summary": "华东回款偏慢"})
    w.approve_until(instance, "Task_GMApproval")


def sales_plan(w):
    def each(instance, element_id, data):
        while element_id in w.ready_elements(instance):
            task = w.task(instance, element_id)
            w.complete(instance, element_id, task.assignee.username, data)

    instance = w.start("sales_plan", {"remark": ""}, "sales_admin")
    w.complete(instance, "Task_PlanFrame", "sales_admin", {
        "year": 2027, "strategy": "巩固华东", "forecast": "需求增长8%",
        "capacity": [{"material_class": "MOTOR", "month": 1, "quantity": 100}]})
    line = {"material_class": "MOTOR", "month": 1, "amount": 9800, "quantity": 5}
    each(instance, "Task_RepFigures", {"lines": [{"customer": "", **line}], "remark": ""})
    each(instance, "Task_RegionConsolidation", {"lines": [{"salesperson": "rep_east1", **line}], "remark": ""})
    w.complete(instance, "Task_Breakdown", "sales_admin", {"plan_lines": [
        {"region": "华东", "salesperson": "rep_east1", "customer": "", **line}], "remark": ""})
    w.approve_until(instance, "Task_ReceiveTargets")
    each(instance, "Task_ReceiveTargets", {"received": True})


# Tasks no path above reaches yet, each with the reason; the test fails when one is reached (then remove it).
EXPECTED_GAPS: set = set()

SCENARIOS = [contract_shipment, mail_order, return_exchange, invoice_request, receipt_writeoff, month_end,
             promotion_expense, collection_assessment, dealer_onboarding, shipment_approval, travel_request,
             credit_rating, price_adjustment, sales_plan, customer_onboarding, after_sales, monthly_plans, expense_advance,
             expense_claim, presales_proposal, cross_org_sale, internal_settlement,
             # these move the clock: last
             mail_order_unpaid, lambda w: shipment_approval(w, chase=True), campaign, borrow_to_sale]


def test_every_user_task_page_renders_and_shows_what_it_declares(world, person):
    for scenario in SCENARIOS:
        scenario(world)
    declared = set(world.checker.declared)
    missing = declared - set(world.checker.seen) - EXPECTED_GAPS
    assert not missing, f"no path reached these tasks: {sorted(missing)}"
    assert not (EXPECTED_GAPS & set(world.checker.seen)), "reached now: remove from EXPECTED_GAPS"
    assert not person.errors, person.errors
