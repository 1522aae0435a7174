"""Time per migrated instance: N running travel requests (spread over four
steps: the manager's, the department head's, the traveller's revision, the
general manager's) are moved from v1 to a v2 that changes the department
head's step, one transaction per instance, as the worker does it. Those at
the changed step are refused (their dry run is part of planning, not timed
here); the others move.

    .venv/bin/python bench/migration_rate.py [--count 400] [--database sqlite|postgresql://...]

The database is built from scratch each run (SQLite: a temporary file; a
PostgreSQL URL: its public schema is DROPPED and recreated — give a scratch
database). Prints, per moved instance, wall time and this process's CPU
time (on PostgreSQL the server's CPU is not in it), and the planning
(dry run of every instance) per instance.

Measured on the shared 2-core machine (2026-12-06, load about 2.5 from
other work), 400 instances, 300 moved, 100 refused: SQLite 7.7 ms wall /
7.6 ms CPU per moved instance, planning 1.8 ms per instance; PostgreSQL
11.0 ms wall / 9.0 ms CPU per moved instance, planning 2.2 ms.
"""
import argparse
import os
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

FROZEN_AT = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
POSITIONS = ("manager", "head", "revise", "gm")


def _app(url: str):
    import flask_migrate

    from app import clock, create_app
    from app.config import normalise_database_url
    from tests.support.database import reset_postgresql

    url = normalise_database_url(url)
    if url.startswith("postgresql"):
        reset_postgresql(url)
    os.environ.setdefault("LANES_INSTANCE_PATH", tempfile.mkdtemp(prefix="lanes-migration-bench-"))
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench",
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", "OPERATE_MIGRATION_APPROVAL": False})
    clock.set_clock(app, lambda: FROZEN_AT)
    with app.app_context():
        flask_migrate.upgrade()
    return app


def run(url: str, count: int) -> dict:
    from app.demo.organisation import load_demo_organisation
    from app.extensions import db
    from app.services import accounts, deployment, migrations
    from tests.support.flow_driver import FlowDriver
    from tests.support.migration_travel import deploy_v2, start_at

    app = _app(url)
    with app.app_context():
        load_demo_organisation()
        deployment.deploy(deployment.files_from_paths(list(deployment.DEFAULT_DIRS)))
        flow = FlowDriver(accounts.find_user)
        started = time.perf_counter()
        for number in range(count):
            start_at(flow, POSITIONS[number % len(POSITIONS)], number)
        made = time.perf_counter() - started
        v2 = deploy_v2()
        admin = accounts.find_user("process_admin")
        wall, cpu = time.perf_counter(), time.process_time()
        batch = migrations.plan_batch(admin, "travel_request", 1, v2, {}, {}, "bench")
        plan_wall, plan_cpu = time.perf_counter() - wall, time.process_time() - cpu
        migrations.start_batch(batch.id, admin)
        wall, cpu = time.perf_counter(), time.process_time()
        while migrations.migrate_next_item(batch.id) is not None:
            pass
        move_wall, move_cpu = time.perf_counter() - wall, time.process_time() - cpu
        progress = migrations.progress(batch.id, admin)
        db.session.remove()
    with app.app_context():
        db.engine.dispose()
    moved = max(progress["moved"], 1)
    return {"database": url.split(":", 1)[0], "instances": count, "made_s": made, "moved": progress["moved"],
            "refused": progress["refused"], "failed": progress["failed"],
            "move_wall_ms": move_wall * 1000 / moved, "move_cpu_ms": move_cpu * 1000 / moved,
            "plan_wall_ms": plan_wall * 1000 / count, "plan_cpu_ms": plan_cpu * 1000 / count}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=400)
    parser.add_argument("--database", default="sqlite",
                        help="'sqlite' (a temporary file) or a scratch PostgreSQL URL (its schema is dropped)")
    args = parser.parse_args()
    url = args.database
    if url == "sqlite":
        url = "sqlite:///" + str(Path(tempfile.mkdtemp(prefix="lanes-migration-bench-")) / "bench.db")
    result = run(url, args.count)
    print(f"{result['database']}: {result['instances']} instances made in {result['made_s']:.1f} s; "
          f"moved {result['moved']}, refused {result['refused']}, failed {result['failed']}")
    print(f"  move, per moved instance: {result['move_wall_ms']:.1f} ms wall, {result['move_cpu_ms']:.1f} ms CPU")
    print(f"  plan (dry run kept per item), per instance: {result['plan_wall_ms']:.1f} ms wall, "
          f"{result['plan_cpu_ms']:.1f} ms CPU")


if __name__ == "__main__":
    main()
