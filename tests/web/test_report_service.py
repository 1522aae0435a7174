"""/reports/service, the monthly after-sales service report: cases by
request type with their working hours to triage and to resolve, escalations
and satisfaction, the list linked to the requests, the XLSX and CSV with the
same figures; the service department and the sales readers open it, the
warehouse and the reps do not; bad input is a readable page naming the field."""
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.extensions import db
from app.models import ShippingNote
from tests.support.after_sales import DEALER, request
from tests.support.report_documents import sold

DECEMBER = "from=2026-12&to=2026-12"


@pytest.fixture
def cases(sales, flow, frozen_clock, customer_code):
    """A repair opened Tuesday 17:00 Shanghai time, triaged 10:00 the next
    morning (2 working hours), resolved at 15:00 (5), closed with 4 of 5;
    and a complaint still waiting for triage."""
    from app.models import Customer

    customer = db.session.scalar(select(Customer).where(Customer.code == customer_code(DEALER)))
    sold(customer, [("PCF001", 2)], "2026-12-01", invoice=False)
    note = db.session.scalar(select(ShippingNote.number).order_by(ShippingNote.id.desc()).limit(1))
    repair = flow.start("after_sales", request(customer.code, note=note), "service_desk")
    frozen_clock.advance(hours=17)  # Wednesday 10:00 in Shanghai
    flow.complete(repair, "Task_Triage", "service_desk", {"category": "product_fault", "severity": "high", "route": "tech_support"})
    frozen_clock.advance(hours=5)
    flow.complete(repair, "Task_TechSupport", "tech_support", {"diagnosis": "密封磨损", "action_taken": "更换密封",
                                                               "outcome": "warranty"})
    flow.complete(repair, "Task_FollowUpCall", "service_desk", {"satisfaction": "4", "reopen": False})
    flow.start("after_sales", request(customer.code, note=note, kind="complaint"), "portal")
    return repair


def test_the_page_counts_cases_by_type_with_hours_and_satisfaction(web, cases):
    page = web("service_mgr").page(f"/reports/service?{DECEMBER}")
    by_kind = page.split('id="service-by-kind"')[1].split("</table>")[0]
    assert "报修" in by_kind and "投诉" in by_kind
    repair_row = by_kind.split("报修")[1].split("</tr>")[0]
    cells = [cell.split("<")[0] for cell in repair_row.split('class="num">')[1:]]
    assert cells == ["1", "1", "2.0", "5.0", "0", "4.0"]
    assert f'href="/instances/{cases.id}"' in page and "待分诊" in page


def test_the_downloads_carry_the_same_figures(web, cases):
    manager = web("service_mgr")
    response = manager.get(f"/reports/service?{DECEMBER}&format=xlsx", buffered=True)
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.data)).worksheets[0].iter_rows(values_only=True))
    response.close()
    assert [(row[4], row[6], row[7], row[8], row[10]) for row in rows[1:]] == [
        ("报修", "已结案", "2.0", "5.0", "4"), ("投诉", "待分诊", None, None, None)]
    response = manager.get(f"/reports/service?{DECEMBER}&kind=repair&format=csv", buffered=True)
    csv = response.data.decode("utf-8")
    response.close()
    assert "报修" in csv and "投诉" not in csv


@pytest.mark.parametrize("user, status", [("director", 200), ("service_desk", 200), ("warehouse", 403),
                                          ("rep_east1", 403), ("tech_support", 403)])
def test_who_opens_the_report(web, cases, user, status):
    assert web(user).get(f"/reports/service?{DECEMBER}").status_code == status
    response = web(user).get(f"/reports/service?{DECEMBER}&format=csv", buffered=True)
    response.close()
    assert response.status_code == status


@pytest.mark.parametrize("url, field", [("/reports/service?from=2026-13", "from"),
                                        ("/reports/service?from=2026-12&to=2026-01", "to"),
                                        ("/reports/service?format=pdf", "format")])
def test_bad_input_is_a_readable_page_naming_the_field(web, cases, url, field):
    response = web("service_mgr").get(url)
    assert response.status_code == 422
    assert "<html" in response.get_data(as_text=True) and field in response.get_data(as_text=True)


def test_the_months_carry_the_warranty_cost_and_the_billable_work_ordered(web, sales, flow, customer_code):
    from decimal import Decimal

    from app.models import Customer, Material

    customer = db.session.scalar(select(Customer).where(Customer.code == customer_code(DEALER)))
    sold(customer, [("PCF001", 2)], "2026-12-01", invoice=False)
    note = db.session.scalar(select(ShippingNote.number).order_by(ShippingNote.id.desc()).limit(1))
    for outcome, extra in (("warranty", {"parts": [{"material": "PRT001", "qty": 2}]}),
                           ("billable", {"billable_amount": 565})):
        case = flow.start("after_sales", request(customer.code, note=note), "service_desk")
        flow.complete(case, "Task_Triage", "service_desk", {"category": "product_fault", "severity": "high",
                                                            "route": "tech_support"})
        flow.complete(case, "Task_TechSupport", "tech_support", {"diagnosis": "密封磨损", "action_taken": "更换密封",
                                                                 "outcome": outcome, **extra})
    flow.complete(case, "Task_ConfirmServiceOrder", "order_clerk", {"amount_checked": True})
    seal = db.session.scalar(select(Material.standard_cost).where(Material.code == "PRT001"))
    page = web("service_mgr").page(f"/reports/service?{DECEMBER}")
    by_month = page.split('id="service-by-month"')[1].split("</table>")[0]
    cells = [cell.split("<")[0] for cell in by_month.split("2026-12")[1].split('class="num">')[1:]]
    assert cells == [str((seal * 2).quantize(Decimal("0.01"))), "500.00", "565.00"]
    assert "No warranty parts" not in page and "没有保修配件" not in by_month
