"""Printable documents: the shipping note (出货单) the billing clerk prints
for the warehouse, the driver and the customer. Reads only."""
from sqlalchemy import select

from app import clock
from app.errors import NotFound
from app.extensions import db
from app.ledger.money import qty_str
from app.ledger.ownership import made_by_instance
from app.models import ShippingNote, User
from app.services.queries import visible_instance
from app.services import shown_words


def printable_shipping_note(instance_id: int, number: str, user: User, locale: str | None = None) -> dict:
    """The shipping note ``number`` made by request ``instance_id``, as it is
    printed: header (customer, order, contract, delivery terms, transport
    mode, route, address, QC certificate) and lines (material, name, spec,
    unit, quantity), its codes in ``locale``. Raises NotFound (no such note in this request),
    Forbidden (``user`` may not see the request)."""
    instance = visible_instance(instance_id, user)
    note = db.session.scalar(select(ShippingNote).where(ShippingNote.number == number))
    if note is None or not made_by_instance(note.source_key, instance.id):
        raise NotFound(f"Request {instance_id} has no shipping note {number!r}.", code="unknown_shipping_note")
    order = note.order
    return {
        "number": note.number, "status": note.status, "ship_date": note.ship_date,
        "customer": f"{note.customer.name} ({note.customer.code})",
        "order_no": order.number, "contract_no": order.contract_number,
        "transport_mode": shown_words.value_label("transport_mode", note.transport_mode or "", locale) or note.transport_mode,
        "route": shown_words.value_label("route", note.route or "", locale) or note.route,
        "delivery_address": note.delivery_address, "qc_certificate_no": note.qc_certificate_no,
        "qc_certificate_name": note.qc_certificate_name, "qc_certificate_sha256": note.qc_certificate_sha256,
        "delivery_place": order.delivery_place, "delivery_date": order.delivery_date,
        "acceptance_terms": order.acceptance_terms, "settlement_terms": order.settlement_terms,
        "lines": [{"line_no": line.line_no, "material": line.material.code, "name": line.material.name,
                   "spec": line.material.spec, "unit": line.material.unit, "qty": qty_str(line.qty, line.material.qty_scale)}
                  for line in note.lines],
        "printed_at": clock.now(), "instance_id": instance.id,
    }
