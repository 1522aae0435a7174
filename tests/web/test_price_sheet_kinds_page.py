"""/prices/sheets/<no> for a sheet of every kind of line (issue 21): each
line says its kind, the rule it closed and what it points at now, and links
the item its approval made — in Chinese, no English left on the page."""
from tests.api.test_price_sheet_kinds_api import _mixed_sheet


def test_a_mixed_sheet_reads_line_by_line(web, master_data):
    sheet, decided = _mixed_sheet()
    page = web("order_clerk").page(f"/prices/sheets/{sheet['sheet_no']}")
    for words in ("新增价格项", "新增价格匹配", "改指价格匹配", "价格匹配变更", "客户或客户分类", "HOS001", "→ DEALER", "→ PRT3"):
        assert words in page, words
    new_item, _add, retarget, _strategy = decided["lines"]
    assert f'href="/prices/items/{new_item["new_item_id"]}"' in page
    assert f'规则 #{retarget["rule_id"]} STD → DEALER (规则 #{retarget["new_rule_id"]})' in page
    for english in ("Re-target", "Rule change", "New price item", "ends"):
        assert english not in page
