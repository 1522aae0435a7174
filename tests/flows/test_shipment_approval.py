"""F14 shipment_approval through the service layer with the real diagram:
the customer's confirmation by signed fax and by message, the reminder
timer, every rule of shipment_approval_authority, every rejection and
every refusal of the ledger; the documents each path leaves and the ledger
invariants after it (the figures the server computes: test_shipment_approval_figures.py)."""
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import InstanceStatus, LedgerEntry, Material, ProcessMessage, SalesOrder, ShippingNote, StockMovement
from app.services import events
from app.services.attachments import save_bytes
from tests.support.ledger_harness import all_invariants_hold
from tests.support.shipment_approval import (  # noqa: F401  request_for is a fixture
    DEALER, NOTE_NO, REP, STOCK, D, delivery_note, request_for, signed_for,
)


def _orders():
    return list(db.session.scalars(select(SalesOrder).order_by(SalesOrder.id)))


def _notes():
    return list(db.session.scalars(select(ShippingNote).order_by(ShippingNote.id)))


def to_confirmation(sales, request_for, *, customer=DEALER, note=None, gm=False):
    """Start, fill the note, arrange stock, approve: the instance waits for the customer."""
    instance = sales.start("shipment_approval", request_for(customer), REP)
    fill = sales.task(instance, "Task_FillDeliveryNote")
    assert fill.assignee.username == REP
    sales.complete(instance, "Task_FillDeliveryNote", REP, note or delivery_note())
    assert sales.task(instance, "Task_StockArrangement").candidate_role == "dispatcher"
    sales.complete(instance, "Task_StockArrangement", "dispatcher", STOCK)
    approval = sales.task(instance, "Task_DirectorApproval")
    assert approval.candidate_role == "sales_director" and approval.approval_stage == "price"
    sales.approve(instance, "Task_DirectorApproval", "director")
    if gm:
        sales.approve(instance, "Task_GMApproval", "gm")
    assert sales.ready_elements(instance) == ["Task_UploadSignedFax"]
    return instance


def upload_fax(sales, instance):
    fax = save_bytes("signed-fax.pdf", "application/pdf", b"%PDF-1.4 signed delivery note")
    sales.complete(instance, "Task_UploadSignedFax", REP, {"signed_fax": fax, "confirmed_by": "王强", "confirmed_date": "2026-12-02"})


def issue(sales, instance):
    sales.complete(instance, "Task_IssueShipment", "shipping_clerk",
                   {"ship_date": "2026-12-03", "carrier": "公司车队", "vehicle_plate": "浙A·12345"})


def deliver(sales, instance):
    """The driver picks up; the branch and the customer hear of it as the goods leave, before the customer signs."""
    sales.complete(instance, "Task_PickUp", "driver", {"picked_up_date": "2026-12-03"})
    assert sales.ready_elements(instance) == ["Task_NotifyBranchAndCustomer"]
    sales.complete(instance, "Task_NotifyBranchAndCustomer", "shipping_clerk", {"customer_notice_channel": "phone", "branch_notified": True})
    proof = save_bytes("pod.jpg", "image/jpeg", b"\xff\xd8\xff signed proof of delivery")
    sales.complete(instance, "Task_CustomerSigns", "driver", signed_for(instance, proof))


def assert_delivered(instance, *, gross, approver, lines):
    """One order at the approved prices, its note posted from the oldest batches, cost of sales posted."""
    assert instance.status is InstanceStatus.completed
    [order] = _orders()
    assert order.gross == Decimal(gross) and order.contract_number == NOTE_NO and order.status == "approved"
    assert {line.price_override_by_id for line in order.lines} == {approver}
    [note] = _notes()
    assert note.status == "posted" and instance.data["issue_result"]["shipping_note_no"] == note.number
    moves = list(db.session.scalars(select(StockMovement).where(StockMovement.kind == "outbound").order_by(StockMovement.seq)))
    assert [(m.material.code, m.batch_no, -m.qty) for m in moves] == [(c, f"B2512-{c}", Decimal(q)) for c, q in lines]
    entries = db.session.scalars(select(LedgerEntry).where(LedgerEntry.source_type == "shipping_note")).all()
    cost = sum((-m.qty * m.unit_cost).quantize(Decimal("0.01")) for m in moves)
    assert len(entries) == 2 * len(lines) and sum(e.debit for e in entries) == sum(e.credit for e in entries) == cost
    assert db.session.scalar(select(func.count()).select_from(LedgerEntry).where(LedgerEntry.source_type != "shipping_note")) == 0
    assert all_invariants_hold()


