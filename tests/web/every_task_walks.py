"""The walks of the every-task browser test for the approval flows (F08
promotion, F10 collection assessment, F11 dealers, F12 shipment approval,
travel, F16 price adjustment, customer onboarding) and what all walks share: the demo customers they buy for and an
order shipped to start from. The sales-document walks stay in the test
module."""
from decimal import Decimal

from sqlalchemy import select

from app.extensions import db
from app.models import ProcessInstance, ShippingNote

DEALER = "浙江泵阀总经销有限公司"  # 华东, credit limit 800,000, rep_east1
MAIL = "江西设备维修服务部"  # 华东 mail-order customer, credit limit 0, rep_east2
CITY_DEALER = "江苏机电设备经销部"  # rep_east2


def shipped_order(world, customer, lines, *, invoice=False):
    order = world.act("ledger.create_sales_order", customer=world.customer(customer),
                      lines=[{"material": m, "qty": q} for m, q in lines])
    note = world.act("ledger.create_shipping_note", order=order["order_no"])
    world.act("ledger.post_outbound", shipping_note=note["shipping_note_no"])
    if invoice:
        world.act("ledger.issue_invoice", order=order["order_no"])
    return order["order_no"]


# --- F08 promotion_expense, F10 collection_assessment ------------------------------------------------------

def promotion_expense(w):
    def application(amount):
        return {"expense_type": "exhibition", "amount": amount, "customer": w.customer(DEALER), "purpose": "杭州泵阀展会展位及资料"}

    def claim(*amounts):
        return {"customer_paid_date": "2026-12-01", "flow_sheet": w.attachment("flow-sheet.pdf"),
                "claim_lines": [{"category": "展位费", "amount": amount, "receipt": w.attachment(f"invoice-{n}.pdf")}
                                for n, amount in enumerate(amounts, start=1)]}

    instance = w.start("promotion_expense", application(30000), "rep_east1")
    w.approve_until(instance, "Task_GMApplicationApproval")
    w.reject(instance, "Task_GMApplicationApproval", "gm", "压缩到两万以内")  # → Task_ReviseApplication

    w.refuse_once("ledger.pay_advance")
    w.refuse_once("ledger.settle_advance")
    instance = w.start("promotion_expense", application(5000), "rep_east1")
    w.approve_until(instance, "Task_ResolveAdvanceProblem")
    w.complete(instance, "Task_ResolveAdvanceProblem", "finance", {"action": "retry"})
    w.act("ledger.record_receipt", customer=w.customer(DEALER), amount="9000", date="2026-12-01")  # the claim follows it
    w.complete(instance, "Task_SubmitClaim", "rep_east1", claim(4000, 1300))  # above the advance: the GM approves
    w.refuse_once("ledger.pay_reimbursement")
    w.approve_until(instance, "Task_ResolveSettlementProblem")
    w.complete(instance, "Task_ResolveSettlementProblem", "finance", {"action": "retry"})  # → Task_ResolvePayoutProblem


def collection_assessment(w):
    code = w.customer(CITY_DEALER)
    invoice = w.act("ledger.issue_invoice", order=shipped_order(w, CITY_DEALER, [("MTR001", 16)]))
    receipt = w.act("ledger.record_receipt", customer=code, amount=invoice["gross"])
    w.act("ledger.allocate_receipt", receipt=receipt["receipt_no"])
    start = {"salesperson": "rep_east2", "month": "2026-12"}

    rejected = w.start("collection_assessment", start, "sales_admin")
    w.reject(rejected, "Task_FinanceReview", "finance", "应以标准价为基准")  # → Task_ResolveAssessmentProblem

    instance = w.start("collection_assessment", start, "sales_admin")
    w.approve_until(instance, "Task_SubmitReceipts")
    w.complete(instance, "Task_SubmitReceipts", "rep_east2", {"receipts": [
        {"category": "差旅费", "amount": 1500, "description": "回款考核贴票", "receipt": w.attachment("receipt-1.pdf")}]})
    w.refuse_once("ledger.pay_reimbursement")
    w.approve_until(instance, "Task_HandleReimbursementProblem")


# --- F11 dealer_onboarding, F12 shipment_approval, travel_request ------------------------------------------

