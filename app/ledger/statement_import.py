"""Reading the statements the month is reconciled against (F06, seed §六):
the inventory system's outbound details and the finance system's
receivables, exported as CSV.

The format (documented in the monthly_reconciliation diagram too):
UTF-8 (a byte-order mark is allowed), comma-separated, one header row, then
one row per line; the columns in any order, named in English or Chinese,
other columns ignored; blank rows skipped; every row's date inside the month.

inventory_outbound (库存系统出库明细), one row per shipping note line:
  date 出库日期 (YYYY-MM-DD), shipping_note 发货单号, line_no 行号 (a positive
  whole number), material 物料编码, qty 出库数量 (positive, at most 4 places)
finance_receivables (财务系统应收帐款明细), one row per invoice:
  date 日期 (YYYY-MM-DD), invoice 发票号, customer 客户编码, amount 应收金额
  (the receivable's gross, at most 2 places; negative for a red invoice)

A file that does not read is refused whole, naming the line and the column
of each problem (``malformed_statement``); nothing of it is kept."""
import csv
import hashlib
import io
from datetime import date as date_type
from decimal import Decimal, InvalidOperation

from app.actions import BusinessRuleViolation
from app.extensions import db
from app.ledger import journal, periods
from app.ledger.months import month_bounds
from app.models import ExternalStatement, ExternalStatementLine
from app.models.external_statement import FINANCE_RECEIVABLES, INVENTORY_OUTBOUND, STATEMENT_KINDS

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 50_000
MAX_PROBLEMS = 20  # a wholly wrong file is told by its first problems, not all of them
_CODE_MAX = 32

# column: (header names accepted, parser)
COLUMNS = {
    INVENTORY_OUTBOUND: {"date": ("date", "出库日期"), "shipping_note": ("shipping_note", "发货单号"),
                         "line_no": ("line_no", "行号"), "material": ("material", "物料编码"), "qty": ("qty", "出库数量")},
    FINANCE_RECEIVABLES: {"date": ("date", "日期"), "invoice": ("invoice", "发票号"), "customer": ("customer", "客户编码"),
                          "amount": ("amount", "应收金额")},
}


class _Problems(list):
    def add(self, line: int, column: str | None, message: str) -> None:
        if len(self) < MAX_PROBLEMS:
            self.append({"line": line, "column": column, "message": message})


def _refuse(problems: list, file_name: str) -> BusinessRuleViolation:
    first = problems[0]
    where = f"line {first['line']}" + (f", column {first['column']}" if first["column"] else "")
    return BusinessRuleViolation("malformed_statement", f"{file_name}: {where}: {first['message']}",
                                 {"problems": problems}, field="file")


def _text(data: bytes, problems: _Problems) -> str | None:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        problems.add(line, None, "The file is not UTF-8 text; export it as CSV in UTF-8.")
        return None


def _header(row: list[str], kind: str, problems: _Problems) -> dict[str, int]:
    names = [cell.strip().lower() for cell in row]
    where = {}
    for column, accepted in COLUMNS[kind].items():
        found = [i for i, name in enumerate(names) if name in accepted]
        if len(found) != 1:
            problem = "is missing" if not found else "appears more than once"
            problems.add(1, column, f"The header row's column {column} ({'/'.join(accepted)}) {problem}.")
        else:
            where[column] = found[0]
    return where


def _date(value: str, start: date_type, end: date_type) -> date_type:
    try:
        day = date_type.fromisoformat(value)
    except ValueError:
        raise ValueError("Not a date (YYYY-MM-DD).") from None
    if not start <= day < end:
        raise ValueError(f"{day.isoformat()} is not in the statement's month.")
    return day


def _decimal(value: str, places: int, *, positive: bool) -> Decimal:
    try:
        number = Decimal(value.replace(",", ""))
    except InvalidOperation:
        raise ValueError("Not a number.") from None
    if not number.is_finite() or number.as_tuple().exponent < -places:
        raise ValueError(f"Not a number with at most {places} decimal places.")
    if abs(number) >= Decimal(10) ** 12:
        raise ValueError("The number is too large.")
    if positive and number <= 0:
        raise ValueError("Must be greater than zero.")
    return number


