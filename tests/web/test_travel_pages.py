"""Travel pages say 出差目的 for a trip's purpose, while an advance's or an
expense's purpose stays 用途 (its use of the money): the travel claim's
finance review shows the request it is checked against, and the request's
own approval page shows the form's titles."""
import re

from app.actions import run_action
from app.extensions import db
from tests.support.ledger_harness import new_call
from tests.web.test_task_shows import section, task_page, text

TRIP = {"purpose": "拜访华东客户", "reason": "客户新生产线验收", "destination": "上海", "start_date": "2026-12-01",
        "end_date": "2026-12-03", "transport": "火车", "estimated_cost": 2500}


def _titled(shown: str, title: str, value: str) -> bool:
    return re.search(rf"{re.escape(title)}\s+{re.escape(value)}", shown) is not None


def test_the_claim_review_names_the_trips_purpose_and_the_advances_use(sales, web):
    advance = run_action(new_call("ledger.pay_advance"), {"employee": "rep_east1", "amount": "2000",
                                                         "purpose": "上海出差借支"})["advance_no"]
    db.session.commit()
    request = sales.start("travel_request", TRIP, "rep_east1")
    assert _titled(text(section(task_page(web, "rm_east", request, "Task_ManagerApproval"), "purpose")), "出差目的", "拜访华东客户")
    sales.approve(request, "Task_ManagerApproval", "rm_east")
    sales.approve(request, "Task_DepartmentHeadApproval", "director")
    claim = sales.start("travel_claim", {"request_no": request.id, "trip_report": "走访上海三家经销商。", "advance_no": advance,
                                         "claim_lines": [{"category": "交通费", "amount": 600}]}, "rep_east1")
    html = task_page(web, "finance", claim, "Task_FinanceReview")
    check = text(section(html, "claim_check"))
    assert _titled(check, "出差目的", "拜访华东客户") and "用途" not in check, check


def test_an_advance_or_an_expense_keeps_its_use_of_money():
    from app.services.task_view import describe

    def titles(key, value):
        return {item["key"]: item["title"] for item in describe(key, value)["items"]}

    assert titles("advance", {"number": "EA202612-0001", "purpose": "上海出差借支"})["purpose"] == "用途"
    assert titles("claim_check", {"request": {"purpose": "拜访华东客户"}, "purpose": "差旅"})["purpose"] == "用途"
    assert titles("request", {"purpose": "拜访华东客户"})["purpose"] == "出差目的"
