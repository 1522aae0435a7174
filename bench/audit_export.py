"""Population exports and samples over a large population.

Fills a fresh SQLite file (or, with --database-url, a PostgreSQL database
whose schema public is DROPPED) with the demo organisation, three process
definitions and --instances instances with their summary rows (bulk
inserts), then, as the auditor, times exporting the whole population as CSV
and as XLSX and drawing a random and a stratified sample of 50 over it.

Per step: wall s, CPU s of this process, and the peak of Python memory
allocated during the step (--memory: tracemalloc, in a second run): an export streams, so its peak
stays flat however many rows it writes; a sample keeps 8 bytes per id.

    .venv/bin/python bench/audit_export.py [--instances 200000] [--database-url URL] [--memory]
"""
import argparse
import sys
import tempfile
import time
import tracemalloc
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

KEYS = ("contract", "promotion_expense", "travel_request")
STATUSES = ("running", "completed", "cancelled", "error")
BATCH = 20_000


def _app(url: str):
    import flask_migrate
    import sqlalchemy as sa

    from app import create_app
    from app.extensions import db

    if url.startswith("postgresql"):
        engine = sa.create_engine(url)
        with engine.begin() as connection:
            connection.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
            connection.execute(sa.text("CREATE SCHEMA public"))
        engine.dispose()
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    with app.app_context():
        flask_migrate.upgrade()
        db.session.remove()
    return app


def _fill(count: int) -> None:
    from app.demo.organisation import load_demo_organisation
    from app.extensions import db
    from app.models import InstanceSummary, ProcessDefinition, ProcessInstance
    from app.services.accounts import find_user

    load_demo_organisation()
    starter = find_user("rep_east1").id
    definitions = []
    for key in KEYS:
        definition = ProcessDefinition(key=key, version=1, name=f"{key} (bench)", content_hash="0" * 64,
                                       bpmn_file=f"{key}.bpmn", files={}, spec="", user_tasks=[], engine_version="bench")
        db.session.add(definition)
        definitions.append(definition)
    db.session.flush()
    start = datetime(2025, 1, 1, tzinfo=timezone.utc)
    for first in range(0, count, BATCH):
        indexes = range(first, min(first + BATCH, count))
        instances = [{"id": index + 1, "definition_id": definitions[index % 3].id, "process_key": KEYS[index % 3],
                      "business_key": f"BK-{index:07d}", "status": STATUSES[index % 4], "state": "{}", "data": {},
                      "engine_version": "bench", "version": 1, "started_by_id": starter,
                      "started_at": start + timedelta(minutes=index), "audit_seq": 0, "audit_head": ""}
                     for index in indexes]
        db.session.execute(ProcessInstance.__table__.insert(), instances)
        db.session.execute(InstanceSummary.__table__.insert(), [
            {"instance_id": row["id"], "definition_id": row["definition_id"], "process_key": row["process_key"],
             "status": row["status"], "business_key": row["business_key"], "started_by_id": starter,
             "started_at": row["started_at"], "ended_at": None, "customer_code": f"C{index % 2000:04d}",
             "customer_name": f"客户{index % 2000:04d}", "amount": None if index % 7 == 0 else Decimal(index * 731 % 2_000_000),
             "exception": False, "admin_action": False, "error": False, "revision": 0}
            for index, row in zip(indexes, instances)])
    db.session.commit()


def _timed(label: str, work, memory: bool):
    """Time ``work()``; with ``memory``, run it again under tracemalloc
    (which slows allocation several times over) for its peak."""
    wall, cpu = time.perf_counter(), time.process_time()
    detail = work()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    peak = ""
    if memory:
        tracemalloc.start()
        work()
        peak = f"{tracemalloc.get_traced_memory()[1] / 2**20:8.1f} MiB peak"
        tracemalloc.stop()
    print(f"{label:<32} {wall:8.2f} s wall {cpu:8.2f} s CPU {peak}  {detail}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--instances", type=int, default=200_000)
    parser.add_argument("--database-url")
    parser.add_argument("--memory", action="store_true", help="also measure each step's peak Python memory")
    options = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="lanes-export-bench-")
    url = options.database_url or f"sqlite:///{folder}/bench.db"
    app = _app(url)
    with app.app_context():
        from app.extensions import db
        from app.services.accounts import find_user
        from app.services.audit_samples import draw_sample
        from app.services.population_export import export_population

        started = time.perf_counter()
        _fill(options.instances)
        print(f"filled {options.instances:,} instances in {time.perf_counter() - started:.1f} s ({url.split(':')[0]})")
        auditor = find_user("auditor")

        def export(fmt, args):
            def run():
                exported = export_population(auditor, args, fmt)
                with exported.written.file:
                    return f"{exported.manifest['totals']['rows']:,} rows, {exported.written.size / 2**20:.1f} MiB"
            return run

        _timed("export CSV, everything", export("csv", {}), options.memory)
        _timed("export XLSX, everything", export("xlsx", {}), options.memory)
        _timed("export CSV, status completed", export("csv", {"status": "completed"}), options.memory)
        for method in ("random", "process", "amount"):
            _timed(f"sample of 50, {method}", lambda method=method: (
                lambda sample: f"population {sample.population:,}")(
                draw_sample(auditor, {"size": "50", "method": method, "seed": "20261201"})), options.memory)
        db.session.remove()


if __name__ == "__main__":
    main()
