"""Random sequences of orders, shipments, invoices, receipts, returns and
write-offs: every LEDGER.md invariant holds after every step."""
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.extensions import db
from app.ledger import checks
from app.actions import BusinessRuleViolation
from tests.support.ledger_harness import new_call

CUSTOMERS = ["D00001", "D00002", "C00001"]
MATERIALS = ["P100", "P200", "V10"]
# Hypothesis shrinks towards small numbers; amounts around real invoice
# totals make over- and under-payments both likely within 25 examples.
AMOUNTS = st.sampled_from(["0.01", "113.00", "226", "500", "1130.00", "2500", "9999.99"])

steps = st.one_of(
    # compound steps first: they reach invoices and write-offs often enough to matter
    st.tuples(st.just("sell"), st.sampled_from(CUSTOMERS), st.sampled_from(MATERIALS), st.integers(1, 40)),
    st.tuples(st.just("pay"), st.integers(0, 9), AMOUNTS),
    st.tuples(st.just("order"), st.sampled_from(CUSTOMERS),
              st.lists(st.tuples(st.sampled_from(MATERIALS), st.integers(1, 40)), min_size=1, max_size=3)),
    st.tuples(st.just("ship"), st.integers(0, 9), st.integers(1, 40)),
    st.tuples(st.just("invoice"), st.integers(0, 9), st.booleans()),
    st.tuples(st.just("receipt"), st.sampled_from(CUSTOMERS), AMOUNTS),
    st.tuples(st.just("allocate"), st.sampled_from(CUSTOMERS), st.booleans()),
    st.tuples(st.just("return"), st.integers(0, 9), st.integers(1, 30)),
    st.tuples(st.just("reverse"), st.integers(0, 9)),
    st.tuples(st.just("release"), st.integers(0, 9)),
)


class Session:
    """What one example has made so far, so steps can refer to it."""

    def __init__(self):
        self.orders, self.receipts, self.allocations = [], [], []
        self.customer_of: dict[str, str] = {}

    def pick(self, items, index):
        return items[index % len(items)] if items else None


def _run(operation, **params):
    """Run an action as the engine does: in a savepoint that a broken rule
    rolls back, so a refused step leaves nothing behind."""
    from app.actions import run_action

    savepoint = db.session.begin_nested()
    try:
        result = run_action(new_call(operation, actor_id=None), params)
    except BusinessRuleViolation:
        savepoint.rollback()
        return None
    savepoint.commit()
    return result


def _apply(state: Session, step) -> None:
    kind, *args = step
    day = "2026-11-10"
    if kind == "sell":
        customer, material, qty = args
        order = _run("ledger.create_sales_order", customer=customer, date=day, lines=[{"material": material, "qty": qty}])
        if order:
            state.orders.append(order["order_no"])
            state.customer_of[order["order_no"]] = customer
            _run("ledger.release_credit_hold", order=order["order_no"], approver="gm_test")
            note = _run("ledger.create_shipping_note", order=order["order_no"], date=day)
            if note and _run("ledger.post_outbound", shipping_note=note["shipping_note_no"], date=day):
                _run("ledger.issue_invoice", order=order["order_no"], date=day)
    elif kind == "pay":  # pays a customer who has bought something, so write-offs really happen
        order = state.pick(state.orders, args[0])
        customer = state.customer_of[order] if order else CUSTOMERS[args[0] % len(CUSTOMERS)]
        receipt = _run("ledger.record_receipt", customer=customer, amount=args[1], date=day)
        if receipt:
            state.receipts.append(receipt["receipt_no"])
            result = _run("ledger.allocate_receipt", receipt=receipt["receipt_no"], date=day)
            state.allocations += [a["allocation_id"] for a in result["allocations"]]
    elif kind == "order":
        customer, lines = args
        result = _run("ledger.create_sales_order", customer=customer, date=day,
                      lines=[{"material": m, "qty": q} for m, q in lines])
        if result:
            state.orders.append(result["order_no"])
            state.customer_of[result["order_no"]] = customer
    elif kind == "release" and (order := state.pick(state.orders, args[0])):
        _run("ledger.release_credit_hold", order=order, approver="gm_test")
    elif kind == "ship" and (order := state.pick(state.orders, args[0])):
        note = _run("ledger.create_shipping_note", order=order, date=day, lines=[{"line_no": 1, "qty": args[1]}])
        if note:
            _run("ledger.post_outbound", shipping_note=note["shipping_note_no"], date=day)
    elif kind == "invoice" and (order := state.pick(state.orders, args[0])):
        _run("ledger.issue_invoice", order=order, date=day, **({"lines": [{"line_no": 1, "qty": 1}]} if args[1] else {}))
    elif kind == "receipt":
        result = _run("ledger.record_receipt", customer=args[0], amount=args[1], date=day)
        if result:
            state.receipts.append(result["receipt_no"])
    elif kind == "allocate":
        customer, by_customer = args
        receipt = state.receipts[-1] if state.receipts and not by_customer else None
        result = _run("ledger.allocate_receipt", customer=customer, receipt=receipt, date=day)
        if result:
            state.allocations += [a["allocation_id"] for a in result["allocations"]]
    elif kind == "return" and (order := state.pick(state.orders, args[0])):
        _run("ledger.post_return", order=order, date=day, lines=[{"line_no": 1, "qty": args[1]}])
    elif kind == "reverse" and (allocation := state.pick(state.allocations, args[0])):
        _run("ledger.reverse_allocation", allocation_id=allocation, date=day)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(steps, min_size=4, max_size=14))
def test_every_invariant_holds_after_every_step(world, sequence):
    savepoint = db.session.begin_nested()  # each example starts from the same world
    try:
        state = Session()
        for number, step in enumerate(sequence, start=1):
            _apply(state, step)
            failed = [r for r in checks.run_all("2026-11") if not r["ok"]]
            assert not failed, (number, step, failed)
    finally:
        savepoint.rollback()
        # SQLite reuses the rolled-back ids; start each example with an empty
        # identity map so no object of the last example can shadow a new row
        db.session.expunge_all()