# --- the customer's confirmation --------------------------------------------------------------------------

def test_signed_fax_path_ships_at_the_approved_price(sales, request_for):
    instance = to_confirmation(sales, request_for)
    assert instance.data["gm_approval_required"] is False
    upload_fax(sales, instance)
    assert sales.task(instance, "Task_IssueShipment").candidate_role == "shipping_clerk"
    issue(sales, instance)
    assert sales.task(instance, "Task_PickUp").candidate_role == "driver"
    deliver(sales, instance)
    # 950.00 × 2, the agreed price (the list says 980.00), approved by the director
    assert_delivered(instance, gross="1900.00", approver=sales.user("director").id, lines=[("MTR001", 2)])
    assert [line.unit_price for line in _orders()[0].lines] == [Decimal("950")]


@pytest.fixture
def portal(client):
    """The customer portal's integration account, confirming through the API."""
    token = client.post("/api/v1/auth/token", json={"username": "portal", "password": "lanes-demo"}).get_json()["token"]

    def confirm(number, **extra):
        body = {"name": "shipment_confirmed", "correlations": {"delivery_note": {"delivery_note_no": number}},
                "payload": {"delivery_note_no": number, "confirmed_by": "王强（客户门户）"}, **extra}
        return client.post("/api/v1/messages", json=body, headers={"Authorization": f"Bearer {token}"})

    return confirm


def test_message_path_confirms_the_instance_with_that_delivery_note(sales, request_for, portal):
    other = to_confirmation(sales, request_for, note=delivery_note(number="JH20261201999"))
    instance = to_confirmation(sales, request_for)
    response = portal(NOTE_NO)
    assert response.status_code == 202, response.get_json()
    assert response.get_json()["delivered_to"] == instance.id
    db.session.refresh(instance), db.session.refresh(other)
    assert sales.ready_elements(instance) == ["Task_IssueShipment"]
    assert instance.data["customer_confirmation"] == {"delivery_note_no": NOTE_NO, "confirmed_by": "王强（客户门户）"}
    assert sales.ready_elements(other) == ["Task_UploadSignedFax"]  # another note: still waiting
    issue(sales, instance)
    deliver(sales, instance)
    assert_delivered(instance, gross="1900.00", approver=sales.user("director").id, lines=[("MTR001", 2)])
    assert events.deliver_pending_messages() == 0


def test_a_confirmation_nobody_waits_for_stays_pending(sales, request_for, portal):
    instance = to_confirmation(sales, request_for)
    unknown = portal("JH20269999999")
    assert unknown.status_code == 202 and unknown.get_json()["delivered_to"] is None
    wrong_key = portal(NOTE_NO, correlations={"order": {"delivery_note_no": NOTE_NO}})
    assert wrong_key.get_json()["delivered_to"] is None  # a key the instance does not wait on matches nothing
    db.session.refresh(instance)
    assert sales.ready_elements(instance) == ["Task_UploadSignedFax"]


def test_only_integration_accounts_send_messages(sales, client):
    token = client.post("/api/v1/auth/token", json={"username": "rep_east1", "password": "lanes-demo"}).get_json()["token"]
    response = client.post("/api/v1/messages", headers={"Authorization": f"Bearer {token}"},
                           json={"name": "shipment_confirmed", "correlations": {"delivery_note": {"delivery_note_no": NOTE_NO}}})
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "not_integration"


def test_a_malformed_message_names_the_field(sales, portal):
    response = portal(NOTE_NO, correlations={"delivery_note": {"delivery_note_no": {"nested": 1}}})
    assert response.status_code == 422 and "correlations" in response.get_json()["error"]["details"]["fields"]


@pytest.mark.parametrize("payload, says", [({}, "must carry"), ({"delivery_note_no": "JH20269999999"}, "is not the")])
def test_a_payload_without_or_against_its_correlation_is_422_and_changes_nothing(sales, request_for, portal,
                                                                                payload, says):
    instance = to_confirmation(sales, request_for)
    state = instance.state
    response = portal(NOTE_NO, payload=payload)
    assert response.status_code == 422, response.get_json()
    assert says in response.get_json()["error"]["details"]["fields"]["payload.delivery_note_no"][0]
    db.session.refresh(instance)
    assert instance.state == state and sales.ready_elements(instance) == ["Task_UploadSignedFax"]
    assert db.session.scalar(select(func.count()).select_from(ProcessMessage)) == 0
    assert portal(NOTE_NO).get_json()["delivered_to"] == instance.id  # the right message still gets through


