"""What an after-sales case (F20) needs from outside the ledger: its due
times in working hours, the sales service manager told of a case past
them, and the people who act on a resolution told of it (the order clerk
of billable work, the salesperson of goods to come back). In the command's
own transaction like every other notification."""
from datetime import timedelta

from app import clock
from app.actions import ActionCall, BusinessRuleViolation, action
from app.ledger.service_cases import case_of_request, escalated
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


@action("ledger.announce_service_follow_up")
def announce_service_follow_up(call: ActionCall, *, case: str, outcome: str, billable_amount: str = "0") -> dict:
    """Billable work: the order clerks get the amount to put on an order and
    invoice; a return: the customer's salesperson files the return with the
    case number. Warranty work and no-charge work tell nobody. Result
    {"notified": [username]}. Raises ``unknown_case``, ``not_this_request``."""
    found = case_of_request(call, case)
    if outcome == "billable":
        people = role_holders("order_clerk")
        body = f"售后服务单 {found.number}（{found.customer.name}）有偿维修 {billable_amount} 元，请下单并开票"
    elif outcome == "return" and found.customer.salesperson is not None:
        people = [found.customer.salesperson]
        body = f"售后服务单 {found.number}（{found.customer.name}）需退回货物，请按退换货流程提交退货申请"
    else:
        return {"notified": []}
    notify(people, "service_follow_up", process=found.number, body=body)
    return {"notified": [user.username for user in people]}
