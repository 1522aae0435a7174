"""Documents the report tests read, posted through the ledger actions the
diagrams call (as calls from outside any flow, or from a named request):
sales, returns with their reasons, employee advances and their claims."""
from sqlalchemy import select

from app.actions import run_action
from app.extensions import db
from app.models import Customer, User
from tests.support.ledger_harness import new_call

OUTSIDE_FLOWS = 0


def act(operation: str, *, instance_id: int = OUTSIDE_FLOWS, **params) -> dict:
    return run_action(new_call(operation, instance_id=instance_id), params)


def customer_of(username: str, channel: str = "dealer") -> Customer:
    """A demo customer ``username`` serves (a dealer: it buys on credit)."""
    rep = db.session.scalar(select(User).where(User.username == username))
    return db.session.scalars(select(Customer).where(Customer.salesperson_id == rep.id, Customer.channel == channel)
                              .order_by(Customer.code)).first()


def sold(customer: Customer, lines: list[tuple[str, int]], day: str, *, invoice: bool = True) -> str:
    """An order of ``lines`` [(material, qty)] shipped on ``day`` (and invoiced); its number."""
    order = act("ledger.create_sales_order", customer=customer.code, date=day,
                lines=[{"material": m, "qty": q} for m, q in lines])
    assert order["status"] == "approved", order
    note = act("ledger.create_shipping_note", order=order["order_no"], date=day)
    act("ledger.post_outbound", shipping_note=note["shipping_note_no"], date=day)
    if invoice:
        act("ledger.issue_invoice", order=order["order_no"], date=day)
    return order["order_no"]


def returned(order_no: str, qty: int, day: str, reason: str, line_no: int = 1) -> dict:
    """A return posted by the ledger (``ledger.post_return``); its figures."""
    return act("ledger.post_return", order=order_no, lines=[{"line_no": line_no, "qty": qty}], date=day, reason=reason)


def returned_through_f03(order_no: str, qty: int, day: str, reason: str, *, defective: bool) -> dict:
    """A return as F03 posts it: inspected, authorised with the customer's
    agreement to the price, then received by the warehouse; the receipt's figures."""
    findings = ({"inspection_result": "defective", "defect_cause": "叶轮裂纹", "responsibility": "production",
                 "disposition": "quarantine"} if defective else
                {"inspection_result": "qualified", "defect_cause": "客户订错型号", "responsibility": "customer",
                 "disposition": "restock"})
    act("ledger.record_inspection", order=order_no, date=day, **findings)
    document = act("ledger.register_return", order=order_no, kind="return", lines=[{"line_no": 1, "qty": qty}],
                   date=day, reason=reason, price_agreed_via="phone", price_agreed_on=day)
    return act("ledger.receive_return", sales_return=document["return_no"], received_lines=[{"line_no": 1, "qty": qty}],
               date=day)
