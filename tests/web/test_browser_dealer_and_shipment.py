"""The pages F13 and F14 gained, worked in chromium: the regional manager's
on-site re-check, the representative's reply to a rejected prospect, and
the shipping clerk recording a customer's own collection. Pictures go to
test-artifacts/dealer-shipment/."""
from sqlalchemy import select

from app.extensions import db
from tests.support.flow_driver import ready_task_id
from tests.support.samples import EVALUATION, PROSPECT
from tests.web.browser_driving import browser, live_app, live_server, person, world  # noqa: F401  (fixtures)
from tests.web.browser_driving import labelled, shot, shown, submit

FOLDER = "dealer-shipment"


def _open(page, base, instance, element_id):
    page.goto(f"{base}/tasks/{ready_task_id(instance.id, element_id)}")
    return page


def test_recheck_and_reply_to_a_rejected_prospect(world, person, live_server):
    instance = world.start("dealer_onboarding", PROSPECT, "rep_east2", business_key="ZS-WEB-001")
    world.complete(instance, "Task_FillEvaluation", "rep_east2", EVALUATION)

    manager = _open(person("rm_east"), live_server, instance, "Task_RegionalManagerReview")
    assert "杭州华信商贸有限公司" in shown(manager, "company_name")
    assert "招商手册与招商发布" in shown(manager, "recruitment")  # none in force: the manager sees why
    labelled(manager, "签署意见").fill("实地复查属实")
    labelled(manager, "实地复查日期").fill("2026-11-24")
    labelled(manager, "复查情况").fill("仓库 2000 平米，自有车队 6 辆")
    shot(manager, FOLDER, "01-regional-manager-recheck")
    submit(manager, live_server, "同意选择确立", "销售分部经理实地复查并签署意见")
    db.session.commit()  # end the driver's read: the server wrote in its own transaction
    db.session.refresh(instance)
    assert instance.data["recheck_findings"] == "仓库 2000 平米，自有车队 6 辆"

    world.reject(instance, "Task_DirectorApproval", "director", "该区域已有总经销商")
    rep = _open(person("rep_east2"), live_server, instance, "Task_ReplyRejection")
    assert "该区域已有总经销商" in shown(rep, "comment") and "13800000000" in shown(rep, "contact_phone")
    labelled(rep, "回复日期").fill("2026-12-02")
    labelled(rep, "回复方式").select_option(label="上门面谈")
    labelled(rep, "回复内容").fill("已当面说明该区域已有总经销商，可发展二级分销")
    shot(rep, FOLDER, "02-reply-to-prospect")
    submit(rep, live_server, "提交", "回复准客户")
    db.session.commit()
    db.session.refresh(instance)
    assert instance.status.value == "completed" and instance.data["reply_channel"] == "visit"


def test_the_shipping_clerk_records_the_customers_own_collection(world, person, live_server, tmp_path):
    from app.models import ShippingNote

    customer = world.customer("江苏机电设备经销部")
    instance = world.start("shipment_approval", {"customer": customer, "request_channel": "phone",
                                                 "requested_items": "YE3 电机两台", "requested_date": "2026-12-08"}, "rep_east1")
    world.complete(instance, "Task_FillDeliveryNote", "rep_east1", {
        "delivery_note_no": "JH20261201777", "lines": [{"material": "MTR001", "spec": "YE3-80M2-2 1.1kW", "qty": 2, "unit_price": 950.0}],
        "delivery_date": "2026-12-08", "delivery_place": "公司成品库（客户自提）", "transport_mode": "customer_pickup",
        "acceptance_terms": "现场验收", "settlement_terms": "monthly_30", "note_action": "submit"})
    world.complete(instance, "Task_StockArrangement", "dispatcher",
                   {"stock_status": "available", "planned_ship_date": "2026-12-05", "stock_note": "成品库现货"})
    world.approve_until(instance, "Task_UploadSignedFax")
    world.complete(instance, "Task_UploadSignedFax", "rep_east1", {
        "signed_fax": world.attachment("signed-fax.pdf"), "confirmed_by": "王强", "confirmed_date": "2026-12-02"})
    world.complete(instance, "Task_IssueShipment", "shipping_clerk",
                   {"ship_date": "2026-12-03", "carrier": "客户自提", "vehicle_plate": "苏A·54321"})

    clerk = _open(person("shipping_clerk"), live_server, instance, "Task_CustomerCollects")
    assert "YE3-80M2-2 1.1kW" in shown(clerk, "lines") and "现场验收" in shown(clerk, "acceptance_terms")
    receipt = tmp_path / "collected.pdf"
    receipt.write_bytes(b"%PDF-1.4\n% signed on site\n%%EOF\n")
    labelled(clerk, "提货日期").fill("2026-12-04")
    labelled(clerk, "签收人").fill("王强")
    labelled(clerk, "签收日期").fill("2026-12-04")
    labelled(clerk, "现场签收单").set_input_files(str(receipt))
    shot(clerk, FOLDER, "03-customer-collects")
    submit(clerk, live_server, "提交", "客户现场提货签收")
    db.session.commit()
    db.session.refresh(instance)
    note = db.session.scalar(select(ShippingNote).where(ShippingNote.number == instance.data["issue_result"]["shipping_note_no"]))
    assert note.status == "posted" and note.posted_date.isoformat() == "2026-12-04"
    assert [t.element_id for t in world.ready(instance)] == ["Task_NotifyBranchAndCustomer"]


def test_the_representative_records_a_prospect_declining_the_approved_terms(world, person, live_server):
    from tests.support.samples import RECHECK, TERMS

    instance = world.start("dealer_onboarding", PROSPECT, "rep_east2", business_key="ZS-WEB-002")
    world.complete(instance, "Task_FillEvaluation", "rep_east2", EVALUATION)
    world.complete(instance, "Task_RegionalManagerReview", "rm_east", RECHECK)
    world.complete(instance, "Task_DirectorApproval", "director", TERMS)
    rep = _open(person("rep_east2"), live_server, instance, "Task_SignContract")
    labelled(rep, "洽谈结果").select_option(label="准客户拒绝所批条件")
    labelled(rep, "拒绝原因").fill("准客户要求 90 天账期，不接受所批 30 天")
    shot(rep, FOLDER, "04-prospect-declines")
    submit(rep, live_server, "提交", "签订合约")
    db.session.commit()
    db.session.refresh(instance)
    assert instance.status.value == "completed" and instance.data["outcome"] == "declined"
    assert "customer_result" not in instance.data
