"""The file writers on plain rows: the CSV opens in Excel (byte-order mark,
header first, CRLF), the XLSX opens with openpyxl with its About sheet, a
formula-looking text stays text, and the hash is the hash of the bytes."""
import csv
import hashlib
import io
from datetime import datetime, timezone
from decimal import Decimal

from openpyxl import load_workbook

from app.services.population_files import write_csv, write_xlsx

HEADER = ["编号", "客户", "金额"]
ROWS = [[1, "华东机电", Decimal("1200.50")], [2, "=HYPERLINK(\"http://x\")", Decimal("-3.00")], [3, "", None]]
ABOUT = [("行数", 3), ("金额合计", Decimal("1197.50"))]


def test_csv_starts_with_a_bom_then_the_header_and_ends_with_the_about_block():
    written = write_csv(HEADER, iter(ROWS), lambda: ABOUT)
    with written.file:
        content = written.file.read()
    assert content.startswith(b"\xef\xbb\xbf" + "编号,客户,金额\r\n".encode())
    assert hashlib.sha256(content).hexdigest() == written.sha256
    assert written.size == len(content)
    lines = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    assert lines[1] == ["1", "华东机电", "1200.50"]
    assert lines[2][1].startswith("'=")  # shown as text, never run as a formula
    assert lines[2][2] == "-3.00"  # numbers are not quoted away
    assert lines[4] == []
    assert lines[5:] == [["行数", "3"], ["金额合计", "1197.50"]]


def test_about_is_asked_for_only_after_the_rows_are_written():
    seen = []

    def rows():
        for row in ROWS:
            seen.append(row[0])
            yield row

    written = write_csv(HEADER, rows(), lambda: [("rows", len(seen))])
    with written.file:
        text = written.file.read()
    assert text.decode("utf-8-sig").rstrip().endswith("rows,3")


def test_xlsx_has_a_data_sheet_and_an_about_sheet():
    created = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
    written = write_xlsx(("数据", "说明"), HEADER, iter(ROWS), lambda: ABOUT, created)
    with written.file:
        content = written.file.read()
    assert hashlib.sha256(content).hexdigest() == written.sha256
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["数据", "说明"]
    data = [list(row) for row in book["数据"].iter_rows(values_only=True)]
    assert data[0] == HEADER
    assert data[1] == [1, "华东机电", 1200.5]
    assert data[2][1] == "=HYPERLINK(\"http://x\")" and book["数据"]["B3"].data_type == "s"
    assert [list(row) for row in book["说明"].iter_rows(values_only=True)] == [["行数", 3], ["金额合计", 1197.5]]
    assert book.properties.created == created.replace(tzinfo=None)
