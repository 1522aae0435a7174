"""In the browser: a price adjustment request (F16) is approved; the order
clerk opens 价格 from the header, the STD list, the item the approval made,
its adjustment sheet and the request behind it (调价单号联查); sales
administration makes a new list on the page and is told, in a sentence,
that a live list's prices change only through a request. Pictured in
Chinese and English and on a 375 px phone, in test-artifacts/price_master/."""
import re

from tests.web.browser_driving import (browser, live_app, live_server, person, shot, sign_in,  # noqa: F401  (fixtures)
                                       world)


def _approved_sheet(world) -> dict:
    instance = world.start("price_adjustment", {"price_list": "STD", "effective_date": "2026-12-15",
                                                "reason": "铜材涨价，小幅上调", "lines": [{"material": "PCF002",
                                                                                   "new_price": 1540}]}, "marketing")
    world.approve_until(instance, "Task_DirectorApproval")
    world.approve(instance, "Task_DirectorApproval", "director")
    return {"instance": instance.id}


def test_from_the_list_to_the_item_its_sheet_and_its_request(world, person, live_server, browser):
    made = _approved_sheet(world)
    page = person("order_clerk")
    page.goto(live_server + "/")
    page.get_by_role("link", name="价格", exact=True).click()
    page.wait_for_url(re.compile(r"/prices/$"))
    shot(page, "price_master", "lists_zh")
    page.get_by_role("link", name="STD", exact=True).click()
    page.wait_for_url(re.compile(r"/prices/STD$"))
    row = page.locator("table.price-items tbody tr", has_text="PCF002").filter(has=page.locator("a", has_text="PS"))
    assert "1,540.00" in row.inner_text()
    shot(page, "price_master", "list_zh")
    row.get_by_role("link", name=re.compile(r"^#\d+$")).click()
    page.wait_for_url(re.compile(r"/prices/items/\d+$"))
    item_id = page.url.rsplit("/", 1)[1]
    made_by = page.locator("section.made-by")
    assert "1,540.00" in made_by.inner_text()
    shot(page, "price_master", "item_zh")
    made_by.get_by_role("link", name=re.compile(r"^PS")).click()
    page.wait_for_url(re.compile(r"/prices/sheets/PS"))
    assert "铜材涨价" in page.locator("main").inner_text()
    shot(page, "price_master", "sheet_zh")
    page.get_by_role("link", name=f"#{made['instance']}", exact=True).click()
    page.wait_for_url(re.compile(rf"/instances/{made['instance']}$"))

    english = sign_in(browser, live_server, "order_clerk", language="en")
    english.goto(live_server + "/prices/STD")
    english.locator("table.price-items a", has_text="PS").first.click()
    english.wait_for_url(re.compile(r"/prices/sheets/PS"))
    assert "Price adjustment sheet" in english.locator("h1").inner_text()
    shot(english, "price_master", "sheet_en")
    english.context.close()

    phone = sign_in(browser, live_server, "order_clerk", viewport={"width": 375, "height": 740}, phone=True)
    phone.goto(live_server + "/prices/STD")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    phone.goto(live_server + "/prices/items/" + item_id)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    shot(phone, "price_master", "item_phone")
    phone.context.close()
    assert person.errors == []


def test_sales_admin_makes_a_list_and_is_sent_to_f16_for_a_live_one(person, live_server):
    page = person("sales_admin")
    page.goto(live_server + "/prices/")
    form = page.locator("form", has_text="新建价目表")
    form.get_by_label("代码").fill("PROMO26")
    form.get_by_label("价目表名称").fill("2027 春季促销价")
    with page.expect_navigation():
        form.get_by_role("button", name="创建").click()
    assert "价目表 PROMO26 已创建。" in page.locator(".flash").inner_text()
    page.get_by_role("link", name="PROMO26", exact=True).click()
    page.wait_for_url(re.compile(r"/prices/PROMO26$"))
    shot(page, "price_master", "new_list_zh")
    page.goto(live_server + "/prices/STD")
    assert page.locator("form[action$='/prices/STD/items']").count() == 0
    assert "价格调整申请" in page.locator("main").inner_text()
    rule = page.locator("details.keep-rule")
    rule.get_by_text("新增价格匹配规则").click()
    rule.get_by_label("客户编码").fill("D00001")
    rule.get_by_label("物料编码").fill("PCF001")
    rule.get_by_label("优先级").fill("1")
    with page.expect_navigation():
        rule.get_by_role("button", name="新增规则").click()
    assert "请通过价格调整申请修改" in page.locator(".flash.error").inner_text()
    shot(page, "price_master", "refused_rule_zh")
    assert person.errors == []
