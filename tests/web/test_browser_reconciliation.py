"""In the browser: the supervisor's task page of F06 lists every difference
between the sales system and the imported inventory and finance statements,
line by line, in Chinese; the page is pictured for review."""
from app.extensions import db
from tests.web.browser_driving import (browser, live_app, live_server, open_task, person, shot,  # noqa: F401  (fixtures)
                                       world)


def test_the_differences_with_the_other_systems_are_listed_on_the_task_page(world, person, live_server):
    from app.ledger import statement_import
    from tests.support.statements import OUTBOUND_HEADER, RECEIVABLE_HEADER, csv_bytes, outbound_rows, receivable_rows

    dealer = world.customer("浙江泵阀总经销有限公司")
    order = world.act("ledger.create_sales_order", customer=dealer, date="2026-11-10",
                      lines=[{"material": "MTR001", "qty": 2}, {"material": "PRT001", "qty": 5}])
    note = world.act("ledger.create_shipping_note", order=order["order_no"], date="2026-11-10")
    world.act("ledger.post_outbound", shipping_note=note["shipping_note_no"], date="2026-11-11")
    world.act("ledger.issue_invoice", order=order["order_no"], date="2026-11-20")
    outbound, receivables = outbound_rows("2026-11"), receivable_rows("2026-11")
    statement_import.import_statement("inventory_outbound", "2026-11", "出库明细.csv",
                                      csv_bytes(OUTBOUND_HEADER, [outbound[0][:4] + ["3", "成品库"]]), None)
    statement_import.import_statement("finance_receivables", "2026-11", "应收明细.csv",
                                      csv_bytes(RECEIVABLE_HEADER, [receivables[0][:3] + ["100.00"]]), None)
    db.session.commit()
    world.start("monthly_reconciliation", {"month": "2026-11"}, "sales_admin", business_key="DZ-2026-11")

    page = person("sales_admin")
    open_task(page, live_server, "DZ-2026-11", "核查处理差异")
    shown = page.locator("main").inner_text()
    for text in ("库存系统出库明细", "财务系统应收明细", "数量不符", "库存系统无此出库", "金额不符",
                 "库存系统数量", "财务系统金额", note["shipping_note_no"], receivables[0][1]):
        assert text in shown, text
    shot(page, "reconciliation", "differences_with_statements")
    assert person.errors == []
