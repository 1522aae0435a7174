"""The auditors' find page at a million requests.

Fills a PostgreSQL database (it is wiped: schema public dropped) with the
demo organisation, the deployed diagrams, 2,000 more customers, 1,000,000
process instances over two years of every deployed process, their
instance_summary rows and 5 audit events each (5,000,000), all by
INSERT … SELECT generate_series; VACUUM ANALYZE; then times typical filtered,
sorted and counted pages through ``audit_search.search`` (rows + total +
counts per status, exactly what the page and the API run).

Per query: wall ms, and CPU ms = this process (SQLAlchemy, Python) plus the
PostgreSQL backend serving it (read from /proc: the database runs on this
machine), the median of --runs runs after one warm-up.

    .venv/bin/python bench/audit_find.py [--database-url postgresql://postgres@127.0.0.1:5432/lanes_h]
                                         [--instances 1000000] [--runs 5] [--keep]

--keep measures an already filled database again without refilling it.
"""
import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/lanes_h"
EVENTS_PER_INSTANCE = 5
CUSTOMERS = 2000

# (label, filter arguments): what an auditor asks, from broad to narrow.
QUERIES = [
    ("everything, newest first", {}),
    ("status running", {"status": "running"}),
    ("one process, largest amount first", {"process_key": "contract_shipment", "sort": "-amount"}),
    ("one process and version, one month", {"process_key": "contract_shipment", "version": "1",
                                            "started_from": "2026-03-01", "started_to": "2026-03-31"}),
    ("started in one week", {"started_from": "2026-06-01", "started_to": "2026-06-07"}),
    ("ended in one month, completed", {"ended_from": "2026-05-01", "ended_to": "2026-05-31", "status": "completed"}),
    ("starter rep_east1", {"starter": "rep_east1"}),
    ("anyone who acted: director", {"actor": "director"}),
    ("anyone who acted: rep_south3, one quarter", {"actor": "rep_south3", "started_from": "2026-01-01",
                                                   "started_to": "2026-03-31"}),
    ("customer by name part", {"customer": "客户0042"}),
    ("customer by name part + amount range", {"customer": "客户01", "amount_min": "100000", "amount_max": "500000"}),
    ("amount range, by amount", {"amount_min": "900000", "sort": "-amount"}),
    ("business key", {"business_key": "BK-0777776"}),
    ("has an exception", {"exception": "1"}),
    ("admin action, cancelled", {"admin_action": "1", "status": "cancelled"}),
    ("ever in error, by amount", {"error": "1", "sort": "amount"}),
    ("page 500 of everything (offset 9,980)", {"page": "500"}),
    ("oldest first, 100 per page", {"sort": "started_at", "per_page": "100"}),
]


def _app(url: str, wipe: bool, **config):
    import flask_migrate
    import sqlalchemy as sa

    from app import create_app
    from app.extensions import db

    if wipe:
        engine = sa.create_engine(url)
        with engine.begin() as connection:
            connection.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
            connection.execute(sa.text("CREATE SCHEMA public"))
        engine.dispose()
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
                      **config})
    if wipe:
        with app.app_context():
            flask_migrate.upgrade()
            db.session.remove()
    return app


def _step(label: str, sql: str, **params):
    import sqlalchemy as sa

    from app.extensions import db

    started = time.perf_counter()
    db.session.execute(sa.text(sql), params)
    db.session.commit()
    print(f"  {label}: {time.perf_counter() - started:.1f} s", flush=True)


