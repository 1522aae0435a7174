"""/reports/returns and /reports/advances as pages and downloads, and saved
views saved from a page: names not codes, the XLSX carries the page's
totals, the scope holds on every door (page, download, a shared view), and
bad input is a readable page naming the field."""
import io
import re
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from tests.support.report_documents import act, customer_of, returned, sold

NOVEMBER = "from=2026-11&to=2026-11"


@pytest.fixture
def documents(sales):
    east1, south = customer_of("rep_east1"), customer_of("rep_south1")
    returned(sold(east1, [("PCF001", 10)], "2026-11-03"), 2, "2026-11-10", "quality_defect")
    returned(sold(south, [("PMS001", 5)], "2026-11-04"), 1, "2026-11-14", "transport_damage")
    act("ledger.pay_advance", instance_id=42, employee="rep_east1", amount="5000", purpose="展会", date="2026-08-01")
    act("ledger.pay_advance", employee="rep_south1", amount="2000", purpose="推广", date="2026-11-15")


def test_the_returns_page_names_reasons_and_its_xlsx_carries_the_totals(web, documents):
    director = web("director")
    page = director.page(f"/reports/returns?{NOVEMBER}")
    assert "质量问题" in page and "运输损坏" in page and "quality_defect" not in page.split('data-chart')[0].split("<select")[0]
    assert 'class="chart"' in page and "include" not in page
    assert "保存此视图" in page  # the saved views partial
    response = director.get(f"/reports/returns?{NOVEMBER}&format=xlsx", buffered=True)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert {row[6] for row in rows[1:]} == {"质量问题", "运输损坏"}
    total = sum(Decimal(str(row[-1])) for row in rows[1:])
    assert f"¥{total:,.2f}" in page
    csv = director.get(f"/reports/returns?{NOVEMBER}&format=csv", buffered=True)
    assert csv.data.startswith("\ufeff".encode("utf-8")) and "质量问题" in csv.data.decode("utf-8")


def test_the_advances_page_links_each_advance_to_its_request(web, documents):
    page = web("director").page("/reports/advances?as_of=2026-11-30")
    assert 'href="/instances/42"' in page and "¥7,000.00" in page
    rep_page = web("rep_south1").page("/reports/advances?as_of=2026-11-30&region=华东")
    assert "¥5,000.00" not in rep_page and "/instances/42" not in rep_page


@pytest.mark.parametrize("url", ["/reports/returns", "/reports/advances", "/reports/returns?format=xlsx",
                                 "/reports/advances?format=csv"])
def test_the_warehouse_is_refused_every_door(web, documents, url):
    assert web("warehouse").get(url).status_code == 403


@pytest.mark.parametrize("url, field", [("/reports/returns?from=2026-13", "from"),
                                        ("/reports/returns?from=2026-11&to=2026-01", "to"),
                                        ("/reports/advances?as_of=soon", "as_of"),
                                        ("/reports/advances?format=pdf", "format")])
def test_bad_input_is_a_readable_page_naming_the_field(web, documents, url, field):
    response = web("director").get(url)
    assert response.status_code == 422
    assert "<html" in response.get_data(as_text=True) and field in response.get_data(as_text=True)


def _save(user, name, query, **share):
    return user.post("/reports/views", {"name": name, "endpoint": "web.report_returns", "share": "role",
                                        **{f"filter.{k}": v for k, v in query.items()}, **share},
                     token_from="/reports/returns")


def test_a_rep_opening_the_directors_view_sees_only_their_own_figures(web, documents):
    director, rep = web("director"), web("rep_east1")
    saved = _save(director, "华南运输损坏", {"from": "2026-11", "to": "2026-11", "region": "华南", "salesperson": "x"},
                  share_role="sales_rep")
    assert saved.status_code == 302 and "salesperson" not in saved.headers["Location"]
    home = rep.page("/reports/")
    link = re.search(r'href="(/reports/returns\?[^"]+)">华南运输损坏', home).group(1)
    mine = rep.page(link.replace("&amp;", "&"))
    assert "运输损坏" in director.page(link.replace("&amp;", "&")).split('id="return-list"')[1]
    # the rep's own figures only: no 华南 return is theirs
    assert "运输损坏" not in mine.split('id="return-list"')[1] and "这些月份没有过账的退货" in mine


def test_another_person_cannot_delete_a_view(web, documents):
    director, manager = web("director"), web("rm_east")
    _save(director, "质量退货", {"reason": "quality_defect"}, share_role="regional_manager")
    view_id = re.search(r'/reports/views/(\d+)/delete', director.page("/reports/returns")).group(1)
    assert f"/reports/views/{view_id}/delete" not in manager.page("/reports/returns")
    refused = manager.post(f"/reports/views/{view_id}/delete", {}, token_from="/reports/")
    assert refused.status_code == 403
    assert "质量退货" in manager.page("/reports/")
    assert director.post(f"/reports/views/{view_id}/delete", {"back": "//evil.example/"}, token_from="/reports/") \
        .headers["Location"].endswith("/reports/")
    assert "质量退货" not in manager.page("/reports/")
