"""F06 monthly reconciliation: the page of Task_InvestigateDifferences names
what was checked and how each record differs in Chinese, never by the
ledger's codes (qty_differs, missing_in_inventory, …)."""
import re

import pytest

from app.extensions import db
from app.ledger import statement_import
from tests.support.flow_driver import ready_task_id
from tests.support.statements import (OUTBOUND_HEADER, RECEIVABLE_HEADER, csv_bytes, outbound_rows,
                                      receivable_rows)
from tests.web.test_task_shows import section, text

DEALER = "浙江泵阀总经销有限公司"
MONTH = "2026-11"
CODES = ("missing_in_inventory", "missing_in_sales", "qty_differs", "amount_differs", "missing_in_finance",
         "statement_missing", "inventory_statement", "finance_statement")


@pytest.fixture
def november(sales, web, customer_code):
    """Two orders shipped and invoiced in November."""
    from app.actions import run_action
    from tests.support.ledger_harness import new_call

    dealer = customer_code(DEALER)
    for lines in ([{"material": "MTR001", "qty": 2}, {"material": "PRT001", "qty": 5}], [{"material": "MTR001", "qty": 1}]):
        order = run_action(new_call("ledger.create_sales_order"), {"customer": dealer, "lines": lines, "date": "2026-11-10"})
        note = run_action(new_call("ledger.create_shipping_note"), {"order": order["order_no"], "date": "2026-11-10"})
        run_action(new_call("ledger.post_outbound"), {"shipping_note": note["shipping_note_no"], "date": "2026-11-11"})
        run_action(new_call("ledger.issue_invoice"), {"order": order["order_no"], "date": "2026-11-20"})
    db.session.commit()


def _page(sales, web, instance) -> str:
    html = web("sales_admin").page(f"/tasks/{ready_task_id(instance.id, 'Task_InvestigateDifferences')}")
    return text(section(html, "reconciliation"))


def test_the_differences_read_in_chinese(sales, web, november):
    outbound, receivables = outbound_rows(MONTH), receivable_rows(MONTH)
    wrong_outbound = [outbound[0][:4] + ["3", "成品库"], outbound[2], ["2026-11-12", "SN-STOCK-9", "1", "MTR001", "1", "成品库"]]
    statement_import.import_statement("inventory_outbound", MONTH, "出库.csv", csv_bytes(OUTBOUND_HEADER, wrong_outbound), None)
    statement_import.import_statement("finance_receivables", MONTH, "应收.csv",
                                      csv_bytes(RECEIVABLE_HEADER, [receivables[0][:3] + ["1.00"]]), None)
    db.session.commit()
    instance = sales.start("monthly_reconciliation", {"month": MONTH}, "sales_admin")
    shown = _page(sales, web, instance)
    for label in ("与库存系统出库明细核对", "与财务系统应收明细核对", "数量不符", "库存系统无此出库", "销售系统无此发货",
                  "金额不符", "财务系统无此应收", "差异类型"):
        assert label in shown, (label, shown)
    assert not [code for code in CODES if re.search(rf"\b{code}\b", shown)], shown


def test_a_missing_statement_reads_in_chinese(sales, web, november):
    instance = sales.start("monthly_reconciliation", {"month": MONTH}, "sales_admin")
    shown = _page(sales, web, instance)
    assert "未导入对帐文件" in shown and "库存系统出库明细" in shown and "财务系统应收明细" in shown, shown
    assert not re.search(r"statement_missing|inventory_outbound|finance_receivables|_statement\b", shown), shown