def fill(instances: int) -> None:
    """Organisation, diagrams, customers, instances, summaries, events."""
    from app.demo.master_data import load_demo_master_data
    from app.demo.organisation import load_demo_organisation
    from app.extensions import db
    from app.services import deployment

    load_demo_organisation()
    db.session.commit()
    deployment.deploy(deployment.files_from_paths(list(deployment.DEFAULT_DIRS)))
    load_demo_master_data()
    db.session.commit()
    print(f"filling {instances:,} instances", flush=True)
    _step("customers", """
        INSERT INTO customer (code, name, customer_class, channel, region, payment_days, credit_limit, on_hold, active,
                              created_at)
        SELECT 'B' || lpad(n::text, 5, '0'), '基准客户' || lpad(n::text, 4, '0') || '有限公司', '经销商', 'dealer', '华东',
               30, 100000, false, true, now()
        FROM generate_series(1, :customers) AS n""", customers=CUSTOMERS)
    # Every instance: a process of the deployed ones, a starter among the
    # reps, a start over two years, 70 % completed, 20 % running, 7 %
    # cancelled, 3 % in error; a business key on one in two.
    _step("process_instance", """
        WITH defs AS (SELECT id, key, row_number() OVER (ORDER BY id) - 1 AS i FROM process_definition),
             reps AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS i FROM "user" WHERE username LIKE 'rep\\_%'),
             base AS (SELECT g, (g::bigint * 7919) % 100 AS pct, timestamptz '2025-01-01' + (g % 730) * interval '1 day'
                             + ((g * 37) % 86400) * interval '1 second' AS at FROM generate_series(1, :instances) AS g)
        INSERT INTO process_instance (id, definition_id, process_key, business_key, status, state, data, engine_version,
                                      version, started_by_id, started_at, ended_at, audit_seq, audit_head)
        SELECT g, d.id, d.key, CASE WHEN g % 2 = 0 THEN 'BK-' || lpad(g::text, 7, '0') END,
               CASE WHEN pct < 70 THEN 'completed' WHEN pct < 90 THEN 'running' WHEN pct < 97 THEN 'cancelled'
                    ELSE 'error' END,
               '', '{}', 'bench', 1, r.id, at,
               CASE WHEN pct < 70 OR (pct >= 90 AND pct < 97) THEN at + ((g % 20) + 1) * interval '1 day' END,
               :events, repeat('0', 64)
        FROM base
        JOIN defs d ON d.i = g % (SELECT count(*) FROM defs)
        JOIN reps r ON r.i = (g / 3) % (SELECT count(*) FROM reps)""", instances=instances, events=EVENTS_PER_INSTANCE)
    _step("sequence", "SELECT setval('process_instance_id_seq', (SELECT max(id) FROM process_instance))")
    # Customer and amount on four in five; a credit override on 0.5 %, an
    # administrator action on 1 %, errors on those in error and 1 % more.
    _step("instance_summary", """
        WITH customers AS (SELECT code, name, row_number() OVER (ORDER BY id) - 1 AS i FROM customer)
        INSERT INTO instance_summary (instance_id, definition_id, process_key, status, business_key, started_by_id,
                                      started_at, ended_at, customer_code, customer_name, amount, exception,
                                      admin_action, error, revision)
        SELECT p.id, p.definition_id, p.process_key, p.status, p.business_key, p.started_by_id, p.started_at,
               p.ended_at, CASE WHEN p.id % 5 <> 0 THEN c.code END, CASE WHEN p.id % 5 <> 0 THEN c.name END,
               CASE WHEN p.id % 5 <> 0 THEN round(((p.id::bigint * 104729) % 100000000) / 100.0, 2) END,
               p.id % 200 = 7, p.id % 100 = 13 OR (p.status = 'cancelled' AND p.id % 7 = 0),
               p.status = 'error' OR p.id % 100 = 29, p.audit_seq
        FROM process_instance p JOIN customers c ON c.i = (p.id * 31) % (SELECT count(*) FROM customers)""")
    _step("audit_event", f"""
        WITH users AS (SELECT username, row_number() OVER (ORDER BY id) - 1 AS i FROM "user")
        INSERT INTO audit_event (chain, seq, instance_id, at, kind, element_id, task_id, actor, on_behalf_of, data,
                                 prev_hash, hash)
        SELECT 'instance:' || p.id, s, p.id, p.started_at + s * interval '1 hour',
               (ARRAY['instance_started', 'task_ready', 'task_completed', 'task_ready', 'task_completed'])[s],
               NULL, NULL, CASE WHEN s IN (1, 3, 5) THEN u.username END, NULL, '{{}}', repeat('0', 64), repeat('1', 64)
        FROM process_instance p CROSS JOIN generate_series(1, {EVENTS_PER_INSTANCE}) AS s
        JOIN users u ON u.i = (p.id * 101 + s) % (SELECT count(*) FROM users)""")
    # A table this old has been vacuumed by autovacuum many times: its
    # visibility map lets counts read the indexes alone.
    started = time.perf_counter()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM ANALYZE")
    print(f"  VACUUM ANALYZE: {time.perf_counter() - started:.1f} s", flush=True)


def _backend_cpu_s(pid: int) -> float:
    """User + system CPU seconds of one process (the PostgreSQL backend)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(runs: int) -> None:
    import sqlalchemy as sa

    from app.extensions import db
    from app.services import audit_search
    from app.services.accounts import find_user

    auditor = find_user("auditor")
    total = db.session.scalar(sa.text("SELECT count(*) FROM instance_summary"))
    events = db.session.scalar(sa.text("SELECT reltuples::bigint FROM pg_class WHERE relname = 'audit_event'"))
    print(f"\n{total:,} instances, ~{events:,} audit events; median of {runs} runs after a warm-up\n")
    print(f"{'query':<44} {'found':>9} {'wall ms':>8} {'CPU ms':>8}")
    backend = db.session.scalar(sa.text("SELECT pg_backend_pid()"))
    worst = 0.0
    for label, args in QUERIES:
        walls, cpus = [], []
        for run in range(runs + 1):
            db.session.rollback()  # a new transaction, as each request has
            flt = audit_search.parse_filter(args)
            wall, cpu, server = time.perf_counter(), time.process_time(), _backend_cpu_s(backend)
            page = audit_search.search(flt, auditor)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu + _backend_cpu_s(backend) - server
            if run:
                walls.append(wall)
                cpus.append(cpu)
        wall_ms, cpu_ms = statistics.median(walls) * 1000, statistics.median(cpus) * 1000
        worst = max(worst, wall_ms)
        print(f"{label:<44} {page.total:>9,} {wall_ms:>8.1f} {cpu_ms:>8.1f}", flush=True)
    print(f"\nslowest page: {worst:.0f} ms wall")


def run_benchmark(doc: str, default_url: str, count_option: str, count_default: int, runs_default: int,
                  fill_database, measure_queries) -> None:
    """Parse the command line, fill the database (unless --keep) and measure."""
    from app.config import normalise_database_url
    from app.extensions import db

    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=default_url, help="PostgreSQL database (wiped unless --keep)")
    parser.add_argument(count_option, dest="count", type=int, default=count_default)
    parser.add_argument("--runs", type=int, default=runs_default)
    parser.add_argument("--keep", action="store_true", help="measure the database as it is, without refilling")
    args = parser.parse_args()
    url = normalise_database_url(args.database_url)
    if not url.startswith("postgresql"):
        parser.error("the benchmark fills a PostgreSQL database")
    app = _app(url, wipe=not args.keep)
    with app.app_context():
        if not args.keep:
            started = time.perf_counter()
            fill_database(args.count)
            print(f"filled in {time.perf_counter() - started:.0f} s")
        measure_queries(args.runs)
        db.session.remove()


def main() -> None:
    run_benchmark(__doc__, DEFAULT_URL, "--instances", 1_000_000, 5, fill, measure)


if __name__ == "__main__":
    main()
