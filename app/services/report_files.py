"""A report's table as a file to download: XLSX (the figures as numbers
formatted #,##0.00, so the workbook adds them up; then an About sheet) or
CSV (UTF-8 with a byte-order mark, so Excel opens the Chinese headers; the
About pairs after an empty line). The About part names the report, its
filters, who made the file and when: a figure copied out of the system
keeps where it came from."""
from dataclasses import dataclass
from typing import Iterable

from app import clock
from app.errors import ValidationFailed
from app.services.population_files import MIMETYPES, WrittenFile, write_csv, write_xlsx

FORMATS = ("xlsx", "csv")


@dataclass
class ReportFile:
    written: WrittenFile
    mimetype: str
    filename: str


def report_file(fmt: str, stem: str, header: list[str], rows: Iterable[list], about: list[tuple[str, object]],
                sheet_names: tuple[str, str] = ("Report", "About")) -> ReportFile:
    """``rows`` under ``header`` as ``fmt`` ("xlsx" or "csv"), named
    ``stem``.``fmt``. Raises ValidationFailed naming ``format``."""
    if fmt not in FORMATS:
        raise ValidationFailed.for_fields({"format": [f"Use one of {', '.join(FORMATS)}."]})
    if fmt == "csv":
        written = write_csv(header, rows, lambda: about)
    else:
        written = write_xlsx(sheet_names, header, rows, lambda: about, clock.now())
    return ReportFile(written, MIMETYPES[fmt], f"{stem}.{fmt}")
