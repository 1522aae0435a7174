"""Stock loans (借出, F17 borrow_to_sale, seed L101–L102): the rep's
outbound request, the loan out of the warehouse and the customer's
signature.

A loan is no sale: the goods leave the warehouse for location "lent"
(−q at "warehouse", +q at "lent", kind "loan_out", same batch and cost), and
their cost moves from inventory 1405 to goods lent out 1406 (发出商品), so
the balance sheet still carries them and no revenue is booked. What happens
to them later (converted into a sale, returned, lost) is in
``app.ledger.loan_outcomes``.

Credit: goods on loan count in the customer's exposure at the customer's
price on the request date, tax included (what the customer would owe if it
kept them), not at cost: the risk is the sale the loan may become.
"""
from datetime import date as date_type, datetime, time, timezone
from decimal import Decimal

from sqlalchemy import select

from app import clock
from app.extensions import db
from app.ledger import journal
from app.ledger.campaigns import SHANGHAI
from app.ledger.catalogue import material_by_code
from app.ledger.credit import credit_position
from app.ledger.customers import attribution, refreshed_customer
from app.ledger.dates import parse_date
from app.ledger.journal import Line, next_number, post
from app.ledger.money import ZERO, exact_qty, line_amounts, money_str, qty_str, round_money
from app.ledger.ownership import ensure_of_this_request
from app.ledger.posting import posted_once
from app.ledger.pricing import resolve_price
from app.ledger.loan_stock import link, take_from_lent
from app.ledger.shipping import batch_stock
from app.ledger.stock_places import main_warehouse
from app.models import StockLoan, StockLoanEvent, StockLoanLine, StockMovement
from app.models.stock_loan import LOAN_PURPOSES
from app.actions import ActionCall, BusinessRuleViolation, action

# 发出商品: goods that left the warehouse and are not sold yet (next to inventory 1405)
GOODS_LENT_OUT = "1406"
# 营业外支出 — the loss of goods on loan is the company's, as a transit loss is
LOAN_LOSS = "6711"
# the decision table borrow_to_sale_authority: above either, the general manager approves too
GM_VALUE_ABOVE = Decimal("50000.00")
GM_DAYS_ABOVE = 30
MAX_LOAN_DAYS = 180


def gm_required(value: Decimal, days: int) -> bool:
    """Whether a loan of ``value`` for ``days`` needs the general manager
    (the same rule as processes/borrow_to_sale_authority.dmn)."""
    return value > GM_VALUE_ABOVE or days > GM_DAYS_ABOVE


def loan_by_number(number: str, field: str = "loan") -> StockLoan:
    """Raises BusinessRuleViolation ``unknown_loan``."""
    found = db.session.scalar(select(StockLoan).where(StockLoan.number == number)) if isinstance(number, str) else None
    if found is None:
        raise BusinessRuleViolation("unknown_loan", f"No stock loan is numbered {number!r}.", field=field)
    return found


def line_of(loan: StockLoan, line_no, field: str = "lines") -> StockLoanLine:
    """Raises BusinessRuleViolation ``unknown_line``."""
    for line in loan.lines:
        if str(line.line_no) == str(line_no):
            return line
    raise BusinessRuleViolation("unknown_line", f"Loan {loan.number} has no line {line_no!r}.", field=field)


def loan_days(loan: StockLoan) -> int:
    return (loan.expected_date - loan.request_date).days


def due_at(loan: StockLoan) -> str:
    """09:00 Shanghai time on the loan's expected date, as an ISO instant (the diagram's timer)."""
    return datetime.combine(loan.expected_date, time(9), tzinfo=SHANGHAI).astimezone(timezone.utc).isoformat()


def loan_result(loan: StockLoan) -> dict:
    """The JSON the diagram gets for a loan."""
    return {"loan_no": loan.number, "customer": loan.customer.code, "purpose": loan.purpose, "status": loan.status,
            "expected_date": loan.expected_date.isoformat(), "due_at": due_at(loan), "loan_days": loan_days(loan), "value": money_str(loan.value),
            "loan_value": float(loan.value), "gm_required": gm_required(loan.value, loan_days(loan)),
            "goods_out": any(line.still_out > 0 for line in loan.lines), "extensions": loan.extensions,
            "lines": [{"line_no": line.line_no, "material": line.material.code,
                       "qty_lent": qty_str(line.qty_lent, line.material.qty_scale),
                       "qty_converted": qty_str(line.qty_converted, line.material.qty_scale),
                       "qty_returned": qty_str(line.qty_returned, line.material.qty_scale),
                       "qty_lost": qty_str(line.qty_lost, line.material.qty_scale),
                       "still_out": qty_str(line.still_out, line.material.qty_scale),
                       "unit_price": str(line.unit_price), "gross": money_str(line.gross)} for line in loan.lines]}


