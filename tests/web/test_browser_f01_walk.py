"""F01 contract_shipment worked in chromium through the web pages alone:
the representative submits the contract (lines, the signed PDF), each
performer signs in, opens the task from the inbox, reads what it shows,
fills the form and clicks its button, until the goods are delivered, signed
for (with a transit loss) and traced; the billing clerk opens the printable
shipping note from the print step. A picture of every page goes to
test-artifacts/f01/."""
import re

from tests.web.browser_driving import browser, live_app, live_server, person  # noqa: F401  (fixtures)
from tests.web.browser_driving import cell, fill_contract, labelled, open_task, shot, shown, submit, text_of

REFERENCE = "HT-WEB-118"


def _submit_contract(rep, base, tmp_path):
    scan = tmp_path / "contract.pdf"
    scan.write_bytes(b"%PDF-1.4\n% signed contract HT-WEB-118\n%%EOF\n")
    rep.goto(base + "/start")
    rep.get_by_role("link", name=re.compile("合同发货")).click()
    rep.wait_for_url(base + "/start/contract_shipment")
    fill_contract(rep, REFERENCE)
    labelled(rep, "合同扫描件").set_input_files(str(scan))
    labelled(rep, "备注").fill("客户要求月底前到货")
    shot(rep, "f01", "01-start-form")
    rep.get_by_role("button", name="提交申请").click()
    rep.wait_for_url(re.compile(r"/instances/\d+$"))
    assert "已提交" in rep.inner_text(".flash")
    return rep.url


def _assert_contract_shown(page):
    about = text_of(page, ".about")
    for expected in ("HT-WEB-118", "¥100,000.00", "执行公司标准价", "货到30天付款", "MTR001", "PRT001",
                     "contract.pdf"):
        assert expected in about, (expected, about)


def _assert_priced_order_shown(page):
    """The order as the ledger priced it: lines, unit prices, line amounts, totals."""
    order = shown(page, "order_result")
    assert re.search(r"销售订单 SO\d{6}-\d{4}", order), order
    # MTR001 980.00 × 2 + PRT001 85.00 × 3 at the standard (tax-inclusive) list
    for expected in ("MTR001", "¥980.00", "¥1,960.00", "PRT001", "¥85.00", "¥255.00", "价税合计 ¥2,215.00", "HT-WEB-118"):
        assert expected in order, (expected, order)


def _approve(page, base, task_name, picture, comment="同意"):
    open_task(page, base, REFERENCE, task_name)
    _assert_contract_shown(page)
    # what the approver decides on, declared in the diagram (shows)
    assert "¥100,000.00" in shown(page, "contract_amount")
    lines = shown(page, "lines")
    # each material by its code, name and spec, then the quantity
    assert "MTR001 三相异步电机 YE3-80M2-2 1.1kW 2" in lines and "PRT001 机械密封 108-16 3" in lines, lines
    assert "contract.pdf" in shown(page, "contract_file")
    labelled(page, "审批说明").fill(comment)
    shot(page, "f01", picture)
    return page


