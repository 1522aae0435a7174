"""Writing a table of rows to a file an auditor hands over: CSV (UTF-8 with a
byte-order mark, so Excel opens Chinese; the header row first, then the rows,
then an "About" block after one empty line) or XLSX (a data sheet and an
"About" sheet). Rows are written one at a time into a temporary file, so a
population of a million rows never sits in memory; the file's SHA-256 is
computed from the bytes written.

The hash cannot be inside the file it hashes: it travels beside it (the
response header ``X-Content-SHA256``) and in the chain event that records the
export."""
import csv
import hashlib
import io
import tempfile
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Callable, Iterable

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

MIMETYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
BOM = "\ufeff"
# A spreadsheet runs a text cell that starts with one of these as a formula
# (CSV injection); such text is written with a leading apostrophe in CSV and
# as an explicit string cell in XLSX.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_CHUNK = 1 << 16


@dataclass(frozen=True)
class WrittenFile:
    """A finished file: a binary temporary file at position 0 (closing it
    deletes it), its SHA-256 (hex) and its size in bytes."""

    file: object
    sha256: str
    size: int


def _finish(handle) -> WrittenFile:
    handle.flush()
    handle.seek(0)
    digest, size = hashlib.sha256(), 0
    for chunk in iter(lambda: handle.read(_CHUNK), b""):
        digest.update(chunk)
        size += len(chunk)
    handle.seek(0)
    return WrittenFile(handle, digest.hexdigest(), size)


def _csv_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, (Decimal, int)):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def write_csv(header: list[str], rows: Iterable[list], about: Callable[[], list[tuple[str, object]]]) -> WrittenFile:
    """The header row, every row of ``rows`` and, after an empty line, the
    ``about()`` pairs (called once the rows are exhausted, so it may report
    totals gathered while they were written), one pair per line."""
    handle = tempfile.TemporaryFile()
    try:
        text = io.TextIOWrapper(handle, encoding="utf-8", newline="", write_through=False)
        writer = csv.writer(text, lineterminator="\r\n")
        text.write(BOM)
        writer.writerow([_csv_text(name) for name in header])
        for row in rows:
            writer.writerow([_csv_text(value) for value in row])
        writer.writerow([])
        for label, value in about():
            writer.writerow([_csv_text(label), _csv_text(value)])
        text.flush()
        text.detach()  # keep the binary file open for the caller
        return _finish(handle)
    except BaseException:
        handle.close()
        raise


def _xlsx_cell(sheet, value):
    """A plain value as itself (fast); a cell with a format, or kept as text, otherwise."""
    if value is None or isinstance(value, int) or (isinstance(value, str) and not value.startswith("=")):
        return value
    if isinstance(value, datetime):
        value = value.replace(tzinfo=None)  # Excel has no time zones; the values are UTC (the header says so)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # text, never a formula
    if isinstance(value, Decimal):
        cell.number_format = "#,##0.00"
    elif isinstance(value, datetime):
        cell.number_format = "yyyy-mm-dd hh:mm:ss"
    return cell


def write_xlsx(sheet_names: tuple[str, str], header: list[str], rows: Iterable[list],
               about: Callable[[], list[tuple[str, object]]], created: datetime) -> WrittenFile:
    """A workbook in write-only mode (rows go to disk as they come): the data
    sheet with the header and ``rows``, then the About sheet with the
    ``about()`` pairs. ``created`` is stamped as the document's creation time."""
    workbook = Workbook(write_only=True)
    workbook.properties.created = created.replace(tzinfo=None)
    data_name, about_name = sheet_names
    data = workbook.create_sheet(data_name)
    data.append([_xlsx_cell(data, name) for name in header])
    for row in rows:
        data.append([_xlsx_cell(data, value) for value in row])
    about_sheet = workbook.create_sheet(about_name)
    for label, value in about():
        about_sheet.append([_xlsx_cell(about_sheet, label), _xlsx_cell(about_sheet, value)])
    handle = tempfile.TemporaryFile()
    try:
        workbook.save(handle)
        return _finish(handle)
    except BaseException:
        handle.close()
        raise
