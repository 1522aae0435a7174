"""A population of instances for the export and sample tests, inserted in
bulk (instance rows and their summary rows) rather than run through the
engine: what is under test is the export, not the flows."""
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from app.extensions import db
from app.models import InstanceSummary, ProcessDefinition, ProcessInstance

STATUSES = ("running", "completed", "cancelled", "error")
KEYS = ("contract", "promotion_expense", "travel_request")
CUSTOMERS = (("C-EAST-01", "浙江泵阀总经销有限公司"), ("C-SOUTH-02", "广州华南机电有限公司"), (None, None))
START = datetime(2026, 10, 1, 1, 0, tzinfo=timezone.utc)


def _definition(key: str) -> ProcessDefinition:
    definition = ProcessDefinition(key=key, version=1, name=f"{key} (bulk)", content_hash="0" * 64,
                                   bpmn_file=f"{key}.bpmn", files={}, spec="", user_tasks=[], engine_version="test")
    db.session.add(definition)
    return definition


def amount_of(index: int) -> Decimal | None:
    """Amounts across every band; every seventh request has none."""
    return None if index % 7 == 0 else Decimal(index * 731 % 2_000_000) + Decimal("0.25")


def add_population(count: int, starter_id: int) -> list[int]:
    """``count`` instances (ids returned in order) with summary rows: status,
    process, customer and amount cycle so every stratum and band occurs."""
    definitions = [_definition(key) for key in KEYS]
    db.session.flush()
    instances = []
    for index in range(count):
        definition = definitions[index % len(KEYS)]
        instances.append({"definition_id": definition.id, "process_key": definition.key, "business_key": f"BK-{index:05d}",
                          "status": STATUSES[index % len(STATUSES)],
                          "state": "{}", "data": {}, "engine_version": "test", "version": 1, "started_by_id": starter_id,
                          "started_at": START + timedelta(minutes=index), "audit_seq": 0, "audit_head": ""})
    db.session.execute(ProcessInstance.__table__.insert(), instances)
    ids = list(db.session.scalars(db.select(ProcessInstance.id).where(ProcessInstance.business_key.like("BK-%"))
                                  .order_by(ProcessInstance.id)))[-count:]
    summaries = []
    for index, (instance_id, row) in enumerate(zip(ids, instances)):
        code, name = CUSTOMERS[index % len(CUSTOMERS)]
        summaries.append({"instance_id": instance_id, "definition_id": row["definition_id"], "process_key": row["process_key"],
                          "status": row["status"], "business_key": row["business_key"], "started_by_id": starter_id,
                          "started_at": row["started_at"], "ended_at": None, "customer_code": code, "customer_name": name,
                          "amount": amount_of(index), "exception": False, "admin_action": False, "error": False,
                          "revision": 0})
    db.session.execute(InstanceSummary.__table__.insert(), summaries)
    return ids
