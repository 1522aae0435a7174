"""How fast re-execution proves instances: 10,000 instances of the real
flows re-executed from their audit logs with --jobs 1 and 2.

The histories are made through the services on the real diagrams, in a
scratch SQLite file (kept in --cache, default /tmp/lanes-replay-bench.db,
and reused by the next run): F01 contract_shipment the whole way, rejected
and revised, rejected and withdrawn, and onto the general manager; travel
requests of every traveller (approved, rejected by the GM and resubmitted);
shipment approvals with their signed fax and delivery; dealer onboarding;
promotion expenses. That makes 70 distinct instances (4 contracts, 49
travel requests, 5 shipments, 5 onboardings, 7 expenses; 722 events); they
are then copied (instance row and audit events under a new id) up to
--count, so the mix is real and every copy costs what its original does.

    .venv/bin/python bench/replay_rate.py [--count 10000] [--cache FILE] [--rebuild] [--jobs 1 2]

Prints instances/s against wall time and against CPU time (all processes).
Measured on the shared 2-core machine (2026-12-05, load about 2 from other
work): --jobs 1 324-358/s wall (338-360 per CPU-second), --jobs 2 346-372/s
wall; under load 12, 32/s and 77/s wall, 283-292 per CPU-second.
"""
import argparse
import os
import resource
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

FROZEN_AT = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)  # the business dates in the forms below fit it


def _app(path: Path):
    from app import create_app

    os.environ.setdefault("LANES_INSTANCE_PATH", str(path.parent / "lanes-replay-bench-instance"))
    return create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "SECRET_KEY": "bench",
                       "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})


# -- building the histories -------------------------------------------------------------
def _contract(code, number, scan, **extra):
    return {"customer": code, "contract_no": f"HT-B-{number}", "contract_amount": 100000.0, "payment_days": 30,
            "price_terms": "执行公司标准价", "payment_terms": "货到30天付款", "valid_from": "2026-11-01",
            "valid_to": "2027-11-01", "lines": [{"material": "MTR001", "qty": 2}, {"material": "PRT001", "qty": 3}],
            "contract_file": scan, **extra}


def _scenarios(sales, customer_code, act):
    """Each scenario drives instances through one branch; a scenario that
    the ledger refuses part-way still leaves a true history."""
    from app.services.attachments import save_bytes
    from tests.flows import test_every_starter as starters
    from tests.support import contract_shipment as f01

    dealer = customer_code(f01.DEALER)
    scan = save_bytes("contract.pdf", "application/pdf", b"%PDF-1.4 signed contract")
    numbers = iter(range(1, 10_000))

    def contract_shipped():
        instance = sales.start("contract_shipment", _contract(dealer, next(numbers), scan), f01.REP)
        f01.approve_contract(sales, instance)
        f01.make_order(sales, instance)
        sales.approve(instance, "Task_OrderReview", "sales_admin")
        f01.ship_after_order_review(sales, instance)

    def contract_revised():
        number = next(numbers)
        instance = sales.start("contract_shipment", _contract(dealer, number, scan), f01.REP)
        sales.reject(instance, "Task_ContractReview", "sales_admin", "账期与客户档案不符")
        sales.complete(instance, "Task_ReviseContract", f01.REP,
                       {**_contract(dealer, number, scan, payment_days=45), "action": "resubmit"})
        f01.approve_contract(sales, instance)

    def contract_withdrawn():
        number = next(numbers)
        instance = sales.start("contract_shipment", _contract(dealer, number, scan, contract_amount=800000.0), f01.REP)
        sales.approve(instance, "Task_ContractReview", "sales_admin")
        sales.approve(instance, "Task_DirectorApproval", "director")
        sales.reject(instance, "Task_GMApproval", "gm", "金额过大，分批签订")
        sales.complete(instance, "Task_ReviseContract", f01.REP, {**_contract(dealer, number, scan), "action": "withdraw"})

    def travel_everyone():
        starters.test_every_traveller_gets_an_answer(sales)

    def travel_resubmitted():
        trip = dict(starters.TRIP)
        instance = sales.start("travel_request", trip, "service_mgr")
        sales.reject(instance, "Task_GMApproval", "gm", "请合并行程")
        sales.complete(instance, "Task_ReviseRequest", "service_mgr", {**trip, "reason": "合并两地行程", "action": "resubmit"})
        sales.approve(instance, "Task_GMApproval", "gm")

    return [contract_shipped, contract_shipped, contract_revised, contract_withdrawn, travel_everyone,
            travel_resubmitted, travel_resubmitted,
            lambda: starters.test_every_representative_gets_a_shipment_approved_and_delivered(sales, customer_code),
            lambda: starters.test_every_representative_onboards_a_dealer(sales),
            lambda: starters.test_every_applicant_gets_a_promotion_expense_through(sales, act, customer_code)]


