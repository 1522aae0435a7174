"""F02 mail_order: the read-only order block on the representative's page
(order_result, as the ledger answered) reads in Chinese — credit limit,
exposure, on hold — never by the ledger's own keys."""
import re

from tests.web.test_task_shows import task_page

MAIL = "江西设备维修服务部"  # credit limit 0: every order is held until paid
SHIP_TO = {"recipient": "万师傅", "phone": "0791-8812 3456", "address": "江西省南昌市青山湖区民营科技园 18 号", "postcode": "330096"}


def _readonly_block(html: str, title: str) -> str:
    found = re.search(rf'<div class="field readonly"><span class="label">{re.escape(title)}</span>(.*?)</div>', html, re.S)
    assert found, title
    return found.group(1)


def _text(fragment: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", fragment)).strip()


def test_the_order_block_reads_in_chinese(sales, web, customer_code):
    instance = sales.start("mail_order", {"customer_kind": "known", "customer": customer_code(MAIL),
                                          "lines": [{"material": "MTR001", "qty": 2}], "ship_to": SHIP_TO}, "rep_east2")
    assert instance.data["order_result"]["held"] is True
    html = _readonly_block(task_page(web, "rep_east2", instance, "Task_InformCustomer"), "销售订单")
    titles = [_text(t) for t in re.findall(r"<dt>(.*?)</dt>", html, re.S)] + [_text(t) for t in re.findall(r"<th[^>]*>(.*?)</th>", html, re.S)]
    assert {"订单号", "信用暂停", "信用额度", "信用占用", "状态", "明细", "单价"} <= set(titles), titles
    assert not [t for t in titles if re.fullmatch(r"[a-z_]+", t)], titles  # no key of the ledger's own
    block = _text(html)
    assert "信用暂停 是" in block and "状态 信用暂停" in block, block  # a flag and a status code, as a reader says them
    assert not re.search(r"\b(True|False|held)\b", block), block
