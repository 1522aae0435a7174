"""One instance's evidence pack: a printable page and its JSON (the same
data the standalone verifier checks), for auditors and process admins."""
import json

from flask import Response, render_template
from flask_login import current_user, login_required

from app.services.evidence import evidence_pack
from app.web import bp


SUMMARY_LENGTH = 240


def _summary(data) -> str:
    """An event's data as one line of JSON, cut short (the JSON pack has it whole)."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(", ", ": ")) if data else ""
    return text if len(text) <= SUMMARY_LENGTH else text[:SUMMARY_LENGTH] + "…"


@bp.get("/audit/instances/<int(max=2147483647):instance_id>/evidence")
@login_required
def audit_evidence(instance_id: int):
    pack = evidence_pack(instance_id, current_user)
    steps = {task["element_id"]: task["name"] for task in pack["tasks"]}
    return render_template("audit/evidence.html", pack=pack, instance=pack["instance"], step_names=steps,
                           summaries={e["seq"]: _summary(e["data"]) for e in pack["events"]},
                           call_summaries=[_summary(call["result"]) for call in pack["service_calls"]])


@bp.get("/audit/instances/<int(max=2147483647):instance_id>/evidence.json")
@login_required
def audit_evidence_json(instance_id: int):
    pack = evidence_pack(instance_id, current_user)
    response = Response(json.dumps(pack, ensure_ascii=False, indent=1), mimetype="application/json")
    response.headers["Content-Disposition"] = f"attachment; filename=lanes-evidence-{instance_id}.json"
    return response
