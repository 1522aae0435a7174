"""A won presales bid handed over to the contract flow (F21 → F01): the rep
is told, in the command's own transaction like every other notification,
which customer and project to start ``contract_shipment`` for.

The contract flow starts from the customer's signed contract (its lines,
prices and terms), which a won bid does not have yet; so the hand-over is a
notice to the rep naming the opportunity, customer and project, not a
started instance."""
from app.actions import ActionCall, action
from app.ledger.presales import project_of, project_view
from app.services.notifications import notify


@action("ledger.hand_over_presales_win")
def hand_over_presales_win(call: ActionCall) -> dict:
    """Tell the rep of the calling instance's won project to start the
    contract flow for its customer and project. Result {"opportunity_no",
    "customer", "project", "notified": [username]}. Raises
    ``no_presales_project``, ``not_won``."""
    from app.actions import BusinessRuleViolation

    project = project_of(call)
    if project.status != "won":
        raise BusinessRuleViolation("not_won", f"The project {project.number} was not won.")
    body = (f"售前项目 {project.number} 中标：客户 {project.customer}，项目「{project.project}」，"
            f"请发起合同审批（contract_shipment）。")
    notify([project.rep], "presales_won", process=project.number, body=body)
    view = project_view(project)
    return {"opportunity_no": view["opportunity_no"], "customer": view["customer"], "project": view["project"],
            "notified": [project.rep.username]}