def request_loan(customer_code: str, lines: list, *, purpose: str, expected_date, on: date_type, source_key: str,
                 rep_id: int | None) -> StockLoan:
    """The rep's outbound request (出库申请单), saved "requested" (flushes,
    posts nothing). Each line is priced at the customer's price on ``on``.
    Raises BusinessRuleViolation ``unknown_customer``, ``invalid_purpose``,
    ``invalid_date``, ``invalid_loan_days`` (the expected date not after
    today or more than MAX_LOAN_DAYS away), ``empty_loan``,
    ``unknown_material``, ``invalid_quantity``, ``no_price``,
    ``insufficient_stock`` (not on hand now), ``credit_hold`` (the goods
    already on loan, open receivables and orders plus this loan exceed the
    customer's limit, or the customer is on hold)."""
    customer = refreshed_customer(customer_code)
    if purpose not in LOAN_PURPOSES:
        raise BusinessRuleViolation("invalid_purpose", f"Purpose must be one of {', '.join(LOAN_PURPOSES)}.", field="purpose")
    due = parse_date(expected_date, "expected_date") if expected_date else None
    if due is None or not 0 < (due - on).days <= MAX_LOAN_DAYS:
        raise BusinessRuleViolation("invalid_loan_days", f"The expected date must be 1-{MAX_LOAN_DAYS} days after {on}.",
                                    field="expected_date")
    if not lines:
        raise BusinessRuleViolation("empty_loan", "A loan needs at least one line.", field="lines")
    warehouse = main_warehouse()
    built = []
    for number, entry in enumerate(lines, start=1):
        entry = entry if isinstance(entry, dict) else {}
        material = material_by_code(entry.get("material"), "lines")
        qty = exact_qty(entry.get("qty"), material.qty_scale, "lines")
        if qty <= 0:
            raise BusinessRuleViolation("invalid_quantity", f"Line {number}: the quantity must be positive.", field="lines")
        if sum((q for _, q in batch_stock(material.id, warehouse.id)), ZERO) < qty:
            raise BusinessRuleViolation("insufficient_stock", f"Line {number}: not enough {material.code} on hand.",
                                        {"material": material.code}, field="lines")
        price = resolve_price(customer, material, on, qty)
        amounts = line_amounts(qty, price.unit_price, material.tax_rate, tax_inclusive=price.tax_inclusive)
        built.append(StockLoanLine(line_no=number, material=material, qty_lent=qty, qty_converted=ZERO, qty_returned=ZERO,
                                   qty_lost=ZERO, unit_price=price.unit_price, gross=amounts.gross))
    value = sum((line.gross for line in built), ZERO)
    position = credit_position(customer)
    if customer.on_hold or position["exposure"] + value > customer.credit_limit:
        raise BusinessRuleViolation("credit_hold", f"Customer {customer.code}: exposure {money_str(position['exposure'])} "
                                    f"(goods on loan included) + this loan {money_str(value)} exceeds the limit "
                                    f"{money_str(customer.credit_limit)}.",
                                    {"exposure": money_str(position["exposure"]), "credit_limit": money_str(customer.credit_limit)})
    _, region = attribution(customer, on)
    loan = StockLoan(number=next_number(StockLoan, "LN", on), customer=customer, salesperson_id=rep_id, region=region,
                     purpose=purpose, request_date=on, first_expected_date=due, expected_date=due, extensions=0,
                     warehouse_id=warehouse.id, status="requested", value=value, source_key=source_key,
                     created_at=clock.now(), lines=built)
    db.session.add(loan)
    db.session.flush()
    return loan


@action("ledger.request_stock_loan")
def request_stock_loan(call: ActionCall, *, customer: str, purpose: str, expected_date: str, lines: list,
                       date: str | None = None) -> dict:
    """F17 出库申请: the requester's loan of ``lines`` [{"material", "qty"}]
    to ``customer`` for ``purpose`` (trial | demo | loan) until
    ``expected_date``. Result as ``loan_result``. Idempotent per call.
    Raises those of ``request_loan``."""
    return loan_result(posted_once(StockLoan, call.idempotency_key, lambda: request_loan(
        customer, lines, purpose=purpose, expected_date=expected_date, on=parse_date(date),
        source_key=call.idempotency_key, rep_id=call.actor_id)))