def test_a_pending_message_whose_payload_lacks_the_correlation_is_passed_over_by_the_worker(sales, request_for, portal):
    early = portal(NOTE_NO, payload={})  # nobody waits yet: kept, as any message is
    assert early.status_code == 202 and early.get_json()["delivered_to"] is None
    instance = to_confirmation(sales, request_for)
    assert events.deliver_pending_messages() == 0
    db.session.refresh(instance)
    assert instance.status is InstanceStatus.running and sales.ready_elements(instance) == ["Task_UploadSignedFax"]
    assert portal(NOTE_NO).get_json()["delivered_to"] == instance.id


def test_a_message_the_instance_does_not_catch_stays_pending(sales, request_for, portal, monkeypatch):
    """The engine has the last word on whether a waiting event catches a
    message: when it does not, the message waits for another receiver."""
    from app.workflow.runtime import Run

    instance = to_confirmation(sales, request_for)
    monkeypatch.setattr(Run, "_check_payload", lambda self, event: setattr(event.event_definition, "name", "other"))
    response = portal(NOTE_NO)
    assert response.status_code == 202 and response.get_json()["delivered_to"] is None
    db.session.refresh(instance)
    assert instance.status is InstanceStatus.running and sales.ready_elements(instance) == ["Task_UploadSignedFax"]


def test_timer_reminds_the_representative_who_waits_again(sales, request_for, frozen_clock):
    instance = to_confirmation(sales, request_for)
    frozen_clock.advance(days=2, hours=23)
    assert events.fire_due_timers() == 0
    # Just past the due time: the engine fires strictly after it (see the report on the worker's "<=")
    frozen_clock.advance(hours=1, minutes=1)
    assert events.fire_due_timers() == 1
    db.session.refresh(instance)
    chase = sales.task(instance, "Task_ChaseConfirmation")
    assert chase.assignee.username == REP
    sales.complete(instance, "Task_ChaseConfirmation", REP, {"chase_action": "wait", "chase_note": "客户采购经理出差，周五回传"})
    assert sales.ready_elements(instance) == ["Task_UploadSignedFax"]
    assert instance.next_timer_at == frozen_clock.now.replace(day=7)  # a fresh three days
    upload_fax(sales, instance)
    issue(sales, instance)
    deliver(sales, instance)
    assert_delivered(instance, gross="1900.00", approver=sales.user("director").id, lines=[("MTR001", 2)])


@pytest.mark.parametrize("chase_action,expected", [("revise", ["Task_FillDeliveryNote"]), ("cancel", [])])
def test_timer_reminder_revises_or_cancels(sales, request_for, frozen_clock, chase_action, expected):
    instance = to_confirmation(sales, request_for)
    frozen_clock.advance(days=3, minutes=1)
    assert events.fire_due_timers() == 1
    db.session.refresh(instance)
    sales.complete(instance, "Task_ChaseConfirmation", REP, {"chase_action": chase_action, "chase_note": "客户未回复"})
    assert sales.ready_elements(instance) == expected
    assert (instance.status is InstanceStatus.completed) == (chase_action == "cancel")
    assert instance.next_timer_at is None and _orders() == [] and _notes() == []
    assert all_invariants_hold()


# --- approval authority -----------------------------------------------------------------------------------

@pytest.mark.parametrize("lines,settlement,gm", [
    ([("MTR001", "YE3-80M2-2 1.1kW", 200, 1000.0)], "monthly_30", False),  # WithinDirectorAuthority, at the limit
    ([("MTR001", "YE3-80M2-2 1.1kW", 200, 1000.0), ("PRT001", "108-16", 1, 0.01)], "credit_60", True),  # AmountAbove…
    ([("MTR001", "YE3-80M2-2 1.1kW", 2, 950.0)], "credit_90", True),  # SpecialSettlementTerms
    ([("MTR001", "YE3-80M2-2 1.1kW", 2, 950.0)], "acceptance_bill", True),
    ([("MTR001", "YE3-80M2-2 1.1kW", 2, 950.0)], "consignment", True),
])
def test_authority_table_decides_whether_the_general_manager_approves(sales, request_for, lines, settlement, gm):
    instance = to_confirmation(sales, request_for, note=delivery_note(lines=lines, settlement=settlement), gm=gm)
    assert instance.data["gm_approval_required"] is gm
    assert _orders() == [] and all_invariants_hold()