def _code(value: str) -> str:
    if not value or len(value) > _CODE_MAX:
        raise ValueError(f"Must be 1–{_CODE_MAX} characters.")
    return value


def _line_no(value: str) -> int:
    if not value.isdigit() or not 0 < int(value) < 10_000:
        raise ValueError("Not a positive whole number.")
    return int(value)


def parse_statement(kind: str, month: str, file_name: str, data: bytes) -> list[dict]:
    """The rows of a statement file as dicts (``row_no`` and the kind's
    columns, typed). Raises BusinessRuleViolation ``unknown_statement_kind``
    (field ``kind``), ``malformed_statement`` (field ``file``; details
    {"problems": [{"line", "column", "message"}]})."""
    if kind not in STATEMENT_KINDS:
        raise BusinessRuleViolation("unknown_statement_kind", f"Statement kind must be one of {', '.join(STATEMENT_KINDS)}.",
                                    field="kind")
    start, end = month_bounds(month)
    problems = _Problems()
    if len(data) > MAX_BYTES:
        problems.add(1, None, f"The file is larger than {MAX_BYTES // (1024 * 1024)} MiB.")
        raise _refuse(problems, file_name)
    text = _text(data, problems)
    if text is None:
        raise _refuse(problems, file_name)
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        problems.add(1, None, f"Not a CSV file: {error}.")
        raise _refuse(problems, file_name) from None
    if not rows:
        problems.add(1, None, "The file is empty; the first line must be the header row.")
        raise _refuse(problems, file_name)
    where = _header(rows[0], kind, problems)
    if problems:
        raise _refuse(problems, file_name)
    parsers = {"date": lambda v: _date(v, start, end), "shipping_note": _code, "invoice": _code, "material": _code,
               "customer": _code, "line_no": _line_no, "qty": lambda v: _decimal(v, 4, positive=True),
               "amount": lambda v: _decimal(v, 2, positive=False)}
    parsed, seen = [], {}
    for row_no, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(parsed) >= MAX_ROWS:
            problems.add(row_no, None, f"More than {MAX_ROWS} rows; split the file.")
            break
        record = {"row_no": row_no}
        for column, index in where.items():
            value = row[index].strip() if index < len(row) else ""
            try:
                record[column] = parsers[column](value)
            except ValueError as error:
                problems.add(row_no, column, f"{error} (found {value[:40]!r})")
        key = (record.get("shipping_note"), record.get("line_no")) if kind == INVENTORY_OUTBOUND else record.get("invoice")
        if len(record) == len(where) + 1 and key in seen:
            problems.add(row_no, "line_no" if kind == INVENTORY_OUTBOUND else "invoice",
                         f"The same line as line {seen[key]}; a statement lists each line once.")
        seen.setdefault(key, row_no)
        parsed.append(record)
    if problems:
        raise _refuse(problems, file_name)
    return parsed


def import_statement(kind: str, month: str, file_name: str, data: bytes, imported_by_id: int | None) -> ExternalStatement:
    """Read ``data`` (see ``parse_statement``) and store it as the latest
    ``kind`` statement of ``month`` (flushes; an earlier import stays as it
    was). Raises BusinessRuleViolation as ``parse_statement`` does, and
    ``invalid_month``, and ``period_closed`` (field ``month``) once the month
    is closed: its reconciliation is over."""
    month = periods.month_or_previous(month)
    journal.ensure_open(month_bounds(month)[0], field="month")
    rows = parse_statement(kind, month, file_name, data)
    statement = ExternalStatement(kind=kind, month=month, file_name=file_name[:200], line_count=len(rows),
                                  sha256=hashlib.sha256(data).hexdigest(), imported_by_id=imported_by_id)
    for row in rows:
        statement.lines.append(ExternalStatementLine(
            row_no=row["row_no"], entry_date=row["date"], document=row.get("shipping_note") or row["invoice"],
            line_no=row.get("line_no"), material=row.get("material"), customer=row.get("customer"),
            qty=row.get("qty"), amount=row.get("amount")))
    db.session.add(statement)
    db.session.flush()
    return statement
