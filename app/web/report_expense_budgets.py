"""/reports/expense-budgets: the sales expense budgets of a year (F22) —
budget, used and remaining per department, region and category — for
finance, the sales director, the general manager and auditors."""
from flask import render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app.errors import ValidationFailed
from app.services.expense_budgets import budget_report, may_read_budgets
from app.services.shown_words import value_label
from app.web import bp
from app.web.form_fields import reader_locale
from app.web.reports_home import listed

TITLE = _l("Sales expense budgets")


def _year(text: str | None) -> int | None:
    text = (text or "").strip()
    if not text:
        return None
    if not text.isdigit() or not 2000 <= int(text) <= 2100:
        raise ValidationFailed.for_fields({"year": ["Use a year between 2000 and 2100."]})
    return int(text)


@bp.get("/reports/expense-budgets")
@login_required
def report_expense_budgets():
    report = budget_report(current_user, _year(request.args.get("year")))
    locale = reader_locale()  # the categories as the reader says them (差旅费 / Travel)
    report["categories"] = {code: value_label("category", code, locale) or name
                            for code, name in report["categories"].items()}
    return render_template("reports/expense_budgets.html", report=report, title=TITLE)


listed("web.report_expense_budgets", TITLE, _l("Budget, used and remaining of the sales expenses per department, "
                                               "region and category; used counts approved claims and open advances."),
       may_open=may_read_budgets, filters=("year",))