def dealer_onboarding(w):
    from tests.support.samples import EVALUATION, PROSPECT, RECHECK

    rejected = w.start("dealer_onboarding", {**PROSPECT, "company_name": "宁波恒信贸易有限公司"}, "rep_east2")
    w.complete(rejected, "Task_FillEvaluation", "rep_east2", EVALUATION)
    w.complete(rejected, "Task_RegionalManagerReview", "rm_east", RECHECK)
    w.reject(rejected, "Task_DirectorApproval", "director", "该区域已有总经销商")  # → Task_ReplyRejection
    instance = w.start("dealer_onboarding", PROSPECT, "rep_east2")
    w.complete(instance, "Task_FillEvaluation", "rep_east2", EVALUATION)
    w.complete(instance, "Task_RegionalManagerReview", "rm_east", RECHECK)
    w.complete(instance, "Task_DirectorApproval", "director", {
        "decision": "approve", "comment": "同意", "annual_target": 5000000, "special_discount_pct": 10,
        "payment_days": 30, "credit_limit": 300000})  # a discount above the director's: the GM
    w.approve_until(instance, "Task_SignContract")
    w.refuse_once("ledger.establish_dealer", "duplicate_customer", "A customer of that name exists.")
    w.complete(instance, "Task_SignContract", "rep_east2", {"outcome": "signed", "contract_number": "HT-2026-218", "signed_date": "2026-11-28",
                                                            "contract_file": w.attachment("contract.pdf")})


def shipment_approval(w, *, chase=False):
    from app.services import events

    numbers = iter(range(1, 100))

    def to_confirmation(lines=(("MTR001", "YE3-80M2-2 1.1kW", 2, 950.0),), settlement="monthly_30", transport="own_truck"):
        rows = [{"material": m, "spec": s, "qty": q, "unit_price": p} for m, s, q, p in lines]  # amounts: the server's
        # a customer without a long-term contract: contract customers order through contract_shipment
        instance = w.start("shipment_approval", {"customer": w.customer(CITY_DEALER), "request_channel": "phone",
                                                 "requested_items": "YE3 电机两台", "requested_date": "2026-12-08"}, "rep_east1")
        w.complete(instance, "Task_FillDeliveryNote", "rep_east1", {
            "delivery_note_no": f"JH2026120{chase:d}{next(numbers):03d}", "lines": rows, "delivery_date": "2026-12-08",
            "delivery_place": "杭州市滨江区江南大道 88 号", "transport_mode": transport, "acceptance_terms": "到货开箱验收",
            "settlement_terms": settlement, "note_action": "submit"})
        w.complete(instance, "Task_StockArrangement", "dispatcher",
                   {"stock_status": "available", "planned_ship_date": "2026-12-05", "stock_note": "成品库现货"})
        return w.approve_until(instance, "Task_UploadSignedFax")

    if chase:  # last: it moves the clock past the three days the customer has to confirm
        instance = to_confirmation()
        w.clock.advance(days=3, minutes=1)
        assert events.fire_due_timers() >= 1
        db.session.commit()
        w.look(instance)  # → Task_ChaseConfirmation
        return

    def issue(instance):
        w.complete(instance, "Task_UploadSignedFax", "rep_east1", {
            "signed_fax": w.attachment("signed-fax.pdf"), "confirmed_by": "王强", "confirmed_date": "2026-12-02"})
        w.complete(instance, "Task_IssueShipment", "shipping_clerk",
                   {"ship_date": "2026-12-03", "carrier": "公司车队", "vehicle_plate": "浙A·12345"})

    instance = to_confirmation(settlement="acceptance_bill")  # an acceptance bill: the GM approves too
    issue(instance)
    w.complete(instance, "Task_PickUp", "driver", {"picked_up_date": "2026-12-03"})
    w.complete(instance, "Task_NotifyBranchAndCustomer", "shipping_clerk", {"customer_notice_channel": "phone", "branch_notified": True})
    w.complete(instance, "Task_CustomerSigns", "driver", {
        "signed_by": "王强", "signed_date": "2026-12-03", "proof_of_delivery": w.attachment("pod.jpg", b"\xff\xd8\xff pod"),
        "received": [{"line_no": 1, "received_qty": 1.0, "loss_reason": "运输途中跌落损坏一台"}]})

    instance = to_confirmation(transport="customer_pickup")  # the customer collects and signs on site
    issue(instance)
    w.complete(instance, "Task_CustomerCollects", "shipping_clerk", {
        "picked_up_date": "2026-12-03", "signed_by": "王强", "signed_date": "2026-12-03",
        "proof_of_delivery": w.attachment("collected.pdf")})

    w.refuse_once("ledger.issue_delivery_note")
    issue(to_confirmation())  # → Task_ResolveIssueProblem

    w.refuse_once("ledger.post_outbound")
    instance = to_confirmation()
    issue(instance)
    w.complete(instance, "Task_PickUp", "driver", {"picked_up_date": "2026-12-03"})  # → Task_ResolvePickupProblem