@action("ledger.stock_loan_state")
def stock_loan_state(call: ActionCall, *, loan: str) -> dict:
    """F17: the loan as it stands (what is still out, the expected date and
    its timer instant). Posts nothing. Raises ``unknown_loan``, ``not_this_request``."""
    found = loan_by_number(loan)
    ensure_of_this_request(call, found, kind="stock loan")
    return loan_result(found)


def _approvals(call: ActionCall, loan: StockLoan) -> None:
    """The approvals of record (never a form's word): the rep's manager and
    the sales director, the general manager too when the table says so;
    nobody approves their own loan. Raises ``not_approved``, ``own_approval``."""
    needed = [("manager", ["Task_ManagerApproval"]), ("director", ["Task_DirectorApproval"])]
    if gm_required(loan.value, loan_days(loan)):
        needed.append(("general manager", ["Task_GMApproval"]))
    for who, steps in needed:
        approver = call.approver_of_record(steps)
        if approver is None:
            raise BusinessRuleViolation("not_approved", f"Loan {loan.number} has no approval of the {who}.")
        if approver == loan.salesperson_id:
            raise BusinessRuleViolation("own_approval", f"The {who}'s approval of loan {loan.number} is the requester's own.")


def lend(loan: StockLoan, *, on: date_type, source_key: str, actor_id: int | None) -> list[StockMovement]:
    """库存借出单: take each line out of the loan's warehouse, oldest batch
    first, to location "lent" at standard cost; Dr goods lent out 1406 / Cr
    inventory 1405 (flushes). Raises BusinessRuleViolation ``not_requested``
    (already lent or withdrawn), ``insufficient_stock``, ``period_closed``."""
    if loan.status != "requested":
        raise BusinessRuleViolation("not_requested", f"Loan {loan.number} is {loan.status}, not awaiting its loan out.")
    journal.ensure_open(on)
    movements, seq, postings = [], 0, []
    for line in loan.lines:
        needed = line.qty_lent
        for batch, available in batch_stock(line.material_id, loan.warehouse_id):
            take = min(available, needed)
            if take <= 0:
                break
            cost = line.material.standard_cost
            for qty, location in ((-take, "warehouse"), (take, "lent")):
                seq += 1
                movement = StockMovement(kind="loan_out", material_id=line.material_id, qty=qty, unit_cost=cost,
                                         batch_no=batch, movement_date=on, location=location,
                                         warehouse_id=loan.warehouse_id, source_key=source_key, seq=seq,
                                         created_at=clock.now())
                db.session.add(movement)
                link(line, movement)
                movements.append(movement)
            amount = round_money(take * cost)
            postings += [Line(GOODS_LENT_OUT, "D", amount, loan.customer_id, loan.salesperson_id, loan.region,
                              line.material.class_id),
                         Line(journal.INVENTORY, "C", amount, None, None, None, line.material.class_id)]
            needed -= take
        if needed > 0:
            raise BusinessRuleViolation("insufficient_stock", f"Not enough {line.material.code} in stock.",
                                        {"material": line.material.code, "missing": str(needed)})
        db.session.add(StockLoanEvent(loan_line=line, kind="lent", qty=line.qty_lent, event_date=on, source_key=source_key,
                                      created_by_id=actor_id, created_at=clock.now()))
    loan.status, loan.lent_date = "lent", on
    db.session.flush()
    post("stock_loan", loan.id, on, postings, memo=f"loan out {loan.number}")
    return movements


@action("ledger.post_stock_loan")
def post_stock_loan(call: ActionCall, *, loan: str, date: str | None = None) -> dict:
    """F17 库存借出单: the warehouse posts the approved ``loan`` (see
    ``lend``); refused without the approvals of record. Result as
    ``loan_result``. Idempotent per call. Raises ``unknown_loan``,
    ``not_this_request``, ``not_approved``, ``own_approval`` and those of ``lend``."""
    found = loan_by_number(loan)
    ensure_of_this_request(call, found, kind="stock loan")
    if not db.session.scalar(select(StockMovement.id).where(StockMovement.source_key == call.idempotency_key).limit(1)):
        _approvals(call, found)
        lend(found, on=parse_date(date), source_key=call.idempotency_key, actor_id=call.actor_id)
    return loan_result(found)


