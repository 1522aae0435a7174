"""The printable shipping note (打印出货单) of F01: linked from the print
step, with the note's lines, customer, address, transport mode, route and
terms; only for people who may see its request, only for its own request."""
import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Customer
from app.services.attachments import save_bytes
from tests.support.contract_shipment import REP, _notes, approve_contract, make_note, make_order
from tests.support.contract_shipment import contract  # noqa: F401  (a fixture)
from tests.support.flow_driver import ready_task_id


@pytest.fixture
def sales(web, flow, master_data):
    """The demo organisation and master data, the real diagrams, signed-in users."""
    return flow


@pytest.fixture
def customer_code(sales):
    def find(name):
        return db.session.scalar(select(Customer.code).where(Customer.name == name))

    return find


def test_the_print_step_links_a_printable_shipping_note(sales, web, contract):
    instance = sales.start("contract_shipment", contract(), REP)
    approve_contract(sales, instance)
    make_order(sales, instance)
    sales.approve(instance, "Task_OrderReview", "sales_admin")
    make_note(sales, instance)
    sales.approve(instance, "Task_ShippingNoteReview", "sales_admin")
    [note] = _notes()
    task_html = web("billing_clerk").page(f"/tasks/{ready_task_id(instance.id, 'Task_PrintShippingNote')}")
    link = f"/instances/{instance.id}/shipping-notes/{note.number}/print"
    assert f'href="{link}"' in task_html
    page = web("billing_clerk").page(link)
    field = lambda name: re.search(rf'data-field="{name}">(.*?)</dd>', page, re.S).group(1)  # noqa: E731
    assert note.number in page and "浙江泵阀总经销有限公司" in field("customer")
    assert field("delivery_address") == "杭州市滨江区江南大道 88 号" and field("route") == "外埠" and field("transport_mode") == "公司车辆"
    assert "到货三日内按质检单验收" in field("acceptance_terms")
    assert page.count('data-line="') == 2 and "三相异步电机" in page and "@media print" in page
    web("billing_clerk").post("/language", {"locale": "en"})  # the codes read in the reader's language
    english = web("billing_clerk").page(link)
    assert "Out of town" in english and "Company truck" in english and "外埠" not in english
    web("billing_clerk").post("/language", {"locale": "zh_CN"})
    sales.complete(instance, "Task_PrintShippingNote", "billing_clerk", {"printed_copies": 2})
    sales.complete(instance, "Task_AttachQCCertificate", "order_clerk", {
        "certificate_no": "QC-2612-031", "qc_certificate": save_bytes("qc.pdf", "application/pdf", b"%PDF-1.4 qc")})
    page = web("order_clerk").page(link)  # picking: the note goes with the QC certificate
    assert "QC-2612-031" in re.search(r'data-field="qc_certificate_no">(.*?)</dd>', page, re.S).group(1)


def test_the_printable_note_is_only_for_people_of_its_request(sales, web, contract):
    instance = sales.start("contract_shipment", contract(), REP)
    approve_contract(sales, instance)
    make_order(sales, instance)
    sales.approve(instance, "Task_OrderReview", "sales_admin")
    make_note(sales, instance)
    [note] = _notes()
    other = sales.start("contract_shipment", contract(contract_no="HT-2026-119"), REP)
    assert web(REP).get(f"/instances/{instance.id}/shipping-notes/{note.number}/print").status_code == 200
    assert web(REP).get(f"/instances/{other.id}/shipping-notes/{note.number}/print").status_code == 404  # not its note
    assert web("rep_south1").get(f"/instances/{instance.id}/shipping-notes/{note.number}/print").status_code == 403
