"""The ledger seen from a test: calls with fresh idempotency keys, and the
invariants asserted (the ledger, flow and web tests share them)."""
import itertools

from app.actions import ActionCall

_task_ids = itertools.count(1)


def new_call(operation: str, *, instance_id: int = 900, task_id: str | None = None, actor_id: int | None = None) -> ActionCall:
    return ActionCall(instance_id, task_id or f"task-{next(_task_ids)}", "Task_Test", operation, actor_id)


def all_invariants_hold(month=None):
    from app.ledger import checks

    failed = [r for r in checks.run_all(month) if not r["ok"]]
    assert not failed, failed
    return True


def receipts_and_customers_reconcile():
    """Invariants 3 and 4 counting red receipts (a reversed receipt's amount
    is used by its red receipt): per receipt 0 ≤ allocations + reversed ≤
    amount; per customer open receivables − advances = ledger 1122 + 2203.
    Computed apart from ``checks`` (from the balances the actions use), so a
    mistake in either shows up as a disagreement."""
    from decimal import Decimal

    from sqlalchemy import func, select

    from app.extensions import db
    from app.ledger import balances, journal
    from app.models import Customer, LedgerEntry, Receipt

    used = balances.receipt_used_totals()
    bad = [r.number for r in db.session.scalars(select(Receipt))
           if not (Decimal(0) <= used.get(r.id, Decimal(0)) <= r.amount and balances.unallocated(r) >= 0)]
    assert not bad, bad
    for customer in db.session.scalars(select(Customer)):
        documents = balances.customer_receivables_total(customer.id) - balances.customer_advances_total(customer.id)
        ledger = db.session.scalar(select(func.sum(LedgerEntry.debit) - func.sum(LedgerEntry.credit)).where(
            LedgerEntry.customer_id == customer.id,
            LedgerEntry.account.in_([journal.RECEIVABLES, journal.ADVANCES]))) or Decimal(0)
        assert documents == ledger, (customer.code, documents, ledger)
    return True


def shipped_order(act, customer: str, day: str, lines: list[dict], shipped: list[dict] | None = None) -> str:
    """A sales order of ``customer`` made, its shipping note (``shipped``
    lines; None: everything) made and posted, all on ``day`` through the
    ledger actions ``act(operation, **params)``; returns the order number."""
    order = act("ledger.create_sales_order", customer=customer, date=day, lines=lines)
    note = act("ledger.create_shipping_note", order=order["order_no"], date=day,
               **({"lines": shipped} if shipped is not None else {}))
    act("ledger.post_outbound", shipping_note=note["shipping_note_no"], date=day)
    return order["order_no"]
