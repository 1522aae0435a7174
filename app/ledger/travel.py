"""Travel requests (出差申请, F15): who the head-office travel procedure
applies to.

The seed's procedure says of itself: 本流程不适用于驻外机构人员 — staff
stationed at a field office (``User.field_office``) travel under their
office's own rules. The traveller is the person who started the request, as
the instance records it; nothing typed into a form decides it."""
from app.extensions import db
from app.models import ProcessInstance
from app.actions import ActionCall, BusinessRuleViolation, action

FIELD_OFFICE_STAFF = "field_office_staff"


@action("ledger.check_traveller")
def check_traveller(call: ActionCall) -> dict:
    """F15: whether the head-office travel procedure applies to the person
    who started this request. Result {"traveller", "level"}. Posts nothing.
    Raises BusinessRuleViolation ``field_office_staff`` (本流程不适用于驻外机构人员)
    for staff stationed at a field office, naming the office."""
    instance = db.session.get(ProcessInstance, call.instance_id)
    traveller = instance.started_by if instance is not None else None
    if traveller is None:
        raise BusinessRuleViolation("unknown_user", "The traveller is not known.")
    if traveller.field_office:
        raise BusinessRuleViolation(
            FIELD_OFFICE_STAFF,
            f"本流程不适用于驻外机构人员：{traveller.display_name}驻{traveller.field_office}，请按驻外机构的规定办理出差。",
            {"field_office": traveller.field_office, "traveller": traveller.username})
    return {"traveller": traveller.username, "level": traveller.level.value}
