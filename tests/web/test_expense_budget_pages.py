"""/reports/expense-budgets (F22): finance, the director, the general manager
and auditors read the budget lines of a year in Chinese; nobody else does;
a bad year is a readable 4xx, never a 500."""
def test_the_report_page_shows_the_lines_in_chinese(sales, web):
    page = web("finance").page("/reports/expense-budgets?year=2026")
    assert "销售费用预算" in page and "华东" in page and "办公费" in page and "¥5,000.00" in page
    assert "营销部" in page
    assert web("rep_east1").get("/reports/expense-budgets").status_code == 403
    assert web("director").get("/reports/expense-budgets?year=abc").status_code in (400, 422)
