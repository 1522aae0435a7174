"""The monthly report's lines for people who read the ledger: filtered
(筛选), totalled by product series (系列汇总) and exported as CSV (导出明细)."""
import csv
import io

from app.actions import BusinessRuleViolation
from app.errors import ValidationFailed
from app.ledger import periods, report_lines
from app.models import User
from app.services.report_access import report_scope

CSV_HEADER = {"measure": "类别", "date": "日期", "document": "单据号", "line_no": "行号", "customer": "客户编码",
              "customer_name": "客户名称", "salesperson": "业务员", "region": "区域", "material": "物料编码",
              "series": "产品系列", "qty": "数量", "amount": "金额"}
MEASURE_NAMES = {"shipped": "发货", "invoiced": "开票", "received": "回款"}


def monthly_lines(user: User, month: str, filters: dict) -> dict:
    """The lines of a reconciled ``month`` narrowed by ``filters``, their
    totals and their totals by series, inside the part of the reports
    ``user`` reads (report_access: a rep their own, a regional manager their
    region and own customers). Raises Forbidden for a non-reader,
    ValidationFailed naming ``month`` (invalid, or not reconciled yet: the
    report exists only for a reconciled month)."""
    scope = report_scope(user)
    try:
        periods.require_reconciled(periods.month_or_previous(month))
        lines = report_lines.report_lines(month, filters, scope)
    except BusinessRuleViolation as violation:
        raise ValidationFailed(violation.message, code=violation.code,
                               details={"fields": {violation.field or "month": [violation.message]}}) from None
    return {"month": month, "filters": {k: v for k, v in filters.items() if v}, "lines": lines,
            "totals": report_lines.totals(lines), "by_series": report_lines.series_totals(lines)}


def monthly_lines_csv(user: User, month: str, filters: dict) -> str:
    """``monthly_lines`` as CSV text (UTF-8 with a byte-order mark, so a
    spreadsheet opens the Chinese headers), one row per line."""
    lines = monthly_lines(user, month, filters)["lines"]
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER.values())
    for line in lines:
        writer.writerow([MEASURE_NAMES[line[key]] if key == "measure" else ("" if line[key] is None else line[key])
                         for key in CSV_HEADER])
    return "\ufeff" + out.getvalue()