def travel_request(w):
    trip = {"purpose": "拜访华东客户", "reason": "客户提出现场需求", "destination": "上海", "start_date": "2026-12-01", "end_date": "2026-12-03",
            "transport": "火车", "estimated_cost": 2500}
    instance = w.start("travel_request", trip, "rep_east1")
    w.reject(instance, "Task_ManagerApproval", "rm_east", "预算太高")
    w.complete(instance, "Task_ReviseRequest", "rep_east1", {**trip, "estimated_cost": 1800, "action": "resubmit"})
    w.approve(instance, "Task_ManagerApproval", "rm_east")  # → Task_DepartmentHeadApproval
    w.approve(instance, "Task_DepartmentHeadApproval", "director")
    w.start("travel_request", trip, "service_mgr")  # a department head's trip → Task_GMApproval
    advance = w.act("ledger.pay_advance", employee="rep_east1", amount="1000", purpose="上海出差借支")["advance_no"]
    claim = w.start("travel_claim", {"request_no": instance.id, "trip_report": "走访上海三家经销商，完成新生产线验收。",
                                     "trip_report_file": w.attachment("述职报告.pdf"), "advance_no": advance,
                                     "claim_lines": [{"category": "交通费", "amount": 600}]}, "rep_east1")  # → Task_FinanceReview
    w.reject(claim, "Task_FinanceReview", "finance", "缺住宿发票")  # → Task_ReviseClaim


def credit_rating(w):
    instance = w.start("credit_rating", {"customer": ""}, "statistician")  # the monthly review's list
    w.complete(instance, "Task_PickCustomer", "statistician", {"action": "rate", "customer": w.customer(DEALER)})
    w.complete(instance, "Task_Propose", "statistician", {
        "action": "submit", "rating": "A", "credit_limit": 1200000, "payment_days": 60, "on_hold": False, "segment": "",
        "valid_from": "2026-12-15", "reason": "回款及时，年度销量增长，提额"})
    w.approve_until(instance, "Task_GMApproval")  # above the director's authority


# --- F16 price_adjustment ------------------------------------------------------------------------------------

def price_adjustment(w):
    from app.models import Material, MaterialClass

    def sheet(new_price):
        return {"price_list": "STD", "effective_date": "2026-12-15", "reason": "原材料价格变动，年末调价",
                "lines": [{"material": "PCF001", "new_price": new_price}]}

    # a sheet of mixed lines: a 10 % cut (the general manager too), a new class item, a rule pointed at another
    # list and a rule ended (the impact shows the prices that move and the pairs that would lose their price)
    mixed = {**sheet(1152), "lines": [
        {"kind": "reprice", "material": "PCF001", "new_price": 1152},
        {"kind": "new_item", "material_class": "PUMP_CF", "unit": "台", "new_price": 1300},
        {"kind": "retarget_rule", "customer_class": "ALL", "material_class": "PARTS", "to_price_list": "DEALER"},
        {"kind": "end_rule", "customer_class": "ALL", "material_class": "MOTOR"}]}
    instance = w.start("price_adjustment", mixed, "marketing")
    w.approve(instance, "Task_DirectorApproval", "director")
    w.reject(instance, "Task_GMApproval", "gm", "降幅过大，请控制在5%以内")  # → Task_ReviseSheet
    w.complete(instance, "Task_ReviseSheet", "marketing", {**sheet(1241.6), "action": "withdraw"})

    # a saleable material nobody priced yet: the coverage check after approval finds it
    motors = db.session.scalar(select(MaterialClass).where(MaterialClass.code == "MOTOR"))
    db.session.add(Material(code="MTR950", name="样机电机", spec="YE3-250M-2 55kW", material_class=motors, unit="台",
                            qty_scale=0, tax_rate=Decimal("0.13"), standard_cost=Decimal("9000")))
    db.session.commit()
    instance = w.start("price_adjustment", sheet(1241.6), "sales_admin")
    w.approve(instance, "Task_DirectorApproval", "director")  # → Task_CloseCoverageGap
    w.complete(instance, "Task_CloseCoverageGap", "sales_admin", {"resolution": "样机暂不对外销售", "action": "accept"})
    db.session.scalar(select(Material).where(Material.code == "MTR950")).saleable = False
    db.session.commit()


