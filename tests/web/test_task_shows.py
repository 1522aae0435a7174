"""What an approver sees (``shows``): every approval page shows, read-only
and in its own ``section.card.shows[data-shows=KEY]``, the business object it
decides on — the ledger's document with lines, prices and totals, a report's
figures, the files earlier steps uploaded — through the real diagrams and
the real pages; the API returns the same items; the instance page shows
what every step submitted."""
import os
import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Customer
from tests.support.contract_shipment import REP, approve_contract, make_note, make_order
from tests.support.contract_shipment import contract  # noqa: F401  (a fixture)
from tests.support.flow_driver import ready_task_id

@pytest.fixture
def sales(web, flow, master_data):
    """The demo organisation and master data, the real diagrams, signed-in users."""
    return flow


@pytest.fixture
def customer_code(sales):
    def find(name):
        return db.session.scalar(select(Customer.code).where(Customer.name == name))

    return find


def section(html: str, key: str) -> str:
    """The inner HTML of the ``shows`` section for ``key`` (asserts there is exactly one)."""
    found = re.findall(rf'<section class="card shows" data-shows="{re.escape(key)}">(.*?)</section>', html, re.S)
    assert len(found) == 1, (key, re.findall(r'data-shows="([^"]+)"', html))
    return found[0]


def text(fragment: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", fragment)).strip()


def keep(html: str, name: str) -> str:
    """With LANES_KEEP_PAGES=<dir>, the page is saved there to be looked at (or screenshot)."""
    folder = os.environ.get("LANES_KEEP_PAGES")
    if folder:
        with open(os.path.join(folder, f"{name}.html"), "w", encoding="utf-8") as out:
            out.write(html)
    return html


def task_page(web, username, instance, element_id) -> str:
    html = web(username).page(f"/tasks/{ready_task_id(instance.id, element_id)}")
    return keep(html, f"{instance.process_key}-{element_id}")


def test_f01_order_review_shows_the_order_against_the_contract(sales, web, contract):
    instance = sales.start("contract_shipment", contract(), REP)
    approve_contract(sales, instance)
    make_order(sales, instance)
    html = task_page(web, "sales_admin", instance, "Task_OrderReview")
    order = text(section(html, "order_result"))
    assert order.startswith("销售订单 SO")
    assert "三相异步电机" in order and "YE3-80M2-2 1.1kW" in order and "¥980.00" in order and "¥85.00" in order
    assert "价税合计 ¥2,215.00" in order  # the order's total …
    assert "合同金额上限 ¥100,000.00" in order and "付款条件 货到30天付款" in order  # … against the contract's cap and terms
    assert "contract.pdf" in section(html, "contract_file")


F14_NOTE = {"delivery_note_no": "JH20261201001", "delivery_date": "2026-12-08", "delivery_place": "杭州市滨江区江南大道 88 号",
            "transport_mode": "own_truck", "acceptance_terms": "到货开箱验收", "settlement_terms": "monthly_30",
            "lines": [{"material": "MTR001", "spec": "YE3-80M2-2 1.1kW", "qty": 2, "unit_price": 950.0},
                      {"material": "PRT001", "spec": "108-16", "qty": 4, "unit_price": 80.4}],
            "note_action": "submit"}  # line amounts and the total are the server's (form_figures)


def test_f14_dispatcher_director_billing_and_driver_see_the_goods_prices_terms_and_address(sales, web, customer_code):
    from app.services.attachments import save_bytes

    instance = sales.start("shipment_approval", {"customer": customer_code("江苏机电设备经销部"), "request_channel": "phone",
                                                 "requested_items": "YE3 电机两台", "requested_date": "2026-12-08"}, REP)
    sales.complete(instance, "Task_FillDeliveryNote", REP, F14_NOTE)
    dispatcher = task_page(web, "dispatcher", instance, "Task_StockArrangement")
    assert "YE3-80M2-2 1.1kW" in text(section(dispatcher, "lines")) and "江南大道 88 号" in section(dispatcher, "delivery_place")
    sales.complete(instance, "Task_StockArrangement", "dispatcher",
                   {"stock_status": "available", "planned_ship_date": "2026-12-05", "stock_note": "成品库现货"})
    director = task_page(web, "director", instance, "Task_DirectorApproval")
    lines = text(section(director, "lines"))
    assert "MTR001" in lines and "¥950.00" in lines and "¥1,900.00" in lines and "¥80.40" in lines
    assert "¥2,221.60" in lines  # the lines add up, and the declared total is beside them
    assert "¥2,221.60" in text(section(director, "total_amount"))
    assert text(section(director, "settlement_terms")) == "结算方式 月结30天"  # the option's title, not its code
    assert "到货开箱验收" in section(director, "acceptance_terms") and "成品库现货" in section(director, "stock_note")
    sales.approve(instance, "Task_DirectorApproval", "director")
    fax = save_bytes("signed-fax.pdf", "application/pdf", b"%PDF-1.4 signed delivery note")
    sales.complete(instance, "Task_UploadSignedFax", REP, {"signed_fax": fax, "confirmed_by": "王强", "confirmed_date": "2026-12-02"})
    billing = task_page(web, "shipping_clerk", instance, "Task_IssueShipment")
    assert "signed-fax.pdf" in section(billing, "signed_fax") and "江南大道 88 号" in section(billing, "delivery_place")
    sales.complete(instance, "Task_IssueShipment", "shipping_clerk",
                   {"ship_date": "2026-12-03", "carrier": "自有车辆", "vehicle_plate": "浙A12345"})
    driver = task_page(web, "driver", instance, "Task_PickUp")
    note = text(section(driver, "issue_result"))
    assert note.startswith("出货单 ") and "三相异步电机" in note and "机械密封" in note
    assert "江南大道 88 号" in section(driver, "delivery_place") and "浙A12345" in section(driver, "vehicle_plate")


def test_f01_driver_sees_the_shipping_note_lines_and_the_delivery_address(sales, web, contract):
    instance = sales.start("contract_shipment", contract(), REP)
    approve_contract(sales, instance)
    make_order(sales, instance)
    sales.approve(instance, "Task_OrderReview", "sales_admin")
    make_note(sales, instance)
    review = task_page(web, "sales_admin", instance, "Task_ShippingNoteReview")
    assert "三相异步电机" in text(section(review, "note_result")) and "¥2,215.00" in text(section(review, "order_result"))
    sales.approve(instance, "Task_ShippingNoteReview", "sales_admin")
    sales.complete(instance, "Task_PrintShippingNote", "billing_clerk", {"printed_copies": 3})
    from app.services.attachments import save_bytes

    sales.complete(instance, "Task_AttachQCCertificate", "order_clerk", {
        "certificate_no": "QC-2612-031", "qc_certificate": save_bytes("qc.pdf", "application/pdf", b"%PDF-1.4 qc")})
    picking = task_page(web, "order_clerk", instance, "Task_PickGoods")
    assert "机械密封" in text(section(picking, "note_result")) and "江南大道 88 号" in section(picking, "delivery_address")
    sales.complete(instance, "Task_PickGoods", "order_clerk", {"picked_date": "2026-12-02"})
    driver = task_page(web, "driver", instance, "Task_DeliverGoods")
    note = text(section(driver, "note_result"))
    assert "MTR001" in note and "三相异步电机" in note and "PRT001" in note
    assert "杭州市滨江区江南大道 88 号" in text(section(driver, "delivery_address"))
    assert "qc.pdf" in section(driver, "qc_certificate")


def test_f07_review_shows_the_reports_figures(sales, web, customer_code):
    from app.actions import run_action
    from tests.support.ledger_harness import new_call

    order = run_action(new_call("ledger.create_sales_order"), {
        "customer": customer_code("浙江泵阀总经销有限公司"), "lines": [{"material": "MTR001", "qty": 2}], "date": "2026-11-05"})
    note = run_action(new_call("ledger.create_shipping_note"), {"order": order["order_no"], "date": "2026-11-05"})
    run_action(new_call("ledger.post_outbound"), {"shipping_note": note["shipping_note_no"], "date": "2026-11-05"})
    run_action(new_call("ledger.close_period"), {"month": "2026-11"})  # reconciled: only then reported
    instance = sales.start("monthly_report", {"month": "2026-11"}, "sales_admin")
    html = task_page(web, "sales_admin", instance, "Task_ReviewReport")
    report = html.split('data-shows="report"', 1)[1]  # drawn by the report page's partial (nested sections)
    assert 'data-shows="report"' not in report and "发货额" in report and "¥1,960.00" in report and "浙江泵阀总经销有限公司" in report and "华东" in report


def test_f08_finance_sees_the_allocations_the_charge_comes_from(sales, web, customer_code):
    from app.actions import run_action
    from tests.support.ledger_harness import new_call

    def act(operation, **params):
        return run_action(new_call(operation), params)

    code = customer_code("江苏机电设备经销部")  # buys at the standard list; served by rep_east2
    order = act("ledger.create_sales_order", customer=code, lines=[{"material": "MTR001", "qty": 1}])
    note = act("ledger.create_shipping_note", order=order["order_no"])
    act("ledger.post_outbound", shipping_note=note["shipping_note_no"])
    invoice = act("ledger.issue_invoice", order=order["order_no"])
    receipt = act("ledger.record_receipt", customer=code, amount=invoice["gross"])
    act("ledger.allocate_receipt", receipt=receipt["receipt_no"])
    instance = sales.start("collection_assessment", {"salesperson": "rep_east2", "month": "2026-12"},
                           "sales_admin")
    html = task_page(web, "finance", instance, "Task_FinanceReview")
    preview = text(section(html, "assessment_preview"))
    assert invoice["invoice_no"] in preview and "¥980.00" in preview and "¥130.09" in preview
    assert "KH/v1" in preview and "考核方案版本" in preview  # the scheme version the charge is computed under


def test_f10_the_flow_sheet_and_receipts_are_there_to_verify(sales, web, customer_code):
    from app.actions import run_action
    from app.services.attachments import save_bytes
    from tests.support.ledger_harness import new_call

    run_action(new_call("ledger.record_receipt", instance_id=0),  # the customer's payment the claim follows
               {"customer": customer_code("浙江泵阀总经销有限公司"), "amount": "9000", "date": "2026-12-01"})

    instance = sales.start("promotion_expense", {"expense_type": "exhibition", "amount": 5000, "purpose": "杭州泵阀展会展位",
                                                 "customer": customer_code("浙江泵阀总经销有限公司")}, "rep_east1")
    manager = task_page(web, "rm_east", instance, "Task_RegionalManagerReview")
    assert "¥5,000.00" in section(manager, "amount") and "杭州泵阀展会展位" in section(manager, "purpose")
    sales.approve(instance, "Task_RegionalManagerReview", "rm_east")
    sales.approve(instance, "Task_DirectorReview", "director")
    if "Task_GMApplicationApproval" in sales.ready_elements(instance):
        sales.approve(instance, "Task_GMApplicationApproval", "gm")
    sales.complete(instance, "Task_SubmitClaim", "rep_east1", {
        "customer_paid_date": "2026-12-01", "flow_sheet": save_bytes("flow-sheet.pdf", "application/pdf", b"%PDF-1.4 flow sheet"),
        "claim_lines": [{"category": "展位费", "amount": 3200,
                         "receipt": save_bytes("invoice-1.pdf", "application/pdf", b"%PDF-1.4 invoice 1")}]})
    html = task_page(web, "sales_admin", instance, "Task_VerifyFlowSheet")
    assert "flow-sheet.pdf</a>" in section(html, "flow_sheet")
    claim = section(html, "claim_lines")
    assert "invoice-1.pdf</a>" in claim and "¥3,200.00" in text(claim) and "展位费" in claim
    assert "借支单" in section(html, "advance") and "¥5,000.00" in text(section(html, "advance"))
    link = re.search(r'href="(/instances/\d+/attachments/[0-9a-f]{64})">flow-sheet.pdf', html).group(1)
    download = web("sales_admin").get(link)
    download.close()
    assert download.status_code == 200


def test_f13_the_regional_manager_sees_the_evaluation(sales, web):
    prospect = {"company_name": "杭州华信商贸有限公司", "region": "华东", "province": "浙江", "contact_name": "陈经理",
                "contact_phone": "13800000000", "business_scope": "工业设备分销", "expected_annual_volume": 3000000}
    instance = sales.start("dealer_onboarding", prospect, "rep_east2")
    sales.complete(instance, "Task_FillEvaluation", "rep_east2", {
        "visit_date": "2026-11-20", "capital_strength_score": 4, "sales_network_score": 5, "logistics_score": 4,
        "reputation_score": 4, "team_score": 3, "overall_comment": "网络覆盖浙江全省"})
    html = task_page(web, "rm_east", instance, "Task_RegionalManagerReview")
    assert "网络覆盖浙江全省" in section(html, "overall_comment") and "5" in text(section(html, "sales_network_score"))
    assert "杭州华信商贸有限公司" in section(html, "company_name")
    assert text(section(html, "total_score")) != ""


def test_the_api_returns_the_same_items_with_the_ledger_document(sales, client, api_token, contract):
    instance = sales.start("contract_shipment", contract(), REP)
    approve_contract(sales, instance)
    make_order(sales, instance)
    task_id = ready_task_id(instance.id, "Task_OrderReview")
    body = client.get(f"/api/v1/tasks/{task_id}", headers={"Authorization": f"Bearer {api_token('sales_admin', 'lanes-demo')}"}
                      ).get_json()
    shows = {item["key"]: item for item in body["shows"]}
    assert list(shows) == ["order_result", "contract_file"]
    document = shows["order_result"]["document"]
    assert document["kind"] == "sales_order" and document["totals"]["gross"] == "2215.00"
    assert document["facts"]["contract_amount_cap"] == "100000.00"
    assert [(line["material"], line["material_name"], line["qty"], line["unit_price"]) for line in document["lines"]] == [
        ("MTR001", "三相异步电机", "2.0000", "980.00000000"), ("PRT001", "机械密封", "3.0000", "85.00000000")]
    assert shows["contract_file"]["value"]["name"] == "contract.pdf"


def test_the_instance_page_shows_every_steps_data_and_files(sales, web, contract):
    from app.services.attachments import save_bytes

    instance = sales.start("contract_shipment", contract(), REP)
    sales.reject(instance, "Task_ContractReview", "sales_admin", "请附盖章版")
    first_scan = instance.data["contract_file"]
    stamped = save_bytes("contract-stamped.pdf", "application/pdf", b"%PDF-1.4 stamped contract")
    sales.complete(instance, "Task_ReviseContract", REP, {**contract(payment_days=45), "contract_file": stamped, "action": "resubmit"})
    page = keep(web(REP).page(f"/instances/{instance.id}"), "instance-contract_shipment")
    steps = re.findall(r'<div class="step-data" data-step="Task_ReviseContract">(.*?)</div>\s*(?:<div class="step-data"|</section>)',
                       page, re.S)
    assert len(steps) == 1 and "contract-stamped.pdf</a>" in steps[0] and "45" in text(steps[0])
    assert "账期" in steps[0]  # titled from the revision form, not the key
    # the file the revision replaced is still the request's history: listed and downloadable
    old = web(REP).get(f"/instances/{instance.id}/attachments/{first_scan['sha256']}")
    content = old.get_data()
    old.close()
    assert old.status_code == 200 and content == b"%PDF-1.4 signed contract"
    assert web("rep_south1").get(f"/instances/{instance.id}/attachments/{first_scan['sha256']}").status_code in (403, 404)


def test_the_order_shown_is_the_ledgers_not_the_figures_in_the_instance_data(sales, web, contract):
    """Attack: the figures a service task left in the instance data (or a
    field someone managed to write there) say the order is cheap; the page
    reads the order itself from the ledger, so the reviewer sees its real
    lines and total."""
    instance = sales.start("contract_shipment", contract(), REP)
    approve_contract(sales, instance)
    make_order(sales, instance)
    instance.data = {**instance.data, "order_result": {**instance.data["order_result"], "gross": "1.00",
                                                       "lines": [{"material": "MTR001", "qty": 1, "unit_price": "0.01"}]}}
    db.session.flush()
    order = text(section(task_page(web, "sales_admin", instance, "Task_OrderReview"), "order_result"))
    assert "价税合计 ¥2,215.00" in order and "¥980.00" in order
    assert "¥1.00" not in order and "¥0.01" not in order


def test_values_of_any_shape_become_a_display_tree_without_error(ctx):  # a material code is looked up for its name
    from app.services.task_view import describe

    assert describe("tax_rate", "0.13") == {"kind": "text", "text": "13%"}
    assert describe("tax_rate", "n/a") == {"kind": "text", "text": "n/a"}  # odd data is shown, never a 500
    assert describe("unit_price", "80.40000000") == {"kind": "price", "value": "80.40"}
    assert describe("unit_price", "12.34567800") == {"kind": "price", "value": "12.345678"}
    assert describe("valid_to", "2027-11-01") == {"kind": "date", "value": "2027-11-01"}
    table = describe("lines", [{"material": "M", "qty": "2.0000", "gross": "3.10", "unit_price": "1.55"},
                               {"material": "N", "qty": "1", "gross": "1", "unit_price": "1"}])
    assert [c["key"] for c in table["columns"]] == ["material", "qty", "unit_price", "gross"]
    assert table["totals"] == [None, None, None, {"kind": "money", "value": "4.10"}]  # amounts add up, prices do not
    grid = describe("report", {"month": "2026-11", "totals": {"month": {"shipped": "1"}, "ytd": {"shipped": "2"}}})
    assert [item["key"] for item in grid["items"]] == ["month", "totals"] and grid["items"][1]["node"]["kind"] == "table"
    assert describe("x", {"ok": False, "error": {"code": "c", "message": "没有价格"}})["items"][0]["node"]["text"] == "没有价格"


def test_f02_the_payment_notice_page_gives_the_company_bank_account(sales, web, customer_code):
    instance = sales.start("mail_order", {"customer_kind": "known", "customer": customer_code("江西设备维修服务部"), "lines": [{"material": "MTR001", "qty": 2}],
                                          "ship_to": {"recipient": "万师傅", "phone": "0791-8812 3456",
                                                      "address": "江西省南昌市青山湖区民营科技园 18 号"}}, "rep_east2")
    page = text(task_page(web, "rep_east2", instance, "Task_InformCustomer"))
    assert "开户银行" in page and "中国工商银行南昌青山湖支行" in page
    assert "银行账号" in page and "1502 2011 0900 0123 456" in page and "1960.00" in page
