"""Control reports for auditors and process administrators: segregation of
duties exceptions, admin actions, the user-access review as of a date and
the deployed versions with their diffs. Each report is a list of plain row
dicts under named columns, so the page, the CSV export and the API show the
same rows."""
import csv
import io
from datetime import datetime

from app.errors import Forbidden
from app.models import User
from app.services.queries import sees_everything


def ensure_reviewer(user: User) -> None:
    """Only auditors and process administrators read the control reports.
    Raises Forbidden."""
    if user is None or not sees_everything(user):
        raise Forbidden("Only auditors and process administrators may read the control reports.")


def in_range(column, start: datetime | None, end: datetime | None):
    """SQL conditions: ``start`` <= column < ``end`` (either may be open)."""
    conditions = []
    if start is not None:
        conditions.append(column >= start)
    if end is not None:
        conditions.append(column < end)
    return conditions


def csv_text(columns: list[tuple[str, str]], rows: list[dict]) -> str:
    """Rows as CSV text with a byte-order mark (so a spreadsheet opens the
    Chinese), headed by the columns' titles; ``columns`` is (key, title)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([title for _key, title in columns])
    for row in rows:
        writer.writerow([_cell(row.get(key)) for key, _title in columns])
    return "\ufeff" + out.getvalue()


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return "; ".join(_cell(item) for item in value)
    return str(value)
