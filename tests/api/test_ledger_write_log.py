"""Every ledger write from outside the flows (receipts, reversals, contracts,
customer changes) is appended to the hash-chained ``ledger`` log with who
made it, what was asked and what was posted; a refused write leaves nothing,
and a removed or edited entry is found by the verifier."""
import pytest
from sqlalchemy import select, text

from app.audit.verify import verify_chain
from app.extensions import db
from app.models import AuditEvent
from app.services.ledger_commands import LEDGER_CHAIN
from tests.support.api_client import DEMO_PASSWORD, PREFIX, UserClient, error_of


@pytest.fixture
def as_user(client, org, frozen_clock):
    from app.demo.master_data import load_demo_master_data

    load_demo_master_data()
    db.session.commit()

    def token_for(username):
        response = client.post(PREFIX + "/auth/token", json={"username": username, "password": DEMO_PASSWORD})
        assert response.status_code == 201, response.get_json()
        return UserClient(client, username, response.get_json()["token"])

    return token_for


def _log():
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.chain == LEDGER_CHAIN).order_by(AuditEvent.seq)))


def test_each_write_from_outside_is_in_the_chain_with_its_actor(as_user):
    finance, admin, statistician = as_user("finance"), as_user("sales_admin"), as_user("statistician")
    receipt = finance.ok("post", "/ledger/receipts", 201, json={"customer": "D00001", "amount": "1200", "date": "2026-11-20",
                                                                 "bank_reference": "工行回单-0101"})
    finance.ok("post", f"/ledger/receipts/{receipt['receipt_no']}/reversal", 201, json={"reason": "重复录入"})
    admin.ok("post", "/ledger/contracts", 201, json={"customer": "D00002", "number": "HT-LOG-001", "amount_cap": "50000",
                                                     "valid_from": "2026-11-01"})
    admin.ok("post", "/ledger/contracts/HT-LOG-001/closure", 201, json={"reason": "客户终止合作"})
    statistician.ok("post", "/ledger/customers/D00003/changes", 201, json={"valid_from": "2026-12-01", "payment_days": 45,
                                                                           "reason": "年度评级调整"})
    log = _log()
    assert [(e.actor, e.data["operation"]) for e in log] == [
        ("finance", "ledger.record_receipt"), ("finance", "ledger.reverse_receipt"),
        ("sales_admin", "ledger.register_contract"), ("sales_admin", "ledger.close_contract"),
        ("statistician", "ledger.change_customer")]
    assert [e.seq for e in log] == [1, 2, 3, 4, 5] and all(e.kind == "ledger_write" for e in log)
    assert log[0].data["params"]["amount"] == "1200" and log[0].data["result"]["receipt_no"] == receipt["receipt_no"]
    assert log[4].data["params"]["payment_days"] == 45
    assert verify_chain(LEDGER_CHAIN).ok and verify_chain(LEDGER_CHAIN).events == 5


def test_a_refused_write_leaves_nothing_in_the_chain(as_user):
    error_of(as_user("finance").post("/ledger/receipts", json={"customer": "NOPE", "amount": 1}), 422)
    error_of(as_user("rep_east1").post("/ledger/receipts", json={"customer": "D00001", "amount": 1}), 403)
    assert _log() == []


def test_removing_the_last_write_or_editing_one_is_found(as_user, cli):
    finance = as_user("finance")
    for amount in ("100", "200", "300"):
        finance.ok("post", "/ledger/receipts", 201, json={"customer": "D00001", "amount": amount, "date": "2026-11-20"})
    last = _log()[-1]
    db.session.execute(text("DELETE FROM audit_event WHERE id = :id"), {"id": last.id})
    db.session.commit()
    verdict = verify_chain(LEDGER_CHAIN)
    assert not verdict.ok and "removed" in verdict.reason
    broken = cli.invoke(args=["audit", "verify", "--all"])
    assert broken.exit_code == 1 and f"BROKEN {LEDGER_CHAIN}" in broken.output

    db.session.execute(text("UPDATE audit_chain_head SET seq = 2, hash = :h WHERE chain = :c"),
                       {"h": _log()[-1].hash, "c": LEDGER_CHAIN})  # the tail put back consistently
    db.session.execute(text("UPDATE audit_event SET actor = 'mallory' WHERE chain = :c AND seq = 1"), {"c": LEDGER_CHAIN})
    db.session.commit()
    db.session.expire_all()
    verdict = verify_chain(LEDGER_CHAIN)
    assert not verdict.ok and verdict.first_bad_seq == 1 and "edited" in verdict.reason


@pytest.mark.postgresql_only
def test_concurrent_writes_queue_on_the_chain_instead_of_failing(committed_app):
    """Four finance clerks record receipts at the same moment: each write
    waits for the chain's head, none fails, and the chain has no gap."""
    import threading
    from decimal import Decimal

    from app.services import ledger_commands
    from app.services.accounts import find_user
    from app.demo.master_data import load_demo_master_data
    from app.demo.organisation import load_demo_organisation

    with committed_app.app_context():
        load_demo_organisation()
        load_demo_master_data()
        db.session.commit()
        db.session.remove()
    barrier, errors = threading.Barrier(4), []

    def record(i):
        with committed_app.app_context():
            try:
                barrier.wait(timeout=10)
                ledger_commands.record_receipt(find_user("finance"), {"customer": "D00001", "amount": Decimal(100 + i)})
            except Exception as exc:  # noqa: BLE001  (the assertion reports it)
                errors.append(repr(exc))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=record, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    with committed_app.app_context():
        assert [e.seq for e in _log()] == [1, 2, 3, 4] and verify_chain(LEDGER_CHAIN).ok
        db.session.remove()
