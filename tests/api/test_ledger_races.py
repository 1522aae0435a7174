"""Ledger writes racing each other through the API, on PostgreSQL: many
finance clients at the same moment reverse one receipt, or retry one receipt
under one Idempotency-Key. One posts; the others get 409 or the stored
result; nobody gets a 500, and nothing is posted twice."""
import threading
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Receipt, ReceiptReversal
from tests.support.api_client import DEMO_PASSWORD, PREFIX

CLIENTS = 24


@pytest.fixture
def finance_token(committed_app):
    from app.demo.master_data import load_demo_master_data
    from app.demo.organisation import load_demo_organisation

    with committed_app.app_context():
        load_demo_organisation()
        load_demo_master_data()
        db.session.commit()
        db.session.remove()
    response = committed_app.test_client().post(PREFIX + "/auth/token",
                                                json={"username": "finance", "password": DEMO_PASSWORD})
    return response.get_json()["token"]


def _at_once(app, token, path, body, headers=None):
    """POST ``body`` to ``path`` from CLIENTS clients at the same moment; their (status, JSON)."""
    barrier, answers = threading.Barrier(CLIENTS), []

    def post():
        client = app.test_client()
        barrier.wait(timeout=30)
        response = client.post(PREFIX + path, json=body, headers={"Authorization": f"Bearer {token}", **(headers or {})})
        answers.append((response.status_code, response.get_json()))

    threads = [threading.Thread(target=post) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(answers) == CLIENTS
    return answers


def _count(app, model):
    with app.app_context():
        count = db.session.scalar(select(func.count()).select_from(model))
        db.session.remove()
    return count


@pytest.mark.postgresql_only
def test_concurrent_reversals_of_one_receipt_reverse_it_once(committed_app, finance_token):
    client = committed_app.test_client()
    receipt = client.post(PREFIX + "/ledger/receipts", json={"customer": "D00001", "amount": "300"},
                          headers={"Authorization": f"Bearer {finance_token}"}).get_json()["receipt_no"]
    answers = _at_once(committed_app, finance_token, f"/ledger/receipts/{receipt}/reversal", {"reason": "重复录入"})
    statuses = sorted(status for status, _ in answers)
    assert statuses == [201] + [409] * (CLIENTS - 1), answers
    assert {body["error"]["code"] for status, body in answers if status == 409} == {"already_reversed"}
    assert _count(committed_app, ReceiptReversal) == 1


@pytest.mark.postgresql_only
def test_one_idempotency_key_from_many_clients_posts_one_receipt(committed_app, finance_token):
    answers = _at_once(committed_app, finance_token, "/ledger/receipts", {"customer": "D00001", "amount": "88.50"},
                       headers={"Idempotency-Key": "bank-line-race"})
    assert {status for status, _ in answers} == {201}, answers
    assert len({body["receipt_no"] for _, body in answers}) == 1
    with committed_app.app_context():
        assert db.session.scalars(select(Receipt.amount)).all() == [Decimal("88.50")]
        db.session.remove()