def test_price_approved_by_the_general_manager_is_the_one_on_the_order(sales, request_for):
    instance = to_confirmation(sales, request_for, note=delivery_note(settlement="credit_90"), gm=True)
    upload_fax(sales, instance)
    issue(sales, instance)
    deliver(sales, instance)
    assert_delivered(instance, gross="1900.00", approver=sales.user("gm").id, lines=[("MTR001", 2)])


def test_the_directors_delegate_approves(sales, request_for):
    from app.services import tasks

    instance = sales.start("shipment_approval", request_for(), REP)
    sales.complete(instance, "Task_FillDeliveryNote", REP, delivery_note())
    sales.complete(instance, "Task_StockArrangement", "dispatcher", STOCK)
    tasks.delegate_task(sales.task(instance, "Task_DirectorApproval").id, sales.user("director"), "assistant")
    sales.approve(instance, "Task_DirectorApproval", "assistant")
    upload_fax(sales, instance)
    issue(sales, instance)
    deliver(sales, instance)
    assert_delivered(instance, gross="1900.00", approver=sales.user("assistant").id, lines=[("MTR001", 2)])


# --- rejections -------------------------------------------------------------------------------------------

def test_unavailable_stock_goes_back_and_the_revised_note_is_approved(sales, request_for):
    instance = sales.start("shipment_approval", request_for(), REP)
    sales.complete(instance, "Task_FillDeliveryNote", REP, delivery_note())
    sales.complete(instance, "Task_StockArrangement", "dispatcher",
                   {"stock_status": "unavailable", "planned_ship_date": "2027-01-10", "stock_note": "1.1kW 停产，建议 1.5kW"})
    assert sales.task(instance, "Task_FillDeliveryNote").assignee.username == REP
    assert instance.data["stock_note"] == "1.1kW 停产，建议 1.5kW"
    sales.complete(instance, "Task_FillDeliveryNote", REP, delivery_note(lines=[("MTR002", "YE3-90S-2 1.5kW", 2, 1150.0)]))
    sales.complete(instance, "Task_StockArrangement", "dispatcher", STOCK)
    sales.approve(instance, "Task_DirectorApproval", "director")
    upload_fax(sales, instance)
    issue(sales, instance)
    deliver(sales, instance)
    assert_delivered(instance, gross="2300.00", approver=sales.user("director").id, lines=[("MTR002", 2)])


@pytest.mark.parametrize("rejecter", ["director", "gm"])
def test_rejected_note_goes_back_and_is_withdrawn(sales, request_for, rejecter):
    instance = sales.start("shipment_approval", request_for(), REP)
    sales.complete(instance, "Task_FillDeliveryNote", REP, delivery_note(settlement="acceptance_bill"))
    sales.complete(instance, "Task_StockArrangement", "dispatcher", STOCK)
    if rejecter == "director":
        sales.reject(instance, "Task_DirectorApproval", "director", "单价低于授权底价")
    else:
        sales.approve(instance, "Task_DirectorApproval", "director")
        sales.reject(instance, "Task_GMApproval", "gm", "不接受承兑汇票")
    assert sales.task(instance, "Task_FillDeliveryNote").assignee.username == REP and instance.data["comment"]
    sales.complete(instance, "Task_FillDeliveryNote", REP, delivery_note(action="withdraw"))
    assert instance.status is InstanceStatus.completed and sales.ready(instance) == []
    assert _orders() == [] and all_invariants_hold()


# --- refusals of the ledger ---------------------------------------------------------------------------

@pytest.mark.parametrize("action", ["retry", "return"])
def test_over_credit_goes_to_the_shipping_clerk_and_saves_nothing(sales, act, request_for, customer_code, action):
    """The note fitted the credit when it was checked; by the time it ships the limit was cut: the second check holds it."""
    instance = to_confirmation(sales, request_for)
    act("ledger.set_credit", customer=customer_code(DEALER), credit_limit="1000", reason="风险预警")
    upload_fax(sales, instance)
    issue(sales, instance)
    assert sales.task(instance, "Task_ResolveIssueProblem").candidate_role == "shipping_clerk"
    assert instance.data["issue_result"]["error"]["code"] == "credit_hold"
    assert _orders() == [] and _notes() == []
    if action == "retry":
        act("ledger.set_credit", customer=customer_code(DEALER), credit_limit="300000", reason="预警解除")
        sales.complete(instance, "Task_ResolveIssueProblem", "shipping_clerk", {"action": "retry", "resolution_note": "客户已付款"})
        issue(sales, instance)
        deliver(sales, instance)
        assert_delivered(instance, gross="1900.00", approver=sales.user("director").id, lines=[("MTR001", 2)])
    else:
        sales.complete(instance, "Task_ResolveIssueProblem", "shipping_clerk", {"action": "return"})
        assert sales.ready_elements(instance) == ["Task_FillDeliveryNote"]
        sales.complete(instance, "Task_FillDeliveryNote", REP, delivery_note(action="withdraw"))
        assert instance.status is InstanceStatus.completed and _orders() == []
        assert all_invariants_hold()


