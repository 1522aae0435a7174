"""Parts used on an after-sales resolution (F20) leave stock and are
posted: the quantity comes out of the material's saleable batches, oldest
first, at standard cost (as an outbound shipment does, kind
``service_issue``, no shipping line), and the cost goes to the account of
whoever bears it — the after-sales expense for warranty and no-charge work
or goods to come back, cost of sales for billable work, whose charge is
revenue on the service order.

The movements and the posting carry the resolution's source key, so a
retried or replayed step finds them and issues nothing again."""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from app import clock
from app.actions import BusinessRuleViolation
from app.extensions import db
from app.ledger import journal
from app.ledger.journal import Line, post
from app.ledger.money import exact_qty, round_money, to_decimal
from app.ledger.shipping import batch_stock
from app.ledger.stock_places import main_warehouse
from app.models import Material, StockMovement
from app.models.service_case import ServiceCase, ServiceResolution

# 销售费用—售后服务费: what warranty (and no-charge) work costs the company
AFTER_SALES_EXPENSE = "660105"
ISSUE_KIND = "service_issue"


@dataclass(frozen=True)
class PartLine:
    material: Material
    qty: Decimal


def read_parts(lines) -> list[PartLine]:
    """The resolution's part lines [{"material", "qty"}], checked. Raises
    BusinessRuleViolation ``unknown_material`` (a code no material has),
    ``invalid_qty`` (not above zero, or finer than the unit allows), both
    naming ``parts``."""
    parts = []
    for number, line in enumerate(lines or [], start=1):
        code = line.get("material") if isinstance(line, dict) else None
        part = db.session.query(Material).filter(Material.code == code).one_or_none() if isinstance(code, str) else None
        if part is None:
            raise BusinessRuleViolation("unknown_material", f"Part line {number}: no material {code}.", field="parts")
        qty = to_decimal(line.get("qty"), "parts")
        if qty <= 0:
            raise BusinessRuleViolation("invalid_qty", f"Part line {number}: the quantity must be above zero.",
                                        field="parts")
        parts.append(PartLine(part, exact_qty(qty, part.qty_scale, "parts")))
    return parts


def describe(parts: list[PartLine]) -> str:
    """The parts as resolved: "PRT001×2；PRG002×0.5"."""
    return "；".join(f"{p.material.code}×{p.qty.normalize()}" for p in parts)


def take_parts(parts: list[PartLine], *, source_key: str, on: date) -> list[StockMovement]:
    """Take each part out of stock, oldest saleable batch first, at standard
    cost: ``service_issue`` movements under ``source_key`` (flushes).
    Raises BusinessRuleViolation ``insufficient_stock`` (field ``parts``,
    naming the material and what is missing), ``period_closed``."""
    journal.ensure_open(on, "parts")
    movements, seq, warehouse_id = [], 0, main_warehouse().id  # the service department draws on the main warehouse
    for part in parts:
        needed = part.qty
        for batch, available in batch_stock(part.material.id, warehouse_id):
            take = min(available, needed)
            if take <= 0:
                break
            seq += 1
            movement = StockMovement(kind=ISSUE_KIND, material=part.material, qty=-take,
                                     unit_cost=part.material.standard_cost, batch_no=batch, movement_date=on,
                                     location="warehouse", warehouse_id=warehouse_id,
                                     source_key=source_key, seq=seq, created_at=clock.now())
            db.session.add(movement)
            db.session.flush()  # the next line of the same material sees this batch taken
            movements.append(movement)
            needed -= take
        if needed > 0:
            raise BusinessRuleViolation("insufficient_stock", f"Not enough {part.material.code} in stock.",
                                        {"material": part.material.code, "missing": str(needed)}, field="parts")
    return movements


def value_of(movements: list[StockMovement]) -> Decimal:
    """What the movements took out of stock, each to the cent as posted."""
    return sum((round_money(-m.qty * m.unit_cost) for m in movements), Decimal("0"))


def post_parts(resolution: ServiceResolution, movements: list[StockMovement]) -> None:
    """Post Dr after-sales expense (cost of sales for billable work) / Cr
    inventory for the parts' value, as source ``service_resolution``, on
    the resolution's day (flushes). Raises ``period_closed``."""
    case: ServiceCase = resolution.case
    customer = case.customer
    debit = journal.COST_OF_SALES if resolution.outcome == "billable" else AFTER_SALES_EXPENSE
    post("service_resolution", resolution.id, resolution.resolved_on, [
        line for m in movements for line in (
            Line(debit, "D", round_money(-m.qty * m.unit_cost), customer.id, customer.salesperson_id, customer.region,
                 m.material.class_id),
            Line(journal.INVENTORY, "C", round_money(-m.qty * m.unit_cost), None, None, None, m.material.class_id))
    ], memo=f"service parts {case.number}")
