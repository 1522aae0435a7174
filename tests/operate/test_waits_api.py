"""/api/v1/operate: an instance's waits, firing a timer early, and the
messages nobody claimed (list, deliver by hand, discard), attacked by a
sales rep, an auditor, a forged element and the wrong instance."""
import pytest

from app.extensions import db
from app.models import ProcessMessage
from app.services import events
from tests.support.api_client import DEMO_PASSWORD, error_of, signed_in
from tests.support.shipment_approval import NOTE_NO, REP, request_for  # noqa: F401  request_for is a fixture
from tests.support.waiting_shipments import confirmation, waiting_for_customer

TIMER = "Boundary_ConfirmationOverdue"


@pytest.fixture
def admin(client, sales):
    return signed_in(client, "process_admin", DEMO_PASSWORD)


def _arrive(sales, number=NOTE_NO):
    return events.receive_message(sales.user("portal"), *confirmation(number))


def test_waits_and_an_early_fire_through_the_api(sales, request_for, admin, client):
    instance = waiting_for_customer(sales, request_for)
    waits = admin.ok("get", f"/operate/instances/{instance.id}/waits")
    assert waits["may_fire"] and [t["element_id"] for t in waits["timers"]] == [TIMER]
    assert waits["timers"][0]["attached_to"] == "Task_UploadSignedFax" and waits["timers"][0]["kind"] == "boundary"
    assert waits["messages"][0]["correlations"] == {"delivery_note": {"delivery_note_no": NOTE_NO}}
    auditor = signed_in(client, "auditor", DEMO_PASSWORD)
    assert auditor.ok("get", f"/operate/instances/{instance.id}/waits") == waits
    fired = admin.ok("post", f"/operate/instances/{instance.id}/timers/{TIMER}/fire", json={"reason": "客户来电"})
    assert fired["fired"]["element_id"] == TIMER and fired["waits"]["timers"] == []
    db.session.refresh(instance)
    assert sales.ready_elements(instance) == ["Task_ChaseConfirmation"]


def test_timer_attacks(sales, request_for, admin, client):
    instance = waiting_for_customer(sales, request_for)
    url = f"/operate/instances/{instance.id}/timers/{TIMER}/fire"
    rep, auditor = signed_in(client, REP, DEMO_PASSWORD), signed_in(client, "auditor", DEMO_PASSWORD)
    error_of(rep.get(f"/operate/instances/{instance.id}/waits"), 403)
    error_of(rep.post(url, json={"reason": "想快点"}), 403)
    error_of(auditor.post(url, json={"reason": "看看"}), 403, "read_only")
    assert "reason" in error_of(admin.post(url, json={}), 422)["details"]["fields"]
    forged = error_of(admin.post(f"/operate/instances/{instance.id}/timers/Task_UploadSignedFax/fire",
                                 json={"reason": "提前"}), 400, "not_a_pending_timer")
    assert "element_id" in forged["details"]["fields"]
    error_of(admin.post(f"/operate/instances/{instance.id + 999}/timers/{TIMER}/fire", json={"reason": "x"}), 404)
    admin.ok("post", url, json={"reason": "客户来电"})
    sales.complete(instance, "Task_ChaseConfirmation", REP, {"chase_action": "cancel", "chase_note": "客户取消"})
    error_of(admin.post(url, json={"reason": "再来"}), 409, "instance_not_running")


def test_unclaimed_messages_through_the_api(sales, request_for, admin, client, frozen_clock):
    first, second = _arrive(sales), _arrive(sales, "JH20261201888")
    assert admin.ok("get", "/operate/messages?unclaimed=1")["items"] == []  # within the grace period
    frozen_clock.advance(minutes=2)
    listed = admin.ok("get", "/operate/messages?unclaimed=1")
    assert listed["grace_seconds"] == 60
    assert [(m["id"], m["state"], m["age_seconds"]) for m in listed["items"]] == [(first.id, "unclaimed", 120),
                                                                                  (second.id, "unclaimed", 120)]
    assert listed["items"][0]["payload"] == confirmation()[2]
    instance = waiting_for_customer(sales, request_for)
    delivered = admin.ok("post", f"/operate/messages/{first.id}/deliver",
                         json={"instance_id": instance.id, "reason": "门户先到"})
    assert delivered["state"] == "delivered" and delivered["delivered_to"] == instance.id
    discarded = admin.ok("post", f"/operate/messages/{second.id}/discard", json={"reason": "客户误发"})
    assert (discarded["state"], discarded["discarded_by"], discarded["discard_reason"]) == (
        "discarded", "process_admin", "客户误发")
    assert admin.ok("get", "/operate/messages")["items"] == []
    everything = admin.ok("get", "/operate/messages?unclaimed=0")["items"]
    assert [(m["id"], m["state"]) for m in everything] == [(second.id, "discarded")]
    assert db.session.get(ProcessMessage, second.id) is not None


def test_message_attacks(sales, request_for, admin, client, frozen_clock):
    message = _arrive(sales, "JH20261201888")
    instance = waiting_for_customer(sales, request_for)
    deliver, discard = f"/operate/messages/{message.id}/deliver", f"/operate/messages/{message.id}/discard"
    rep, auditor = signed_in(client, REP, DEMO_PASSWORD), signed_in(client, "auditor", DEMO_PASSWORD)
    error_of(rep.get("/operate/messages"), 403)
    error_of(rep.post(discard, json={"reason": "x"}), 403)
    error_of(auditor.post(discard, json={"reason": "x"}), 403, "read_only")
    error_of(auditor.post(deliver, json={"instance_id": instance.id, "reason": "x"}), 403, "read_only")
    mismatch = error_of(admin.post(deliver, json={"instance_id": instance.id, "reason": "硬塞"}), 409,
                        "correlation_mismatch")
    assert "instance_id" in mismatch["details"]["fields"]
    error_of(admin.post(deliver, json={"instance_id": instance.id + 999, "reason": "x"}), 404)
    assert "instance_id" in error_of(admin.post(deliver, json={"instance_id": "1", "reason": "x"}),
                                     422)["details"]["fields"]
    assert "reason" in error_of(admin.post(discard, json={"reason": ""}), 422)["details"]["fields"]
    error_of(admin.post(f"/operate/messages/{message.id + 999}/discard", json={"reason": "x"}), 404)
    assert "unclaimed" in error_of(admin.get("/operate/messages?unclaimed=maybe"), 422)["details"]["fields"]
    db.session.refresh(message)
    assert message.delivered_at is None and message.discarded_at is None