@pytest.mark.parametrize("action", ["retry", "cancel"])
def test_not_enough_stock_at_pickup_goes_to_the_shipping_clerk(sales, request_for, action):
    from datetime import date

    from app.ledger.shipping import receive_opening_stock

    note = delivery_note(lines=[("PRT001", "108-16", 1200, 80.0)])  # 1,000 in stock
    instance = to_confirmation(sales, request_for, note=note)
    upload_fax(sales, instance)
    issue(sales, instance)
    sales.complete(instance, "Task_PickUp", "driver", {"picked_up_date": "2026-12-03"})
    assert sales.task(instance, "Task_ResolvePickupProblem").candidate_role == "shipping_clerk"
    assert instance.data["outbound_result"]["error"]["code"] == "insufficient_stock"
    [order] = _orders()
    assert order.gross == Decimal("96000.00")
    if action == "retry":
        material = db.session.scalar(select(Material).where(Material.code == "PRT001"))
        receive_opening_stock(material, 500, "B2612-PRT001", date(2026, 12, 2), "test:receipt:B2612")
        sales.complete(instance, "Task_ResolvePickupProblem", "shipping_clerk", {"action": "retry"})
        sales.complete(instance, "Task_PickUp", "driver", {"picked_up_date": "2026-12-03"})
        moves = db.session.scalars(select(StockMovement).where(StockMovement.kind == "outbound").order_by(StockMovement.seq))
        assert [(m.batch_no, -m.qty) for m in moves] == [("B2512-PRT001", 400), ("B2601-PRT001", 600), ("B2612-PRT001", 200)]
        assert sales.ready_elements(instance) == ["Task_NotifyBranchAndCustomer"] and _notes()[0].status == "posted"
    else:
        sales.complete(instance, "Task_ResolvePickupProblem", "shipping_clerk", {"action": "cancel"})
        assert instance.status is InstanceStatus.completed
        assert order.status == "cancelled" and [n.status for n in _notes()] == ["void"]
        assert db.session.scalar(select(func.count()).select_from(LedgerEntry)) == 0
    assert all_invariants_hold()


def test_a_shipment_with_a_fired_timer_and_a_portal_message_re_executes_verified(sales, request_for, frozen_clock):
    """The reminder timer fires at its recorded moment and the portal's
    confirmation is fed from its recorded payload: the fresh engine reaches
    the stored state, step for step."""
    from app.models import AuditEvent
    from app.services import replay

    instance = to_confirmation(sales, request_for)
    frozen_clock.advance(days=3, minutes=1)
    assert events.fire_due_timers() == 1
    sales.complete(instance, "Task_ChaseConfirmation", REP, {"chase_action": "wait", "chase_note": "客户周五回传"})
    frozen_clock.advance(days=1)
    message = events.receive_message(sales.user("portal"), "shipment_confirmed",
                                     {"delivery_note": {"delivery_note_no": NOTE_NO}},
                                     {"delivery_note_no": NOTE_NO, "confirmed_by": "王强（客户门户）"})
    assert message.target_instance_id == instance.id
    db.session.refresh(instance)
    issue(sales, instance)
    deliver(sales, instance)
    kinds = set(db.session.scalars(select(AuditEvent.kind).where(AuditEvent.instance_id == instance.id)))
    assert {"timer_fired", "message_delivered", "service_call"} <= kinds
    verdict = replay.reexecute(instance.id)
    assert verdict.status == "VERIFIED", verdict
    shots = replay.snapshots(instance.id)
    delivered = next(shot for shot in shots if shot.kind == "message_delivered")
    assert delivered.event_data["payload"] and delivered.at > shots[0].at
    assert shots[-1].active == () and "Task_ChaseConfirmation" in shots[-1].path
