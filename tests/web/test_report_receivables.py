"""The ageing report's doors: the page, the overdue list, the downloads and
the API show the same figures and hold a rep to their own receivables,
whatever filter they forge; a bad as_of is refused naming the field."""
import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from tests.support.logins import DEMO_PASSWORD
from tests.support.receivables_ageing import AS_OF as DAY, expected_open, posted_book

AS_OF = DAY.isoformat()


@pytest.fixture
def book(master_data, frozen_clock):
    return posted_book()


def _money(amount: Decimal) -> str:
    return f"¥{amount:,.2f}"


def _download(user, url: str) -> tuple[int, bytes]:
    response = user.get(url)
    try:
        return response.status_code, response.data
    finally:
        response.close()


def test_finance_reads_the_page_and_the_overdue_list(web, book):
    page = web("finance").page("/reports/receivables")
    total = sum(expected_open(book, DAY).values())
    assert _money(total) in page and "data-chart" in page
    listing = web("finance").page(f"/reports/receivables/invoices?bucket=over_90&as_of={AS_OF}")
    assert book.invoices["over_90"]["invoice_no"] in listing and book.invoices["south"]["invoice_no"] in listing
    assert book.invoices["current"]["invoice_no"] not in listing


def test_the_xlsx_and_csv_carry_the_page_totals(web, book):
    total = sum(expected_open(book, DAY).values())
    status, data = _download(web("finance"), f"/reports/receivables/region.xlsx?as_of={AS_OF}")
    assert status == 200
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert Decimal(str(rows[-1][7])).quantize(Decimal("0.01")) == total
    text = _download(web("finance"), f"/reports/receivables/invoices.csv?as_of={AS_OF}")[1].decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    total_row = next(row for row in lines if row and row[0] in ("合计", "Total"))
    assert Decimal(total_row[-1]) == total


def test_a_rep_forging_another_reps_filter_gets_nothing_on_any_door(web, book, api_token, client):
    rep = web("rep_east2")
    other = book.invoices["over_90"]["invoice_no"]
    assert other not in rep.page(f"/reports/receivables/invoices?salesperson=rep_east1&as_of={AS_OF}")
    assert other not in rep.page(f"/reports/receivables/invoices?customer={book.east1.code}")
    export = _download(rep, f"/reports/receivables/invoices.csv?customer={book.east1.code}")[1].decode("utf-8-sig")
    assert other not in export
    token = api_token("rep_east2", DEMO_PASSWORD)
    headers = {"Authorization": f"Bearer {token}"}
    body = client.get(f"/api/v1/reports/receivables?salesperson=rep_east1", headers=headers).get_json()
    assert body["by_customer"] == [] and Decimal(body["totals"]["total"]) == 0
    mine = client.get("/api/v1/reports/receivables", headers=headers).get_json()
    assert Decimal(mine["totals"]["total"]) == book.invoices["east2"]["gross"]
    listing = client.get(f"/api/v1/reports/receivables/invoices?customer={book.east1.code}", headers=headers).get_json()
    assert listing["invoices"] == [] and listing["count"] == 0


def test_the_api_figures_equal_the_documents(book, api_token, client):
    token = api_token("finance", DEMO_PASSWORD)
    body = client.get(f"/api/v1/reports/receivables?as_of={AS_OF}", headers={"Authorization": f"Bearer {token}"}).get_json()
    expected = sum(expected_open(book, DAY).values())
    assert Decimal(body["totals"]["total"]) == expected and Decimal(body["totals"]["advances"]) == Decimal("500.00")


@pytest.mark.parametrize("as_of", ["2026-02-30", "soon"])
def test_a_bad_as_of_is_refused_naming_it(web, org, api_token, client, as_of):
    token = api_token("finance", DEMO_PASSWORD)
    response = client.get(f"/api/v1/reports/receivables?as_of={as_of}", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 422 and "as_of" in response.get_json()["error"]["details"]["fields"]
    page = web("finance").get(f"/reports/receivables?as_of={as_of}")
    assert page.status_code == 400 and 'data-field="as_of"' in page.get_data(as_text=True)
    assert web("finance").get(f"/reports/receivables/region.csv?as_of={as_of}").status_code == 422


def test_people_outside_sales_are_refused(web, org):
    assert web("warehouse").get("/reports/receivables").status_code == 403
    assert web("warehouse").get("/reports/receivables/region.xlsx").status_code == 403
