"""The F14 delivery note on its web page: the line amount is a read-only
preview of qty × unit price, the footer sums that computed column (never the
unit prices), and what the browser posts for a computed figure is not what
the server keeps."""
from decimal import Decimal

from tests.support.flow_driver import ready_task_id

REP = "rep_east1"
DEALER = "浙江泵阀总经销有限公司"


def _fill_page(sales, customer_code, web):
    request = {"customer": customer_code(DEALER), "request_channel": "phone", "requested_items": "YE3 电机五台",
               "requested_date": "2026-12-08"}
    instance = sales.start("shipment_approval", request, REP)
    task_id = ready_task_id(instance.id, "Task_FillDeliveryNote")
    return instance, task_id, web(REP).page(f"/tasks/{task_id}")


def test_the_line_amount_is_a_read_only_preview_and_the_footer_sums_it(sales, customer_code, web):
    _, _, page = _fill_page(sales, customer_code, web)
    assert 'name="lines-0-amount"' in page and 'data-formula="qty * unit_price"' in page
    cell = page[page.index('name="lines-0-amount"'):][:400]
    assert " readonly" in cell
    assert 'data-total="amount"' in page and 'data-total="unit_price"' not in page


def test_figures_posted_from_the_page_are_recomputed(sales, customer_code, web):
    instance, task_id, _ = _fill_page(sales, customer_code, web)
    form = {"delivery_note_no": "JH20261201001", "lines-0-material": "MTR001", "lines-0-spec": "YE3-80M2-2 1.1kW",
            "lines-0-qty": "5", "lines-0-unit_price": "3,200", "lines-0-amount": "15000", "total_amount": "99",
            "delivery_date": "2026-12-08", "delivery_place": "杭州市滨江区江南大道 88 号", "transport_mode": "own_truck",
            "acceptance_terms": "到货开箱验收", "settlement_terms": "monthly_30", "note_action": "submit"}
    response = web(REP).post(f"/tasks/{task_id}", form, token_from=f"/tasks/{task_id}")
    assert response.status_code == 302, response.get_data(as_text=True)
    from app.extensions import db

    db.session.refresh(instance)
    assert Decimal(instance.data["lines"][0]["amount"]) == Decimal("16000.00")
    assert Decimal(instance.data["total_amount"]) == Decimal("16000.00")