def lose(line: StockLoanLine, qty: Decimal, *, reason: str | None, on: date_type, source_key: str,
         actor_id: int | None, seq: int) -> list:
    """Write ``qty`` of a loan line off as lost (flushes nothing itself):
    −q at "lent" from the line's batches, a "lost" event with its reason,
    and the posting lines Dr loan loss 6711 / Cr goods lent out 1406 at the
    batches' cost. Raises ``loss_reason_required``, ``over_loan``."""
    if not reason:
        raise BusinessRuleViolation("loss_reason_required", f"Line {line.line_no}: say why {qty} was lost.",
                                    {"line_no": line.line_no}, field="lines")
    if qty > line.still_out:
        raise BusinessRuleViolation("over_loan", f"Line {line.line_no}: {qty} is more than the {line.still_out} still out.",
                                    {"line_no": line.line_no}, field="lines")
    cost = take_from_lent(line, qty, kind="loan_loss", on=on, source_key=source_key, seq=seq)
    line.qty_lost = line.qty_lost + qty
    db.session.add(StockLoanEvent(loan_line=line, kind="lost", qty=qty, event_date=on, reason=reason[:255],
                                  source_key=source_key, created_by_id=actor_id, created_at=clock.now()))
    loan = line.loan
    return [Line(LOAN_LOSS, "D", cost, loan.customer_id, loan.salesperson_id, loan.region, line.material.class_id),
            Line(GOODS_LENT_OUT, "C", cost, loan.customer_id, loan.salesperson_id, loan.region, line.material.class_id)]


@action("ledger.sign_stock_loan")
def sign_stock_loan(call: ActionCall, *, loan: str, receiver_name: str, received: list, date: str | None = None) -> dict:
    """F17 签收: the customer signs for the lent goods (``received``
    [{"line_no", "received_qty", "loss_reason"}], every line once). What
    did not arrive is lost on the loan line (recorded there, with its
    reason, rather than on a signed receipt, which belongs to a shipping
    note: a loan has none): −q at "lent", Dr 6711 / Cr 1406. Result as
    ``loan_result``. Idempotent per call. Raises ``unknown_loan``,
    ``not_this_request``, ``not_lent``, ``receiver_required``,
    ``unknown_line``, ``incomplete_receipt``, ``invalid_received_qty``,
    ``loss_reason_required``, ``period_closed``."""
    found = loan_by_number(loan)
    ensure_of_this_request(call, found, kind="stock loan")
    if db.session.scalar(select(StockLoanEvent.id).where(StockLoanEvent.source_key == call.idempotency_key).limit(1)):
        return loan_result(found)  # signed by this very step already
    if found.status != "lent":
        raise BusinessRuleViolation("not_lent", f"Loan {found.number} is {found.status}, not on its way to the customer.")
    name = receiver_name.strip()[:64] if isinstance(receiver_name, str) else ""
    if not name:
        raise BusinessRuleViolation("receiver_required", "Who signed for the goods?", field="receiver_name")
    on = parse_date(date)
    signed: dict[int, tuple] = {}
    for entry in received or []:
        entry = entry if isinstance(entry, dict) else {}
        line = line_of(found, entry.get("line_no"), "received")
        if line.line_no in signed:
            raise BusinessRuleViolation("unknown_line", f"Line {line.line_no} is signed for twice.", field="received")
        qty = exact_qty(entry.get("received_qty"), line.material.qty_scale, "received")
        if not ZERO <= qty <= line.qty_lent:
            raise BusinessRuleViolation("invalid_received_qty", f"Line {line.line_no}: received {qty} is not between 0 and "
                                        f"the {line.qty_lent} lent.", {"line_no": line.line_no}, field="received")
        signed[line.line_no] = (line, qty, str(entry.get("loss_reason") or "").strip() or None)
    missing = sorted({line.line_no for line in found.lines} - set(signed))
    if missing:
        raise BusinessRuleViolation("incomplete_receipt", f"Lines {missing} of loan {found.number} are not signed for.",
                                    {"lines": missing}, field="received")
    postings, seq = [], 0
    for line, qty, reason in signed.values():
        db.session.add(StockLoanEvent(loan_line=line, kind="signed", qty=qty, event_date=on, reason=name,
                                      source_key=f"{call.idempotency_key}", created_by_id=call.actor_id,
                                      created_at=clock.now()))
        if qty < line.qty_lent:
            try:
                postings += lose(line, line.qty_lent - qty, reason=reason, on=on, source_key=call.idempotency_key,
                                 actor_id=call.actor_id, seq=seq)
            except BusinessRuleViolation as problem:
                problem.field = "received"
                raise
            seq += 10
    found.status, found.delivered_date, found.receiver_name = "delivered", on, name
    db.session.flush()
    if postings:
        post("stock_loan_loss", found.id, on, postings, memo=f"loan loss {found.number}")
    return loan_result(found)
