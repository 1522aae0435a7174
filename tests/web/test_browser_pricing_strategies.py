"""In the browser: sales administration opens 定价策略 from the price
lists, makes a strategy on the DEALER list (九五折), changes its rate while
no rule uses it, and is told in a sentence that a rule taking over a live
price goes through a price adjustment request. Pictured in Chinese,
English and on a 375 px phone, in test-artifacts/pricing_strategies/."""
import re

from tests.web.browser_driving import (browser, live_app, live_server, person, shot, sign_in,  # noqa: F401  (fixtures)
                                       world)


def test_sales_admin_keeps_a_pricing_strategy(person, live_server, browser):
    page = person("sales_admin")
    page.goto(live_server + "/prices/")
    page.get_by_role("link", name="定价策略 →").click()
    page.wait_for_url(re.compile(r"/prices/strategies/$"))
    form = page.locator("form.keep-strategy")
    form.get_by_label("代码").fill("DEALER95")
    form.get_by_label("策略名称").fill("经销商九五折")
    form.get_by_label("基准价目表").select_option("DEALER")
    form.get_by_label("定价方式").select_option("discount")
    form.get_by_label("比例（％）").fill("5")
    with page.expect_navigation():
        form.get_by_role("button", name="创建").click()
    assert "定价策略 DEALER95 已新增。" in page.locator(".flash").inner_text()
    row = page.locator("table.pricing-strategies tbody tr", has_text="DEALER95")
    assert "折扣" in row.inner_text() and "DEALER" in row.inner_text()
    shot(page, "pricing_strategies", "list_zh")
    row.get_by_role("link", name="DEALER95", exact=True).click()
    page.wait_for_url(re.compile(r"/prices/strategies/DEALER95$"))
    rate = page.locator("details.keep-rate")
    rate.get_by_text("修改比例").click()
    rate.get_by_label("比例（％）").fill("4.5")
    with page.expect_navigation():
        rate.get_by_role("button", name="保存比例").click()
    assert "价格下浮 4.5%" in page.locator("p.strategy-formula").inner_text()
    rule = page.locator("details.keep-rule")
    rule.get_by_text("新增价格匹配规则").click()
    rule.get_by_label("客户编码").fill("D00001")
    rule.get_by_label("物料编码").fill("PCF001")
    with page.expect_navigation():
        rule.get_by_role("button", name="新增规则").click()
    assert "请通过价格调整申请修改" in page.locator(".flash.error").inner_text()
    shot(page, "pricing_strategies", "strategy_refused_rule_zh")

    english = sign_in(browser, live_server, "order_clerk", language="en")
    english.goto(live_server + "/prices/strategies/")
    assert "Pricing strategies" in english.locator("h1").inner_text()
    assert english.locator("form.keep-strategy").count() == 0
    shot(english, "pricing_strategies", "list_en")
    english.context.close()

    phone = sign_in(browser, live_server, "sales_admin", viewport={"width": 375, "height": 740}, phone=True)
    phone.goto(live_server + "/prices/strategies/DEALER95")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    shot(phone, "pricing_strategies", "strategy_phone")
    phone.context.close()
    assert person.errors == []