# --- customer_onboarding ---------------------------------------------------------------------------------------

def customer_onboarding(w):
    proposal = {"customer_name": "江苏机电设备经销有限公司", "channel": "direct", "customer_class": "DIRECT",  # like the demo's 经销部
                "region": "华东", "province": "江苏", "tax_id": "91320100MA1X2Y3K4W", "address": "南京市玄武区中山路 18 号",
                "contact_name": "吴经理", "contact_phone": "025-8666 1234", "salesperson": "rep_east1"}
    instance = w.start("customer_onboarding", proposal, "rep_east1")  # → Task_AdminCheck with a likely duplicate
    w.refuse_once("ledger.open_customer_file", "duplicate_tax_id", "Customer C00001 already has this tax id.")
    w.approve(instance, "Task_AdminCheck", "sales_admin")  # → Task_ReviseProposal with the reason
    w.complete(instance, "Task_ReviseProposal", "rep_east1", {**proposal, "action": "withdraw"})
    onboarding_rated(w)


def onboarding_rated(w):
    """A customer opened, its first rating approved in F12, the outcome read by the proposer."""
    from app.services.credit_requests import start_next_requested_rating
    from app.services.credit_settlements import settle_next_waiting_onboarding

    proposal = {"customer_name": "宁波北仑水务工程有限公司", "channel": "direct", "customer_class": "DIRECT",
                "region": "华东", "province": "浙江", "tax_id": "91330206MA2B3C4D5E", "address": "宁波市北仑区新碶街道 8 号",
                "contact_name": "陈工", "contact_phone": "0574-8686 1234", "salesperson": "rep_east1"}
    instance = w.start("customer_onboarding", proposal, "rep_east1")
    w.approve(instance, "Task_AdminCheck", "sales_admin")  # → the wait for the first rating
    while start_next_requested_rating() is not None:  # earlier walks asked too
        pass
    rating = db.session.scalar(select(ProcessInstance).where(
        ProcessInstance.business_key == f"credit_rating:{instance.data['customer_file']['customer_code']}"))
    w.complete(rating, "Task_Propose", "statistician", {
        "action": "submit", "rating": "B", "credit_limit": 200000, "payment_days": 30, "on_hold": False, "segment": "",
        "valid_from": "2026-12-15", "reason": "新客户首次评级"})
    w.approve(rating, "Task_FinanceApproval", "finance")
    w.approve(rating, "Task_DirectorApproval", "director")
    settle_next_waiting_onboarding()
    w.look(instance)  # → Task_ReadCreditOutcome
    w.complete(instance, "Task_ReadCreditOutcome", "rep_east1", {"outcome_read": True})
# --- F20 after_sales --------------------------------------------------------------------------------------------