def build(path: Path, count: int) -> None:
    import flask_migrate
    from sqlalchemy import select

    from app import clock
    from app.actions import run_action
    from app.demo.master_data import load_demo_master_data
    from app.demo.organisation import load_demo_organisation
    from app.extensions import db
    from app.models import Customer
    from app.services import accounts, deployment
    from tests.support.flow_driver import FlowDriver
    from tests.support.ledger_harness import new_call

    path.unlink(missing_ok=True)
    app = _app(path)
    clock.set_clock(app, lambda: FROZEN_AT)
    started = time.perf_counter()
    with app.app_context():
        flask_migrate.upgrade()
        load_demo_organisation()
        load_demo_master_data()
        deployment.deploy(deployment.files_from_paths(list(deployment.DEFAULT_DIRS)))
        db.session.commit()
        sales = FlowDriver(accounts.find_user)

        def customer_code(name):
            return db.session.scalar(select(Customer.code).where(Customer.name == name))

        def act(operation, **params):
            result = run_action(new_call(operation, instance_id=0), params)
            db.session.commit()
            return result

        for scenario in _scenarios(sales, customer_code, act):
            try:
                scenario()
            except BaseException as exc:  # an assertion or pytest.fail of a borrowed walk: the history so far is true
                if isinstance(exc, KeyboardInterrupt):
                    raise
                db.session.rollback()
                print(f"  (a scenario stopped early: {type(exc).__name__}: {str(exc)[:120]})")
        originals = _copy_up_to(count)
    print(f"built {originals} distinct instances through the services, copied to {count} "
          f"in {time.perf_counter() - started:.0f} s -> {path}")


def _copy_up_to(count: int) -> int:
    """Copy the instances made through the services (row and events, under
    new ids) until there are ``count``; returns how many originals."""
    from sqlalchemy import func, insert, select

    from app.extensions import db
    from app.models import AuditEvent, ProcessInstance

    instance_table, event_table = ProcessInstance.__table__, AuditEvent.__table__
    originals = [dict(row._mapping) for row in db.session.execute(select(instance_table).order_by(instance_table.c.id))]
    events = {}
    for row in db.session.execute(select(event_table).where(event_table.c.instance_id.is_not(None))
                                  .order_by(event_table.c.instance_id, event_table.c.seq)):
        events.setdefault(row.instance_id, []).append(dict(row._mapping))
    next_id = db.session.scalar(select(func.max(instance_table.c.id))) + 1
    made = len(originals)
    while made < count:
        rows, event_rows = [], []
        for original in originals:
            if made >= count:
                break
            rows.append({**original, "id": next_id, "business_key": None})
            for event in events.get(original["id"], ()):
                event_rows.append({**{k: v for k, v in event.items() if k != "id"}, "instance_id": next_id,
                                   "chain": f"instance:{next_id}"})
            next_id += 1
            made += 1
        db.session.execute(insert(instance_table), rows)
        db.session.execute(insert(event_table), event_rows)
        db.session.commit()
    return len(originals)


# -- measuring -------------------------------------------------------------------------------
def _cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def measure(path: Path, jobs: int) -> dict:
    from app.services import replay, replay_pool

    app = _app(path)
    with app.app_context():
        ids = replay.instance_ids()
        wall, cpu = time.perf_counter(), _cpu()
        verdicts = replay_pool.reexecute_all(ids, jobs)
        wall, cpu = time.perf_counter() - wall, _cpu() - cpu
    statuses = {}
    for verdict in verdicts:
        statuses[verdict["status"]] = statuses.get(verdict["status"], 0) + 1
    bad = [verdict for verdict in verdicts if verdict["status"] != "VERIFIED"][:3]
    return {"jobs": jobs, "instances": len(ids), "wall": wall, "cpu": cpu, "statuses": statuses, "bad": bad}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--cache", type=Path, default=Path("/tmp/lanes-replay-bench.db"))
    parser.add_argument("--rebuild", action="store_true", help="build the histories again even if cached")
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    count_file = args.cache.with_suffix(".count")
    cached = args.cache.exists() and count_file.exists() and count_file.read_text() == str(args.count)
    if args.rebuild or not cached:
        build(args.cache, args.count)
        count_file.write_text(str(args.count))
    else:
        print(f"reusing {args.cache} ({args.count} instances); --rebuild to build it again")
    print(f"{'jobs':>4} {'instances':>9} {'wall s':>8} {'cpu s':>8} {'inst/s wall':>12} {'inst/s per cpu-s':>17}  verdicts")
    for jobs in args.jobs:
        result = measure(args.cache, jobs)
        print(f"{jobs:>4} {result['instances']:>9} {result['wall']:>8.2f} {result['cpu']:>8.2f} "
              f"{result['instances'] / result['wall']:>12.0f} {result['instances'] / result['cpu']:>17.0f}  "
              f"{result['statuses']}")
        for verdict in result["bad"]:
            print(f"     {verdict['status']} #{verdict['instance_id']} at {verdict['seq']}: {verdict['difference']}")


if __name__ == "__main__":
    main()
