"""Re-executing F01 contract_shipment the whole way serves every ledger
action its recorded result: no document, posting, stock movement or
service-call row is added, and a rewritten result is caught."""
from sqlalchemy import func, select, update

from app.audit.chain import event_hash
from app.extensions import db
from app.models import (AuditEvent, Contract, LedgerEntry, ProcessInstance, SalesOrder, ServiceCall, ShippingNote,
                        StockMovement)
from app.services import replay
from tests.support.contract_shipment import REP, approve_contract, make_order, ship_after_order_review
from tests.support.contract_shipment import contract  # noqa: F401  (a fixture)

COUNTED = (ServiceCall, Contract, SalesOrder, ShippingNote, StockMovement, LedgerEntry, AuditEvent)


def _counts():
    return {model.__name__: db.session.scalar(select(func.count()).select_from(model)) for model in COUNTED}


def _shipped(sales, contract):
    instance = sales.start("contract_shipment", contract(), REP)
    approve_contract(sales, instance)
    make_order(sales, instance)
    sales.approve(instance, "Task_OrderReview", "sales_admin")
    ship_after_order_review(sales, instance)
    return instance


def test_a_shipped_contract_re_executes_without_posting_anything(sales, contract):
    instance = _shipped(sales, contract)
    before = _counts()
    assert before["ServiceCall"] >= 3 and before["LedgerEntry"] > 0
    verdict = replay.reexecute(instance.id)
    assert verdict.status == "VERIFIED", verdict
    shots = replay.snapshots(instance.id)
    assert _counts() == before
    director = next(shot for shot in shots if shot.kind == "task_completed" and shot.element_id == "Task_DirectorApproval")
    assert director.data["contract_no"] == "HT-2026-118" and "Task_ContractReview" in director.path
    calls = [shot for shot in shots if shot.kind == "service_call"]
    assert calls and all(shot.element_id in shot.active for shot in calls)  # the call's own step is where the token is


def test_a_rewritten_service_result_diverges(sales, contract):
    instance = _shipped(sales, contract)
    events = list(db.session.scalars(select(AuditEvent).where(AuditEvent.instance_id == instance.id)
                                     .order_by(AuditEvent.seq)))
    victim = next(event for event in events if event.kind == "service_call")
    prev = ""
    for event in events:  # re-hashed consistently, head included
        data = {**event.data, "result": {"ok": False, "error": {"code": "forged", "message": "-"}}} \
            if event.id == victim.id else event.data
        fields = {name: getattr(event, name) for name in ("chain", "seq", "at", "kind", "element_id", "task_id",
                                                          "actor", "on_behalf_of")}
        digest = event_hash(prev, {**fields, "data": data})
        db.session.execute(update(AuditEvent).where(AuditEvent.id == event.id).values(data=data, prev_hash=prev,
                                                                                      hash=digest))
        prev = digest
    db.session.execute(update(ProcessInstance).where(ProcessInstance.id == instance.id).values(audit_head=prev))
    db.session.expire_all()
    verdict = replay.reexecute(instance.id)
    assert verdict.status == "DIVERGED", verdict
    command = max(event.seq for event in events if event.seq < victim.seq and event.kind in
                  ("instance_started", "task_completed", "timer_fired", "message_delivered", "retry"))
    assert verdict.seq >= command
