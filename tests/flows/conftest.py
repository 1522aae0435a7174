"""What the sales flows need besides ``sales`` (the demo organisation and
master data on a frozen business date, shared with the web tests):
``act(...)`` to post the documents a flow starts from, the way a service
task would, shipped orders, and actions that refuse once."""
import functools

import pytest

from app.actions import run_action
from tests.support.ledger_harness import new_call


@pytest.fixture
def act(sales):
    """``act("ledger.x", **params)``: run a ledger action outside any flow
    (instance 0, as the ledger API does: not bound to any request's documents)."""

    def run(operation, **params):
        return run_action(new_call(operation, instance_id=0), params)

    return run


@pytest.fixture
def shipped_order(act):
    """``shipped_order(customer, [("MTR001", 2)], ship=True)``: an order
    (shipped unless ``ship=False``); returns its number."""

    def make(customer, lines, *, ship=True):
        order = act("ledger.create_sales_order", customer=customer, lines=[{"material": m, "qty": q} for m, q in lines])
        assert order["status"] == "approved", order
        if ship:
            note = act("ledger.create_shipping_note", order=order["order_no"])
            act("ledger.post_outbound", shipping_note=note["shipping_note_no"])
        return order["order_no"]

    return make


@pytest.fixture
def refuse_once(monkeypatch):
    """``refuse_once("ledger.x", code, message)``: the action answers a
    business-rule refusal the first time, then works; returns the list of
    the parameters it was called with."""
    from tests.support.refusals import refuse_once as install

    return functools.partial(install, monkeypatch)


@pytest.fixture(autouse=True)
def every_instance_re_executes(app):
    """After each flow test, every instance it left re-executes VERIFIED from
    its audit log: the recorded inputs on the pinned version give the stored
    path, tasks, data and status (app/services/replay.py). A test that ends
    with its transaction broken has nothing to check."""
    yield
    from sqlalchemy.exc import SQLAlchemyError

    from app.services import replay

    with app.app_context():
        try:
            ids = replay.instance_ids()
        except SQLAlchemyError:
            return
        bad = [verdict for verdict in replay.reexecute_many(ids) if verdict.status != "VERIFIED"]
    assert not bad, f"instances that do not re-execute VERIFIED: {bad}"