def after_sales(w):
    order_no = shipped_order(w, DEALER, [("PCF001", 2)])
    note = db.session.scalar(select(ShippingNote.number).where(ShippingNote.order.has(number=order_no)))
    instance = w.start("after_sales", {"kind": "repair", "customer": w.customer(DEALER), "shipping_note": note,
                                       "description": "水泵运行时异响，流量下降", "files": [w.attachment("noise.pdf")]},
                       "service_desk")
    w.complete(instance, "Task_Triage", "service_desk", {"category": "product_fault", "severity": "high", "route": "quality"})
    w.complete(instance, "Task_QualityInvestigation", "quality", {
        "diagnosis": "叶轮铸造砂眼", "action_taken": "更换叶轮", "outcome": "billable", "billable_amount": 680,
        "parts": [{"material": "PRT001", "qty": 1}]})
    w.complete(instance, "Task_ConfirmServiceOrder", "order_clerk", {"amount_checked": True, "order_note": "随发票寄送"})
    w.complete(instance, "Task_FollowUpCall", "service_desk", {"satisfaction": "2", "reopen": True})  # → triage again
    w.complete(instance, "Task_Triage", "service_desk", {"category": "product_fault", "severity": "critical",
                                                         "route": "tech_support"})
    w.complete(instance, "Task_TechSupport", "tech_support", {"diagnosis": "安装不当", "action_taken": "现场重新校正",
                                                              "outcome": "warranty"})
    w.complete(instance, "Task_FollowUpCall", "service_desk", {"satisfaction": "5", "reopen": False})
# --- F11 monthly_sales_plan and plan_review ------------------------------------------------------------------

def monthly_plans(w):
    def received(instance):
        w.approve_until(instance, "Task_ReceiveTargets")
        while "Task_ReceiveTargets" in w.ready_elements(instance):
            task = w.task(instance, "Task_ReceiveTargets")
            w.complete(instance, "Task_ReceiveTargets", task.assignee.username, {"received": True})

    far = [{"region": "华东", "salesperson": "rep_east1", "material_class": "MOTOR", "amount": 5000000, "quantity": 10}]
    instance = w.start("monthly_sales_plan", {"month": "2026-12"}, "sales_admin")
    w.complete(instance, "Task_AdjustMonthlyPlan", "sales_admin", {"month_lines": far, "remark": "年末冲量"})
    received(instance)
    review = w.start("plan_review", {"month": "2026-12"}, "sales_admin")  # far below the plan → Task_DirectorReview
    w.complete(review, "Task_DirectorReview", "director", {"plan_decision": "adjust", "remark": "下调一月指标"})
    w.complete(review, "Task_AdjustMonthlyPlan", "sales_admin", {"month_lines": [far[0] | {"amount": 9800}], "remark": ""})
    received(review)


# --- F19 campaign ---------------------------------------------------------------------------------------------

def campaign(w):
    """Moves the clock past the campaign's end date: run it with the other clock movers."""
    from datetime import timedelta

    from app import clock
    from app.services import events

    day = clock.today()
    case = {"name": "华东冬季关怀活动", "theme": "care", "objective": "提升城市经销商冬季订货量", "offer": "满额赠送备件包",
            "starts_on": (day + timedelta(days=1)).isoformat(), "ends_on": (day + timedelta(days=3)).isoformat(),
            "budget_lines": [{"item": "展会场地", "amount": 60000}], "target_regions": ["华东"],
            "target_classes": ["DEALER_CITY"], "dispatch_channels": ["sms", "call", "visit"]}
    w.act("ledger.set_special_list", customer=w.customer("上海流体设备商行"), listed=True, reason="客户要求不再联系")
    instance = w.start("campaign", case, "marketing")
    w.approve(instance, "Task_DirectorApproval", "director")
    w.reject(instance, "Task_GMApproval", "gm", "预算过高")  # → Task_ReviseCase
    w.complete(instance, "Task_ReviseCase", "marketing", {**case, "budget_lines": [
        {"item": "宣传物料", "amount": 8000}, {"item": "赠品", "amount": 12000}]})
    w.approve(instance, "Task_DirectorApproval", "director")
    w.complete(instance, "Task_Plan", "marketing", {"design_brief": "冬季主题海报与单页", "plan_note": "上旬集中拜访"})
    w.complete(instance, "Task_Design", "designer", {"material_note": "海报一张、产品单页一份",
                                                     "design_files": [w.attachment("poster.pdf")]})
    w.approve(instance, "Task_SplitApproval", "director")
    while "Task_ReportResults" in w.ready_elements(instance):
        task = w.task(instance, "Task_ReportResults")
        w.complete(instance, "Task_ReportResults", task.assignee.username, {
            "contacts": 3, "responses": 1, "leads": 1, "order_numbers": [], "spend": 120.5, "note": "已拜访"})
    w.clock.advance(days=5)
    assert events.fire_due_timers() >= 1
    db.session.commit()
    w.look(instance)  # → Task_Evaluate
    w.complete(instance, "Task_Evaluate", "marketing", {"conclusion": "触达良好，订单待跟进"})
    w.approve(instance, "Task_DirectorReview", "director")
