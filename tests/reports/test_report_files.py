"""A report's table as XLSX (figures are numbers the workbook can add) and as
CSV (UTF-8 with a byte-order mark); an unknown format is refused by name."""
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook

from app.errors import ValidationFailed
from app.services.report_files import report_file

HEADER = ["客户", "金额"]
ROWS = [["C00001 浙江泵阀", Decimal("1234.50")], ["=cmd()", Decimal("-10.00")]]


def test_xlsx_holds_numbers_and_an_about_sheet(ctx):
    made = report_file("xlsx", "monthly-2026-11", HEADER, iter(ROWS), [("报表", "月度报表"), ("月份", "2026-11")],
                       sheet_names=("明细", "说明"))
    assert made.filename == "monthly-2026-11.xlsx"
    with made.written.file as handle:
        book = load_workbook(BytesIO(handle.read()))
    rows = list(book["明细"].iter_rows(values_only=True))
    assert rows[0] == ("客户", "金额")
    assert rows[1][1] == pytest.approx(1234.5) and rows[2][0] == "=cmd()"  # text, never a formula
    assert sum(r[1] for r in rows[1:]) == pytest.approx(1224.5)
    assert ("月份", "2026-11") in list(book["说明"].iter_rows(values_only=True))


def test_csv_starts_with_a_byte_order_mark(ctx):
    made = report_file("csv", "r", HEADER, iter(ROWS), [("月份", "2026-11")])
    with made.written.file as handle:
        text = handle.read().decode("utf-8")
    assert text.startswith("\ufeff客户,金额\r\n")
    assert "'=cmd()" in text and "月份,2026-11" in text


def test_an_unknown_format_is_refused_by_name(ctx):
    with pytest.raises(ValidationFailed) as refused:
        report_file("pdf", "r", HEADER, iter(ROWS), [])
    assert "format" in refused.value.details["fields"]