def test_contract_is_worked_from_submission_to_delivery_in_the_browser(person, live_server, tmp_path):
    base = live_server
    rep = person("rep_east1")
    instance_url = _submit_contract(rep, base, tmp_path)

    admin = _approve(person("sales_admin"), base, "合同初审", "02-contract-review", "合同条款齐全")
    submit(admin, base, "同意", "合同初审")
    director = _approve(person("director"), base, "销售总监审批", "03-director-approval", "同意，按标准价执行")
    assert "合同初审" in text_of(director, "ol.steps") and "合同条款齐全" in text_of(director, "ol.steps")
    submit(director, base, "同意", "销售总监审批")

    clerk = person("order_clerk")
    open_task(clerk, base, REFERENCE, "制作订单")
    made = text_of(clerk, ".field.readonly")  # the registered contract, read-only
    assert "合同登记结果" in made and "HT-WEB-118" in made and "100000.00" in made
    labelled(clerk, "订单日期").fill("2026-12-01")
    labelled(clerk, "交货地点").fill("杭州市滨江区江南大道 88 号")
    labelled(clerk, "交货时间").fill("2026-12-03")
    labelled(clerk, "验收方式").fill("到货三日内按质检单验收")
    labelled(clerk, "结算方式").fill("银行转账，货到30天付款")
    shot(clerk, "f01", "04-make-order")
    submit(clerk, base, "提交", "制作订单")

    reviewer = person("sales_admin2")  # not the contract's reviewer: another pair of eyes
    open_task(reviewer, base, REFERENCE, "订单审核")
    _assert_contract_shown(reviewer)
    _assert_priced_order_shown(reviewer)
    shot(reviewer, "f01", "05-order-review")
    submit(reviewer, base, "同意", "订单审核")

    billing = person("billing_clerk")
    open_task(billing, base, REFERENCE, "编制出货单")
    order = text_of(billing, ".field.readonly")  # the priced order, read-only
    # MTR001 980.00 × 2 + PRT001 85.00 × 3 at the standard (tax-inclusive) list
    assert "订单结果" in order and re.search(r"SO\d{6}-\d{4}", order) and "2215.00" in order, order
    assert "MTR001" in order and "980.00" in order and "PRT001" in order and "85.00" in order, order
    labelled(billing, "出货日期").fill("2026-12-02")
    labelled(billing, "运输方式").select_option(label="公司车辆")
    labelled(billing, "市内／外埠").select_option(label="外埠")
    labelled(billing, "收货地址").fill("杭州市滨江区江南大道 88 号")
    shot(billing, "f01", "06-make-shipping-note")
    submit(billing, base, "提交", "编制出货单")

    admin = person("sales_admin")
    open_task(admin, base, REFERENCE, "出货单审核")
    _assert_contract_shown(admin)
    _assert_priced_order_shown(admin)
    note = shown(admin, "note_result")
    assert re.search(r"出货单 SN\d{6}-\d{4}", note) and "MTR001" in note and "PRT001" in note, note
    assert "杭州市滨江区江南大道 88 号" in shown(admin, "delivery_address")
    shot(admin, "f01", "07-shipping-note-review")
    submit(admin, base, "同意", "出货单审核")

    open_task(billing, base, REFERENCE, "打印出货单")
    note = text_of(billing, ".field.readonly")
    assert "出货单" in note and "MTR001" in note and "PRT001" in note, note
    labelled(billing, "打印份数").fill("3")
    shot(billing, "f01", "08-print-shipping-note")
    task_url = billing.url
    billing.goto(base + billing.get_by_role("link", name="出货单打印页").first.get_attribute("href"))
    printable = billing.inner_text("body")
    for expected in ("出货单", "浙江泵阀总经销有限公司", "杭州市滨江区江南大道 88 号", "公司车辆", "外埠", "三相异步电机",
                     "到货三日内按质检单验收", "HT-WEB-118"):
        assert expected in printable, (expected, printable)
    shot(billing, "f01", "08b-printable-shipping-note")
    billing.goto(task_url)
    labelled(billing, "打印份数").fill("3")
    submit(billing, base, "提交", "打印出货单")

    certificate = tmp_path / "qc.pdf"
    certificate.write_bytes(b"%PDF-1.4\n% quality certificate QC-2612-031\n%%EOF\n")
    open_task(clerk, base, REFERENCE, "配发质检单")
    labelled(clerk, "质检单号").fill("QC-2612-031")
    labelled(clerk, "质检单").set_input_files(str(certificate))
    shot(clerk, "f01", "09-qc-certificate")
    submit(clerk, base, "提交", "配发质检单")

    open_task(clerk, base, REFERENCE, "仓库配货")  # the order clerk picks, with the driver (seed L9)
    assert "MTR001" in text_of(clerk, ".field.readonly")
    labelled(clerk, "出库日期").fill("2026-12-02")
    labelled(clerk, "配货说明").fill("整箱发出，司机龙师傅随车")
    shot(clerk, "f01", "10-pick-goods")
    submit(clerk, base, "提交", "仓库配货")

    receipt = tmp_path / "receipt.jpg"
    receipt.write_bytes(b"\xff\xd8\xff\xe0 signed receipt")
    driver = person("driver")
    open_task(driver, base, REFERENCE, "司机送货")
    labelled(driver, "送达日期").fill("2026-12-03")
    labelled(driver, "签收人").fill("王强")
    labelled(driver, "签收单").set_input_files(str(receipt))
    for row, (line_no, qty, reason) in enumerate(((1, "2", ""), (2, "2", "运输途中一箱破损"))):
        if row:
            driver.get_by_role("button", name="添加一行").click()
        cell(driver, "received", row, "line_no").fill(str(line_no))
        cell(driver, "received", row, "received_qty").fill(qty)
        if reason:
            driver.locator('[data-lines="received"] tbody tr').nth(row).locator(
                '[data-column="loss_reason"] input, [data-column="loss_reason"] textarea').fill(reason)
    shot(driver, "f01", "11-deliver-goods")
    submit(driver, base, "提交", "司机送货")

    open_task(clerk, base, REFERENCE, "发货台帐登记")
    labelled(clerk, "运单号").fill("YD-0098123")
    shot(clerk, "f01", "12-register-shipment")
    submit(clerk, base, "提交", "发货台帐登记")

    open_task(billing, base, REFERENCE, "发货追溯上传")
    shipped = text_of(billing, ".work")
    # the batches that left stock, oldest first, read off the page and typed into the upload
    assert "B2512-MTR001" in shipped and "B2512-PRT001" in shipped, shipped
    labelled(billing, "追溯平台回执号").fill("ZS-20261203-0007")
    for row, (material, qty) in enumerate((("MTR001", "2"), ("PRT001", "3"))):
        if row:
            billing.get_by_role("button", name="添加一行").click()
        cell(billing, "batches", row, "material").fill(material)
        cell(billing, "batches", row, "batch_no").fill(f"B2512-{material}")
        cell(billing, "batches", row, "qty").fill(qty)
    shot(billing, "f01", "13-upload-traceability")
    submit(billing, base, "提交", "发货追溯上传")

    rep.goto(instance_url)
    rep.wait_for_selector("#diagram[data-highlighted]")
    assert "已完成" in rep.inner_text("h1")
    assert rep.locator(".lanes-active").count() == 0
    history = text_of(rep, ".timeline")
    for step in ("合同初审", "销售总监审批", "制作订单", "订单审核", "编制出货单", "出货单审核", "打印出货单",
                 "配发质检单", "仓库配货", "司机送货", "发货台帐登记", "发货追溯上传"):
        assert step in history, step
    shot(rep, "f01", "14-instance-completed")
    assert not person.errors, person.errors
