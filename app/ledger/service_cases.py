"""After-sales service cases (F20): opened against what the ledger shipped
the customer, triaged, resolved and closed after the follow-up call.

The case is traced through F01's records: a shipping note must be the
named customer's, a batch must have gone out to that customer, and the
material follows from them. Warranty is computed here from the ship date
and the material's warranty months, never taken from a form."""
import calendar
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from app import clock
from app.actions import ActionCall, BusinessRuleViolation, action
from app.extensions import db
from app.ledger.journal import next_number, today
from app.ledger.money import money_str, round_money
from app.ledger.service_parts import describe, post_parts, read_parts, take_parts, value_of
from app.ledger.ownership import ensure_of_this_request
from app.models import Customer, Material, ShippingLine, ShippingNote, StockMovement, User
from app.models.service_case import CASE_KINDS, OUTCOMES, SEVERITIES, ServiceCase, ServiceResolution

ROUTES = ("tech_support", "quality")


def _refuse(code: str, message: str, field: str | None = None):
    raise BusinessRuleViolation(code, message, field=field)


def _one_of(value, allowed, field: str) -> str:
    if value not in allowed:
        _refuse("invalid_choice", f"{field} must be one of {', '.join(allowed)}.", field)
    return value


def _text(value, field: str, limit: int = 2000) -> str:
    text = (value or "").strip() if isinstance(value, str) else ""
    if not text or len(text) > limit:
        _refuse("invalid_text", f"{field} needs text of up to {limit} characters.", field)
    return text


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months (the 31st becomes the month's last day)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _channel(actor_id: int | None) -> str:
    user = db.session.get(User, actor_id) if actor_id else None
    if user is not None and user.has_role("integration"):
        return "portal"
    return "desk" if user is not None and user.has_role("service_desk") else "rep"


def _posted_note(number: str, customer: Customer) -> ShippingNote:
    note = db.session.scalar(select(ShippingNote).where(ShippingNote.number == number))
    if note is None or note.status != "posted":
        _refuse("unknown_shipping_note", f"No shipped note {number}.", "shipping_note")
    if note.customer_id != customer.id:
        _refuse("not_customers_shipment", f"Shipping note {number} was not shipped to {customer.code}.", "shipping_note")
    return note


def _shipped_lines(customer: Customer, note: ShippingNote | None, batch: str | None, material: Material | None):
    """(ship date, material, batch, note) of every outbound movement to the
    customer that matches what the request names."""
    stmt = (select(ShippingNote.ship_date, StockMovement.material_id, StockMovement.batch_no, ShippingNote.id)
            .join(ShippingLine, ShippingLine.id == StockMovement.shipping_line_id)
            .join(ShippingNote, ShippingNote.id == ShippingLine.note_id)
            .where(ShippingNote.customer_id == customer.id, StockMovement.kind == "outbound"))
    if note is not None:
        stmt = stmt.where(ShippingNote.id == note.id)
    if batch:
        stmt = stmt.where(StockMovement.batch_no == batch)
    if material is not None:
        stmt = stmt.where(StockMovement.material_id == material.id)
    return db.session.execute(stmt.order_by(ShippingNote.ship_date.desc())).all()


def _trace(customer: Customer, material_code, batch, note_no):
    """The material, batch, note and ship date the request is about, from the ledger."""
    note = _posted_note(note_no, customer) if note_no else None
    material = None
    if material_code:
        material = db.session.scalar(select(Material).where(Material.code == material_code))
        if material is None:
            _refuse("unknown_material", f"No material {material_code}.", "material")
    if not (note or batch or material):
        _refuse("nothing_named", "Name a shipping note, a batch or a material.", "shipping_note")
    rows = _shipped_lines(customer, note, batch or None, material)
    if not rows:
        field = "batch" if batch else "material" if material else "shipping_note"
        _refuse("not_shipped_to_customer", f"Nothing of that was shipped to {customer.code}.", field)
    ship_date, material_id, found_batch, note_id = rows[0]
    materials = {row[1] for row in rows}
    material = material or (db.session.get(Material, material_id) if len(materials) == 1 else None)
    note = note or db.session.get(ShippingNote, note_id)
    return material, batch or (found_batch if len({row[2] for row in rows}) == 1 else None), note, ship_date


def shipments_of(customer: Customer, limit: int = 10) -> list[dict]:
    """The customer's latest shipped lines with their batches, newest first."""
    rows = db.session.execute(
        select(ShippingNote.number, ShippingNote.ship_date, Material.code, Material.name, StockMovement.batch_no,
               StockMovement.qty)
        .join(ShippingLine, ShippingLine.note_id == ShippingNote.id)
        .join(StockMovement, StockMovement.shipping_line_id == ShippingLine.id)
        .join(Material, Material.id == StockMovement.material_id)
        .where(ShippingNote.customer_id == customer.id, StockMovement.kind == "outbound")
        .order_by(ShippingNote.ship_date.desc(), ShippingNote.number.desc()).limit(limit)).all()
    return [{"shipping_note": number, "ship_date": day.isoformat(), "material": code, "material_name": name,
             "batch": batch, "qty": str(-qty if qty < 0 else qty)} for number, day, code, name, batch, qty in rows]


def case_view(case: ServiceCase) -> dict:
    """What the flow's people see of a case: the request, its trace and
    warranty, its triage, and the customer's shipments and other open cases."""
    others = db.session.scalars(select(ServiceCase.number).where(
        ServiceCase.customer_id == case.customer_id, ServiceCase.status != "closed", ServiceCase.id != case.id)
        .order_by(ServiceCase.id)).all()
    return {
        "case_no": case.number, "kind": case.kind, "channel": case.channel, "customer": case.customer.code,
        "customer_name": case.customer.name, "material": case.material.code if case.material else None,
        "batch": case.batch_no, "shipping_note": case.shipping_note.number if case.shipping_note else None,
        "description": case.description, "ship_date": case.ship_date.isoformat() if case.ship_date else None,
        "warranty_until": case.warranty_until.isoformat() if case.warranty_until else None,
        "in_warranty": case.in_warranty, "status": case.status, "category": case.category,
        "severity": case.severity, "route": case.route,
        "reopen_count": case.reopen_count, "return_request": case.return_instance_id, "shipments": shipments_of(case.customer), "open_cases": list(others),
    }


def case_of_request(call: ActionCall, number: str) -> ServiceCase:
    case = db.session.scalar(select(ServiceCase).where(ServiceCase.number == number))
    if case is None:
        _refuse("unknown_case", f"No service case {number}.", "case")
    ensure_of_this_request(call, case, kind="service case")
    return case


@action("ledger.open_service_case")
def open_service_case(call: ActionCall, *, kind: str, customer: str, description: str, material: str | None = None,
                      batch: str | None = None, shipping_note: str | None = None) -> dict:
    """Open a case for ``customer`` about a shipping note, batch or material
    it was shipped; warranty runs from the ship date for the material's
    warranty months. The channel is the opener's (portal, service desk or
    rep). Result: the case view. Raises ``invalid_choice``, ``invalid_text``,
    ``unknown_customer``, ``unknown_shipping_note``, ``not_customers_shipment``,
    ``unknown_material``, ``nothing_named``, ``not_shipped_to_customer``."""
    existing = db.session.scalar(select(ServiceCase).where(ServiceCase.source_key == call.idempotency_key))
    if existing is not None:
        return case_view(existing)
    _one_of(kind, CASE_KINDS, "kind")
    text = _text(description, "description")
    buyer = db.session.scalar(select(Customer).where(Customer.code == customer))
    if buyer is None:
        _refuse("unknown_customer", f"No customer {customer}.", "customer")
    found_material, found_batch, note, ship_date = _trace(buyer, material, (batch or "").strip(), shipping_note)
    until = add_months(ship_date, found_material.warranty_months) if found_material and ship_date else None
    day = today()
    case = ServiceCase(number=next_number(ServiceCase, "SC", day), kind=kind, channel=_channel(call.actor_id),
                       customer=buyer, material=found_material, batch_no=found_batch, shipping_note=note,
                       description=text, ship_date=ship_date, warranty_until=until,
                       in_warranty=bool(until and day <= until), opened_at=clock.now(), opened_by_id=call.actor_id,
                       source_key=call.idempotency_key)
    db.session.add(case)
    db.session.flush()
    return case_view(case)


@action("ledger.triage_service_case")
def triage_service_case(call: ActionCall, *, case: str, category: str, severity: str, route: str) -> dict:
    """The service desk's triage: category, severity and who investigates
    (technical support or quality). Warranty stays as computed at opening.
    Result: the case view. Raises ``unknown_case``, ``not_this_request``, ``invalid_choice``, ``invalid_text``."""
    found = case_of_request(call, case)
    found.category = _text(category, "category", 64)
    found.severity = _one_of(severity, SEVERITIES, "severity")
    found.route = _one_of(route, ROUTES, "route")
    found.status, found.triaged_at = "triaged", clock.now()
    db.session.flush()
    return case_view(found)


@action("ledger.resolve_service_case")
def resolve_service_case(call: ActionCall, *, case: str, diagnosis: str, action_taken: str, outcome: str,
                         parts: list | None = None, billable_amount=None) -> dict:
    """Record a resolution: the parts used leave stock at standard cost
    (service_parts.issue_parts); warranty work (only for a case in
    warranty) is an after-sales expense of their cost, billable work's parts
    are cost of sales and it carries the amount to charge (the order clerk
    orders it, service_orders.py); a return sends the goods back through
    the returns flow. Posts one ServiceResolution, its ``service_issue``
    movements and their journal entries per step, once. Raises
    ``unknown_case``, ``not_this_request``, ``invalid_choice``,
    ``out_of_warranty``, ``invalid_amount``, ``unknown_material``,
    ``invalid_qty``, ``insufficient_stock``, ``period_closed``."""
    found = case_of_request(call, case)
    posted = db.session.scalar(select(ServiceResolution).where(ServiceResolution.source_key == call.idempotency_key))
    if posted is None:
        _one_of(outcome, OUTCOMES, "outcome")
        if outcome == "warranty" and not found.in_warranty:
            _refuse("out_of_warranty", f"{found.number} is out of warranty since {found.warranty_until}.", "outcome")
        used = read_parts(parts)
        amount = round_money(billable_amount, "billable_amount") if outcome == "billable" else Decimal("0")
        if amount < 0 or (outcome == "billable" and amount == 0):
            _refuse("invalid_amount", "Billable work needs the amount to charge, above zero.", "billable_amount")
        day = today()
        movements = take_parts(used, source_key=call.idempotency_key, on=day)
        cost = value_of(movements)
        posted = ServiceResolution(case=found, resolved_by_id=call.actor_id, diagnosis=_text(diagnosis, "diagnosis"),
                                   action_taken=_text(action_taken, "action_taken"), outcome=outcome,
                                   parts=describe(used), parts_cost=cost,
                                   warranty_expense=cost if outcome == "warranty" else Decimal("0"),
                                   billable_amount=amount, resolved_on=day, source_key=call.idempotency_key)
        db.session.add(posted)
        db.session.flush()
        post_parts(posted, movements)
        found.status, found.resolved_at = "resolved", clock.now()
        db.session.flush()
    return {**case_view(found), "outcome": posted.outcome, "parts": posted.parts, "parts_cost": money_str(posted.parts_cost),
            "warranty_expense": money_str(posted.warranty_expense), "billable_amount": money_str(posted.billable_amount)}


def case_for_return(call: ActionCall, number: str, customer: Customer) -> ServiceCase:
    """The after-sales case a return request (F03) is filed against, which
    then remembers the request (its instance). The case must have been
    named by a person of the request, be ``customer``'s, have goods to come
    back as its latest resolution, and have no other return request (the
    same request asking again is the same answer). Raises
    BusinessRuleViolation ``unknown_case``, ``not_this_request``,
    ``wrong_customer``, ``case_not_for_return``, ``case_has_return``, each
    naming ``service_case``."""
    found = db.session.scalar(select(ServiceCase).where(ServiceCase.number == number))
    if found is None:
        _refuse("unknown_case", f"No service case {number}.", "service_case")
    ensure_of_this_request(call, found, kind="service case", requested=True)
    if found.customer_id != customer.id:
        _refuse("wrong_customer", f"Service case {number} is not a case of {customer.code}.", "service_case")
    if not found.resolutions or found.resolutions[-1].outcome != "return":
        _refuse("case_not_for_return", f"Service case {number} has no goods to come back.", "service_case")
    if found.return_instance_id not in (None, call.instance_id):
        _refuse("case_has_return", f"Service case {number} already has a return request.", "service_case")
    found.return_instance_id = call.instance_id
    db.session.flush()
    return found


@action("ledger.close_service_case")
def close_service_case(call: ActionCall, *, case: str, satisfaction, reopen: bool = False) -> dict:
    """The follow-up call's answer: satisfaction 1-5; ``reopen`` sends the
    case back to triage (its count goes up), else it closes. Result: the
    case view. Raises ``unknown_case``, ``not_this_request``, ``invalid_satisfaction``."""
    found = case_of_request(call, case)
    if str(satisfaction) not in ("1", "2", "3", "4", "5") or isinstance(satisfaction, bool):
        _refuse("invalid_satisfaction", "Satisfaction is a whole number from 1 to 5.", "satisfaction")
    found.satisfaction = int(satisfaction)
    if reopen:
        found.status, found.reopen_count, found.closed_at = "untriaged", found.reopen_count + 1, None
    else:
        found.status, found.closed_at = "closed", clock.now()
    db.session.flush()
    return case_view(found)


def escalated(call: ActionCall, number: str) -> ServiceCase:
    """Count one escalation of the request's case (the notice is the caller's)."""
    found = case_of_request(call, number)
    found.escalation_count += 1
    db.session.flush()
    return found
