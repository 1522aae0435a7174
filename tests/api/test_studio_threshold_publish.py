"""A decision table changed alone through the studio API (issue 17's second
"done when"): the shipment authority threshold lowered from 200,000 to
100,000 in the file's draft and published with a note. A 150,000 shipment
started before is decided by its version's old table and skips the general
manager; the next one follows the new table and goes to him. A sales rep
and an auditor are refused the publish."""
from sqlalchemy import select

from app.extensions import db
from app.models import ProcessDefinition
from app.services.deployment import REPO_ROOT
from tests.support.api_client import PREFIX, error_of
from tests.support.samples import APPROVE

TABLE = "shipment_approval_authority.dmn"
NOTE = "营销总监出货审批权限下调至10万元"


def _shipment(api, customer, number):
    """A 150,000 delivery note, stock arranged and approved by the director: the ready element ids.
    Asked for by the customer's own representative (another's would need confirming)."""
    rep = api("rep_east2")
    started = rep.start("shipment_approval", {"customer": customer, "request_channel": "phone",
                                              "requested_items": "YE3 电机一百台", "requested_date": "2026-12-08"})
    steps = [("rep_east2", "Task_FillDeliveryNote", {
        "delivery_note_no": f"JH20261209{number:03d}",
        "lines": [{"material": "MTR001", "spec": "YE3-80M2-2 1.1kW", "qty": 100, "unit_price": 1500.0}],
        "delivery_date": "2026-12-08", "delivery_place": "杭州市滨江区江南大道 88 号", "transport_mode": "own_truck",
        "acceptance_terms": "到货开箱验收", "settlement_terms": "monthly_30", "note_action": "submit"}),
        ("dispatcher", "Task_StockArrangement",
         {"stock_status": "available", "planned_ship_date": "2026-12-05", "stock_note": "成品库现货"})]
    for username, element_id, data in steps:
        task = api(username).ready_task(started["id"], element_id)
        api(username).ok("post", f"/tasks/{task['id']}/complete", json={"data": data})
    return started


def _director_approves(api, instance_id):
    task = api("director").ready_task(instance_id, "Task_DirectorApproval")
    api("director").ok("post", f"/tasks/{task['id']}/complete", json={"data": APPROVE})
    body = api("rep_east2").ok("get", f"/process-instances/{instance_id}")
    return [t["element_id"] for t in body["tasks"] if t["status"] == "ready"]


def test_a_threshold_published_alone_routes_the_next_shipment_not_the_running_one(api, customer_code):
    customer = customer_code("江苏机电设备经销部")
    before = _shipment(api, customer, 1)
    old = before["version"]
    content = (REPO_ROOT / "processes" / TABLE).read_text(encoding="utf-8")
    lowered = content.replace("&gt; 200000", "&gt; 100000").replace("&lt;= 200000", "&lt;= 100000")
    assert lowered != content
    admin = api("process_admin")
    saved = admin.client.put(f"{PREFIX}/studio/files/{TABLE}", headers=admin.headers, json={"content": lowered, "revision": 0})
    assert saved.status_code == 200, saved.get_json()
    error_of(api("rep_east1").post(f"/studio/files/{TABLE}/publish", json={"note": NOTE}), 403)
    error_of(api("auditor").post(f"/studio/files/{TABLE}/publish", json={"note": NOTE}), 403, "read_only")
    body = admin.ok("post", f"/studio/files/{TABLE}/publish", json={"note": NOTE})
    assert {"key": "shipment_approval", "version": old + 1, "created": True} in body["versions"]
    new = db.session.scalar(select(ProcessDefinition).where(ProcessDefinition.key == "shipment_approval",
                                                            ProcessDefinition.version == old + 1))
    assert new.change_note == NOTE and "&gt; 100000" in new.files[TABLE]

    assert _director_approves(api, before["id"]) == ["Task_UploadSignedFax"]  # its version's old table
    after = _shipment(api, customer, 2)
    assert after["version"] == old + 1
    assert _director_approves(api, after["id"]) == ["Task_GMApproval"]  # the new table
