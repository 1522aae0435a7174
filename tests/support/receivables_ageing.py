"""A small book of receivables for the ageing report's tests, posted through
the ledger actions over the demo organisation and master data: rep_east1's
dealer with an invoice in every bucket on 2026-12-01 (one partly paid on
2026-11-20, one partly returned with a red invoice on 2026-11-25) and an
unallocated receipt, rep_east2's customer with one invoice 1–30 days
overdue, and rep_south1's customer with one more than 90 days overdue.

``run(operation, **params)`` is how the caller posts an action (the
service tests' ``run_action`` with a fresh call, the live server's
``world.act``)."""
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from app.extensions import db
from app.models import Customer, User

AS_OF = date(2026, 12, 1)
BEFORE_PAYMENT = date(2026, 11, 10)
# due dates that fall in each bucket on AS_OF; the one not yet due is invoiced on LATE_INVOICE_DAY, after BEFORE_PAYMENT
LATE_INVOICE_DAY = date(2026, 11, 25)
DUE = {"d1_30": date(2026, 11, 15), "d31_60": date(2026, 10, 15),
       "d61_90": date(2026, 9, 15), "over_90": date(2026, 6, 30)}
PAID = Decimal("1000.00")
ADVANCE = Decimal("500.00")


@dataclass
class Book:
    east1: Customer
    east2: Customer
    south: Customer
    invoices: dict = field(default_factory=dict)  # name -> {"invoice_no", "gross", "due_date", "customer"}
    red_gross: Decimal = Decimal(0)
    red_invoice_no: str = ""


def customer_of(username: str) -> Customer:
    """The first dealer or direct customer credited to ``username``."""
    return db.session.scalar(select(Customer).join(User, User.id == Customer.salesperson_id).where(
        User.username == username, Customer.channel != "mail_order").order_by(Customer.code))


def sell(run, customer: Customer, due: date, qty: int = 2) -> dict:
    """Order, ship and invoice ``qty`` MTR001 for ``customer`` on the day that makes the invoice due on ``due``."""
    day = (due - timedelta(days=customer.payment_days)).isoformat()
    order = run("ledger.create_sales_order", customer=customer.code, date=day, lines=[{"material": "MTR001", "qty": qty}])
    assert order["status"] == "approved", order
    note = run("ledger.create_shipping_note", order=order["order_no"], date=day)
    run("ledger.post_outbound", shipping_note=note["shipping_note_no"], date=day)
    invoice = run("ledger.issue_invoice", order=order["order_no"], date=day)
    assert invoice["due_date"] == due.isoformat(), invoice
    return {"invoice_no": invoice["invoice_no"], "gross": Decimal(invoice["gross"]), "due_date": due,
            "customer": customer.code, "order_no": order["order_no"]}


def build_book(run) -> Book:
    book = Book(customer_of("rep_east1"), customer_of("rep_east2"), customer_of("rep_south1"))
    book.invoices["current"] = sell(run, book.east1, LATE_INVOICE_DAY + timedelta(days=book.east1.payment_days))
    for name, due in DUE.items():
        book.invoices[name] = sell(run, book.east1, due)
    book.invoices["east2"] = sell(run, book.east2, DUE["d1_30"], qty=1)
    book.invoices["south"] = sell(run, book.south, DUE["over_90"], qty=1)
    oldest = book.invoices["over_90"]
    receipt = run("ledger.record_receipt", customer=book.east1.code, amount=str(PAID), date="2026-11-20",
                  invoice_reference=oldest["invoice_no"])
    run("ledger.allocate_receipt", receipt=receipt["receipt_no"], date="2026-11-20")
    returned = run("ledger.post_return", order=book.invoices["d31_60"]["order_no"], lines=[{"line_no": 1, "qty": 1}],
                   date="2026-11-25")
    book.red_invoice_no = returned["red_invoices"][0]["invoice_no"]
    book.red_gross = Decimal(returned["red_invoices"][0]["gross"])
    run("ledger.record_receipt", customer=book.east1.code, amount=str(ADVANCE), date="2026-11-28")
    return book


def posted_book() -> Book:
    """The book over the demo master data (the caller asks for the
    ``master_data`` fixture), posted from outside any flow."""
    from app.actions import run_action
    from tests.support.ledger_harness import new_call

    return build_book(lambda operation, **params: run_action(new_call(operation), params))


def bucket(as_of: date, due: date) -> str:
    """The bucket, counted afresh from the dates (not the report's code)."""
    days = (as_of - due).days
    if days <= 0:
        return "current"
    if days <= 30:
        return "d1_30"
    if days <= 60:
        return "d31_60"
    return "d61_90" if days <= 90 else "over_90"


def expected_open(book: Book, as_of: date) -> dict:
    """Invoice number -> open amount on ``as_of``, from the documents the book posted."""
    opened = {}
    for name, invoice in book.invoices.items():
        amount = invoice["gross"]
        if name == "over_90" and as_of >= date(2026, 11, 20):
            amount -= PAID
        if name == "d31_60" and as_of >= date(2026, 11, 25):
            amount += book.red_gross  # the red invoice (negative) offsets its original
        if _invoiced_on(book, invoice) <= as_of:
            opened[invoice["invoice_no"]] = amount
    return opened


def _invoiced_on(book: Book, invoice: dict) -> date:
    customer = {book.east1.code: book.east1, book.east2.code: book.east2, book.south.code: book.south}[invoice["customer"]]
    return invoice["due_date"] - timedelta(days=customer.payment_days)
