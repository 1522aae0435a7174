"""F22 in the browser: finance opens the sales expense budgets from
/reports/, reads the year's lines in Chinese (budget, used, remaining per
department, region and category) and the same page in English on a 375 px
phone, the expense categories in English; pictured in test-artifacts/expense_budgets/."""
from playwright.sync_api import expect

from tests.web.browser_driving import browser, live_app, live_server, person, shot, sign_in  # noqa: F401  (fixtures)


def test_finance_reads_the_budgets_from_the_reports_page(person, live_server, browser):
    page = person("finance")
    page.goto(live_server + "/reports/")
    page.get_by_role("link", name="销售费用预算").click()
    page.wait_for_url("**/reports/expense-budgets*")
    expect(page.locator("h1")).to_have_text("销售费用预算")
    rows = page.locator("#budget-lines tbody tr")
    expect(rows.filter(has_text="华东").first).to_be_visible()
    assert rows.count() > 1 and "办公费" in page.locator("#budget-lines").inner_text()
    assert "¥" in page.locator("#budget-lines tfoot").inner_text()
    shot(page, "expense_budgets", "finance_zh")
    phone = sign_in(browser, live_server, "finance", language="en", viewport={"width": 375, "height": 800}, phone=True)
    phone.goto(live_server + "/reports/expense-budgets")
    expect(phone.locator("h1")).to_have_text("Sales expense budgets")
    lines = phone.locator("#budget-lines").inner_text()
    assert "Travel" in lines and "Office supplies" in lines and "差旅费" not in lines  # categories in the reader's language
    shot(phone, "expense_budgets", "finance_en_phone")
    phone.context.close()
