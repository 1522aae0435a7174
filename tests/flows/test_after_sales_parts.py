"""F20 after-sales with the real diagram: the parts a resolution uses leave
stock (``service_issue`` movements, oldest batch first, at standard cost)
and are posted — Dr after-sales expense for warranty work, Dr cost of sales
for billable work, Cr inventory — once per step; a part nobody knows, or
more than is in stock, goes back to the resolver with nothing moved; and
the invariant that ties parts to stock and journal catches a planted breach."""
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from app.actions import ActionCall, run_action
from app.extensions import db
from app.ledger import checks
from app.ledger.service_parts import AFTER_SALES_EXPENSE
from app.ledger.shipping import on_hand
from app.models import LedgerEntry, Material, ServiceResolution, StockMovement
from tests.support.after_sales import SEAL, request, resolve, triage
from tests.support.after_sales import shipped_to  # noqa: F401  (fixture)
from tests.support.ledger_harness import all_invariants_hold


def _seal():
    return db.session.scalar(select(Material).where(Material.code == SEAL))


def _issued():
    return list(db.session.scalars(select(StockMovement).where(StockMovement.kind == "service_issue")))


def _posted(account):
    return db.session.scalar(select(func.sum(LedgerEntry.debit) - func.sum(LedgerEntry.credit)).where(
        LedgerEntry.source_type == "service_resolution", LedgerEntry.account == account)) or Decimal(0)


def _resolved_case(sales, shipped_to, outcome="warranty", **extra):
    customer, note, _batch = shipped_to()
    instance = sales.start("after_sales", request(customer, note=note), "service_desk")
    triage(sales, instance)
    before = on_hand(_seal().id)
    resolve(sales, instance, outcome, **extra)
    return instance, before


def test_warranty_parts_leave_stock_and_are_an_after_sales_expense(sales, shipped_to):
    instance, before = _resolved_case(sales, shipped_to, parts=[{"material": SEAL, "qty": 2}])
    seal = _seal()
    assert on_hand(seal.id) == before - 2
    [movement] = _issued()
    assert (movement.qty, movement.unit_cost, movement.shipping_line_id) == (Decimal(-2), seal.standard_cost, None)
    cost = (seal.standard_cost * 2).quantize(Decimal("0.01"))
    assert Decimal(instance.data["resolution"]["warranty_expense"]) == cost
    assert _posted(AFTER_SALES_EXPENSE) == cost and _posted("1405") == -cost and _posted("6401") == 0
    assert all_invariants_hold()


def test_billable_parts_leave_stock_as_cost_of_sales(sales, shipped_to):
    instance, before = _resolved_case(sales, shipped_to, "billable", billable_amount=680,
                                      parts=[{"material": SEAL, "qty": 1}])
    cost = _seal().standard_cost.quantize(Decimal("0.01"))
    assert on_hand(_seal().id) == before - 1 and instance.data["resolution"]["warranty_expense"] == "0.00"
    assert _posted("6401") == cost and _posted("1405") == -cost and _posted(AFTER_SALES_EXPENSE) == 0
    assert all_invariants_hold()


def test_a_part_of_an_unknown_material_goes_back_to_the_resolver_moving_nothing(sales, shipped_to):
    instance, before = _resolved_case(sales, shipped_to, parts=[{"material": SEAL, "qty": 1},
                                                                {"material": "NOPE404", "qty": 1}])
    assert instance.data["resolution"]["error"]["code"] == "unknown_material"
    assert sales.ready_elements(instance) == ["Task_TechSupport"]
    assert _issued() == [] and on_hand(_seal().id) == before
    assert db.session.scalar(select(func.count()).select_from(ServiceResolution)) == 0
    resolve(sales, instance, "warranty", parts=[{"material": SEAL, "qty": 1}])
    assert len(_issued()) == 1 and all_invariants_hold()


def test_more_parts_than_in_stock_go_back_to_the_resolver(sales, shipped_to):
    instance, before = _resolved_case(sales, shipped_to, parts=[{"material": SEAL, "qty": 9999}])
    assert instance.data["resolution"]["error"]["code"] == "insufficient_stock"
    assert _issued() == [] and on_hand(_seal().id) == before and _posted("1405") == 0


def test_resolving_twice_in_one_step_issues_and_posts_once(sales, shipped_to):
    customer, note, _batch = shipped_to()
    instance = sales.start("after_sales", request(customer, note=note), "service_desk")
    triage(sales, instance)
    call = ActionCall(instance.id, "task-resolve", "Task_RecordResolution", "ledger.resolve_service_case", None)
    params = {"case": instance.data["case"]["case_no"], "diagnosis": "机械密封磨损", "action_taken": "更换",
              "outcome": "warranty", "parts": [{"material": SEAL, "qty": 1}], "billable_amount": None}
    first = run_action(call, params)
    again = run_action(call, {**params, "parts": [{"material": SEAL, "qty": 5}]})  # a replayed step: its first answer
    assert again == first and len(_issued()) == 1
    assert db.session.scalar(select(func.count()).select_from(ServiceResolution)) == 1
    assert _posted("1405") == -_seal().standard_cost.quantize(Decimal("0.01"))
    assert all_invariants_hold()


def test_the_invariant_catches_parts_moved_without_their_posting(sales, shipped_to):
    _resolved_case(sales, shipped_to, parts=[{"material": SEAL, "qty": 1}])
    assert checks.service_parts_match_stock()["ok"]
    [movement] = _issued()
    db.session.add(StockMovement(kind="service_issue", material_id=movement.material_id, qty=Decimal(-1),
                                 unit_cost=movement.unit_cost, batch_no=movement.batch_no,
                                 movement_date=date(2026, 12, 1), source_key=movement.source_key, seq=9))
    db.session.flush()  # a second seal out of stock that no resolution costed and no entry credits
    found = checks.service_parts_match_stock()
    cost = (-movement.qty * movement.unit_cost).quantize(Decimal("0.01"))
    [violation] = found["violations"]
    assert (violation["parts_cost"], violation["moved"], violation["credited"]) == (str(cost), str(2 * cost), str(cost))


def test_the_invariant_catches_a_movement_no_resolution_made(sales, shipped_to):
    seal = _seal()
    db.session.add(StockMovement(kind="service_issue", material_id=seal.id, qty=Decimal(-1), unit_cost=seal.standard_cost,
                                 batch_no="B-ROGUE", movement_date=date(2026, 12, 1), source_key="rogue", seq=1))
    db.session.flush()
    assert checks.service_parts_match_stock()["violations"] == [{"movements": "rogue", "resolution": None}]