# --- F22 expense_advance, expense_claim ----------------------------------------------------------------------

def expense_advance(w):
    request = {"amount": 25000, "purpose": "华东市场推广会借支", "category": "promotion", "expected_settlement_date": "2026-12-20"}
    instance = w.start("expense_advance", request, "rep_east1")
    w.approve_until(instance, "Task_GMApproval")  # above 20,000: manager, finance, director, GM
    w.reject(instance, "Task_GMApproval", "gm", "压缩到五千以内")  # → Task_ReviseAdvance


def expense_claim(w):
    advance = w.act("ledger.pay_advance", employee="rep_east1", amount="1000", purpose="客户拜访借支")["advance_no"]

    def claim(*amounts, category="travel"):
        return {"purpose": "十二月华东客户拜访", "advance_no": advance,
                "claim_lines": [{"category": category, "amount": amount, "description": "高铁票及住宿",
                                 "receipt": w.attachment(f"receipt-{n}.pdf")} for n, amount in enumerate(amounts, start=1)]}

    instance = w.start("expense_claim", claim(18000, 4000, category="promotion"), "rep_east1")
    w.approve_until(instance, "Task_GMApproval")  # above 20,000: manager, receipts, director, GM
    w.reject(instance, "Task_GMApproval", "gm", "缺会议签到表")  # → Task_ReviseClaim
    w.refuse_once("ledger.pay_reimbursement")
    instance = w.start("expense_claim", claim(1200, 300), "rep_east1")
    w.approve_until(instance, "Task_ResolvePayoutProblem")


# --- F17 borrow_to_sale ---------------------------------------------------------------------------------------

def borrow_to_sale(w):
    """Moves the clock past the loan's expected date: run it with the other clock movers."""
    from datetime import timedelta

    from app import clock
    from app.services import events

    day = clock.today()

    def loan(days):
        return {"customer": w.customer(DEALER), "purpose": "demo", "expected_date": (day + timedelta(days=days)).isoformat(),
                "reason": "客户新产线试机", "lines": [{"material": "MTR001", "qty": 2}]}

    instance = w.start("borrow_to_sale", loan(40), "rep_east1")  # more than 30 days: the GM too
    w.approve_until(instance, "Task_GMApproval")
    w.reject(instance, "Task_GMApproval", "gm", "借期过长")  # → Task_ReviseLoan
    instance = w.start("borrow_to_sale", loan(2), "rep_east1")
    w.approve_until(instance, "Task_DeliverLoan")
    w.complete(instance, "Task_DeliverLoan", "warehouse", {"receiver_name": "王强", "signed_receipt": w.attachment("receipt.jpg", b"\xff\xd8\xff receipt"),
                                                           "received": [{"line_no": 1, "received_qty": 2}]})
    w.clock.advance(days=3)
    assert events.fire_due_timers() >= 1
    db.session.commit()
    w.look(instance)  # → Task_LoanDecision
    w.complete(instance, "Task_LoanDecision", "rep_east1", {"loan_action": "convert", "convert_lines": [{"line_no": 1, "qty": 1}]})
    w.approve(instance, "Task_OrderReview", "sales_admin")
    events.fire_due_timers()  # the date has passed: asked again at once
    db.session.commit()
    w.look(instance)
    w.complete(instance, "Task_LoanDecision", "rep_east1", {"loan_action": "return"})
    w.complete(instance, "Task_ReceiveReturn", "warehouse", {"returned": [{"line_no": 1, "qty": 1}]})
    w.complete(instance, "Task_QualityCheck", "quality", {"inspection": [{"line_no": 1, "quality": "saleable"}]})
