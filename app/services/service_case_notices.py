"""What an after-sales case (F20) needs from outside the ledger: its due
times in working hours, the sales service manager told of a case past
them, and the people who act on a resolution told of it (the order clerk
of billable work, the salesperson of goods to come back). In the command's
own transaction like every other notification."""
from datetime import timedelta
from urllib.parse import urlencode

from app import clock
from app.actions import ActionCall, BusinessRuleViolation, action
from app.ledger.money import money_str
from app.ledger.service_cases import case_of_request, escalated
from app.ledger.service_orders import order_billable_work
from app.models import SalesOrder
from app.extensions import db
from app.services.notifications import notify, role_holders
from app.services.working_calendar import current_calendar

STAGES = {"triage": "分诊", "resolution": "处理"}


@action("ledger.service_case_due")
def service_case_due(call: ActionCall, *, hours) -> dict:
    """The moment ``hours`` working hours from now (the service-level table
    gives them per severity). Result {"due_at", "hours"}. Raises ``invalid_hours``."""
    if isinstance(hours, bool) or not isinstance(hours, int) or not 0 < hours <= 1000:
        raise BusinessRuleViolation("invalid_hours", "hours must be a whole number from 1 to 1000.", field="hours")
    return {"due_at": current_calendar().add(clock.now(), timedelta(hours=hours)).isoformat(), "hours": hours}


@action("ledger.escalate_service_case")
def escalate_service_case(call: ActionCall, *, case: str, stage: str) -> dict:
    """Tell every sales service manager that the case's ``stage`` (triage or
    resolution) is past its due time, and count it on the case. Result
    {"case_no", "stage", "notified"}. Raises ``unknown_case``, ``not_this_request``, ``invalid_choice``."""
    if stage not in STAGES:
        raise BusinessRuleViolation("invalid_choice", "stage is triage or resolution.", field="stage")
    found = escalated(call, case)
    managers = role_holders("service_manager")
    notify(managers, "service_escalated", process=found.number,
           body=f"售后服务单 {found.number}（{found.customer.name}）{STAGES[stage]}已超过时限，"
                f"已超时 {found.escalation_count} 次")
    return {"case_no": found.number, "stage": stage, "notified": [user.username for user in managers]}


def start_path(process_key: str, **values) -> str:
    """The start page of ``process_key`` with its form prefilled by ``values``
    (the page offers them; the start checks them like anything typed)."""
    return f"/start/{process_key}?{urlencode({key: value for key, value in values.items() if value})}"


def return_start_path(case) -> str:
    """F03's start page for the case's goods to come back: the case, its
    customer and the order its shipping note went out on."""
    note = case.shipping_note
    return start_path("return_exchange", service_case=case.number, customer=case.customer.code,
                      order_no=note.order.number if note is not None else None)


@action("ledger.announce_service_follow_up")
def announce_service_follow_up(call: ActionCall, *, case: str, outcome: str, billable_amount: str = "0") -> dict:
    """Billable work: the order clerks get the amount to put on an order and
    invoice; a return: the customer's salesperson files the return with the
    case number, from F03's start page prefilled with the case, customer
    and order. Warranty work and no-charge work tell nobody. Result
    {"notified": [username]}. Raises ``unknown_case``, ``not_this_request``."""
    found = case_of_request(call, case)
    if outcome == "billable":
        people = role_holders("order_clerk")
        body = f"售后服务单 {found.number}（{found.customer.name}）有偿维修 {billable_amount} 元，请下单并开票"
    elif outcome == "return" and found.customer.salesperson is not None:
        people = [found.customer.salesperson]
        body = (f"售后服务单 {found.number}（{found.customer.name}）需退回货物，请按退换货流程提交退货申请："
                f"{return_start_path(found)}")
    else:
        return {"notified": []}
    notify(people, "service_follow_up", process=found.number, body=body)
    return {"notified": [user.username for user in people]}


@action("ledger.order_service_charge")
def order_service_charge(call: ActionCall, *, case: str) -> dict:
    """The order clerk's confirmation of billable work: the sales order for
    the case's billable resolution at its amount (service_orders.py), and
    the customer's salesperson told to ask for its invoice (F04). Result
    {"case_no", "order_no", "status", "held", "net", "tax", "gross",
    "notified"}. Raises ``unknown_case``, ``not_this_request``,
    ``not_billable``, ``already_ordered``, ``no_service_material``, ``price_not_approved``."""
    charge = order_billable_work(call, case)
    order = db.session.get(SalesOrder, charge.order_id)
    found = charge.case
    people = [found.customer.salesperson] if found.customer.salesperson is not None else []
    notify(people, "service_follow_up", process=found.number,
           body=f"售后服务单 {found.number}（{found.customer.name}）有偿维修已下单 {order.number}，"
                f"含税 {money_str(order.gross)} 元，请提交开票申请："
                f"{start_path('invoice_request', customer=found.customer.code, order_no=order.number)}")
    return {"case_no": found.number, "order_no": order.number, "status": order.status,
            "held": order.status == "held", "net": money_str(order.net), "tax": money_str(order.tax),
            "gross": money_str(order.gross), "notified": [user.username for user in people if user.active]}
