"""Start rights on the web: the catalogue offers only what the person may
start, and a start form posted anyway is refused with a readable page."""
import re

from sqlalchemy import func, select

from app.extensions import db
from app.models import Customer, ProcessInstance, Receipt

GUANGDONG = "广东泵阀总经销有限公司"  # 华南: another region than rep_east1's


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _start_links(page: str) -> set[str]:
    return set(re.findall(r'href="/start/([a-z_]+)"', page))


def test_a_rep_posting_a_receipt_write_off_form_gets_a_readable_403_and_nothing_is_posted(web, master_data):
    code = db.session.scalar(select(Customer.code).where(Customer.name == GUANGDONG))
    rep = web("rep_east1")
    assert rep.get("/start/receipt_writeoff").status_code == 403
    form = {"receipts-0-customer": code, "receipts-0-amount": "888888", "receipts-0-bank_reference": "FAKE-0001",
            "receipts-0-receipt_date": "2026-12-01", "receipts-0-allocation_basis": "oldest_due"}
    response = rep.post("/start/receipt_writeoff", form, token_from="/start")
    assert response.status_code == 403
    page = response.get_data(as_text=True)
    assert "您无权执行此操作" in page and 'name="receipts-' not in page  # a sentence, not the form again
    assert _count(Receipt) == 0 and _count(ProcessInstance) == 0


def test_the_catalogue_shows_each_person_what_they_may_start(web):
    rep = _start_links(web("rep_east1").page("/start"))
    assert {"travel_request", "contract_shipment", "dealer_onboarding"} <= rep
    assert not rep & {"receipt_writeoff", "monthly_report", "monthly_reconciliation", "collection_assessment"}
    assert "receipt_writeoff" in _start_links(web("finance").page("/start"))
    assert "monthly_report" in _start_links(web("sales_admin").page("/start"))


def test_an_auditor_is_offered_no_start_form(web):
    page = web("auditor").page("/start")
    assert _start_links(page) == set() and "审计人员" in page
    assert web("auditor").get("/start/monthly_report").status_code == 403
