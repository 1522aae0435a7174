"""travel_request instances at known steps, a v2 that changes one step, and
driving a request to its end: what the migration tests share.

v2 (``deploy_v2``) changes one step: the department head's approval asks
for a new form, ``travel_head_approval.json`` (the approval plus a budget
confirmation). Requests waiting at that very step cannot move (their open
task's form would change under the approver); requests anywhere else can,
and meet the new form when they get there on v2."""
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAD_STEP = "Task_DepartmentHeadApproval"
V2_FORM = "travel_head_approval.json"
TRIP = {"purpose": "拜访客户", "reason": "客户提出现场需求", "destination": "上海", "start_date": "2026-12-10",
        "end_date": "2026-12-12", "transport": "火车", "estimated_cost": 1280.5}
REVISION = {**TRIP, "action": "resubmit"}
# where an instance waits, and how it got there: (traveller, steps done first)
POSITIONS = {
    "manager": ("rep_east1", ()),
    "head": ("rep_east1", (("Task_ManagerApproval", "rm_east", "approve"),)),
    "revise": ("rep_east1", (("Task_ManagerApproval", "rm_east", "reject"),)),
    "gm": ("service_mgr", ()),
}


def v1_xml() -> str:
    return (ROOT / "processes" / "travel_request.bpmn").read_text(encoding="utf-8")


def v2_form() -> str:
    form = json.loads((ROOT / "forms" / "approval.json").read_text(encoding="utf-8"))
    form["title"] = "部门经理审批（预算）"
    form["properties"]["budget_checked"] = {"type": "boolean", "title": "已核对部门预算"}
    form["required"] = ["decision", "budget_checked"]
    return json.dumps(form, ensure_ascii=False, indent=2)


def v2_xml(rename_head_to: str | None = None) -> str:
    """v1 with the department head's step asking for the v2 form (and, when
    given, that step under another id)."""
    xml = v1_xml()
    start = xml.index(f'<bpmn:userTask id="{HEAD_STEP}"')
    end = xml.index("</bpmn:userTask>", start)
    step = xml[start:end].replace('value="approval.json"', f'value="{V2_FORM}"')
    xml = xml[:start] + step + xml[end:]
    if rename_head_to:
        xml = xml.replace(f'"{HEAD_STEP}"', f'"{rename_head_to}"').replace(f">{HEAD_STEP}<", f">{rename_head_to}<")
        xml = xml.replace(f'"{HEAD_STEP}_di"', f'"{rename_head_to}_di"')
    return xml


def v2_renamed_only_xml(new_id: str) -> str:
    """v1 with the department head's step under another id, nothing else changed."""
    xml = v1_xml()
    return xml.replace(f'"{HEAD_STEP}"', f'"{new_id}"').replace(f">{HEAD_STEP}<", f">{new_id}<") \
              .replace(f'"{HEAD_STEP}_di"', f'"{new_id}_di"')


def deploy_xml(xml: str, extra: dict[str, str] | None = None) -> int:
    """Deploy a travel_request diagram (and forms); its version number."""
    from app.services import deployment

    files = {"travel_request.bpmn": xml.encode("utf-8")}
    files.update({name: text.encode("utf-8") for name, text in (extra or {}).items()})
    done = [d for d in deployment.deploy(files) if d.key == "travel_request"]
    return done[0].version


def deploy_v2(rename_head_to: str | None = None) -> int:
    return deploy_xml(v2_xml(rename_head_to), {V2_FORM: v2_form()})


def start_at(flow, position: str, number: int):
    """A travel request waiting at ``position`` (a key of POSITIONS)."""
    traveller, steps = POSITIONS[position]
    instance = flow.start("travel_request", dict(TRIP), traveller, business_key=f"TR-{position}-{number}")
    for element, who, decision in steps:
        if decision == "approve":
            flow.approve(instance, element, who)
        else:
            flow.reject(instance, element, who)
    return instance


def drive_to_end(flow, instance, limit: int = 8) -> list[str]:
    """Complete whatever is ready, as the right person would, until the
    request ends; the steps done. Uses the v2 form at the head's step."""
    from app.extensions import db
    from app.models import HumanTask, InstanceStatus, TaskStatus

    done = []
    for _ in range(limit):
        db.session.refresh(instance)
        if instance.status != InstanceStatus.running:
            return done
        task = db.session.scalar(db.select(HumanTask).where(
            HumanTask.instance_id == instance.id, HumanTask.status == TaskStatus.ready))
        element = task.element_id
        if element == "Task_ReviseRequest":
            flow.complete(instance, element, instance.started_by.username, dict(REVISION))
        elif task.form_key == V2_FORM:
            flow.complete(instance, element, "director",
                          {"decision": "approve", "comment": "预算已核", "budget_checked": True})
        else:
            who = {"Task_ManagerApproval": "rm_east", HEAD_STEP: "director", "Task_GMApproval": "gm"}[element]
            flow.approve(instance, element, who)
        done.append(element)
    raise AssertionError(f"instance {instance.id} did not end in {limit} steps: {done}")
