"""The process heatmap at a million task rows.

Fills a PostgreSQL database (wiped: schema public dropped) with the demo
organisation, the deployed diagrams, 250,000 process instances (half of
them on one version, the rest spread over every deployed version with user
tasks) with their instance_summary rows, 4 human_task rows each
(1,000,000) and their step_visit rows, all by INSERT … SELECT
generate_series; VACUUM ANALYZE; then times what the heatmap page asks for
the largest version: the per-step figures (counts, p50/p90 waiting and
working, breaches, rework) and who the open tasks wait on.

Per query: p50 and p95 of wall ms and CPU ms (this process plus the
PostgreSQL backend serving it, from /proc) over --runs runs after a warm-up.

    .venv/bin/python bench/process_heatmap.py [--database-url postgresql://postgres@127.0.0.1:5432/lanes_analytics_bench]
                                              [--instances 250000] [--runs 20] [--keep]
"""
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.audit_find import _backend_cpu_s, _step, run_benchmark  # noqa: E402  (after the path is set)

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/lanes_analytics_bench"
TASKS_PER_INSTANCE = 4


def fill(instances: int) -> None:
    from app.demo.organisation import load_demo_organisation
    from app.extensions import db
    from app.services import deployment

    load_demo_organisation()
    db.session.commit()
    deployment.deploy(deployment.files_from_paths(list(deployment.DEFAULT_DIRS)))
    db.session.commit()
    print(f"filling {instances:,} instances, {instances * TASKS_PER_INSTANCE:,} tasks", flush=True)
    # Half the instances on the first version with user tasks, the rest spread.
    _step("process_instance", """
        WITH defs AS (SELECT id, key, row_number() OVER (ORDER BY id) - 1 AS i FROM process_definition
                      WHERE json_array_length(user_tasks) > 0),
             reps AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS i FROM "user" WHERE username LIKE 'rep\\_%'),
             base AS (SELECT g, (g::bigint * 7919) % 100 AS pct, timestamptz '2025-01-01' + (g % 730) * interval '1 day'
                             + ((g * 37) % 86400) * interval '1 second' AS at FROM generate_series(1, :instances) AS g)
        INSERT INTO process_instance (id, definition_id, process_key, business_key, status, state, data, engine_version,
                                      version, started_by_id, started_at, ended_at, audit_seq, audit_head)
        SELECT g, d.id, d.key, 'BK-' || lpad(g::text, 7, '0'),
               CASE WHEN pct < 80 THEN 'completed' WHEN pct < 95 THEN 'running' ELSE 'cancelled' END,
               '', '{}', 'bench', 1, r.id, at,
               CASE WHEN pct < 80 OR pct >= 95 THEN at + ((g % 20) + 1) * interval '1 day' END, 10, repeat('0', 64)
        FROM base
        JOIN defs d ON d.i = CASE WHEN g % 2 = 0 THEN 0 ELSE g % (SELECT count(*) FROM defs) END
        JOIN reps r ON r.i = (g / 3) % (SELECT count(*) FROM reps)""", instances=instances)
    _step("instance_summary", """
        INSERT INTO instance_summary (instance_id, definition_id, process_key, status, business_key, started_by_id,
                                      started_at, ended_at, exception, admin_action, error, revision)
        SELECT id, definition_id, process_key, status, business_key, started_by_id, started_at, ended_at,
               false, false, false, audit_seq FROM process_instance""")
    # Task k of an instance is user task k of its version (wrapping round: a
    # second visit of a step is rework); the last task of a running instance is open.
    _step("human_task", f"""
        INSERT INTO human_task (id, instance_id, task_guid, element_id, name, lane, candidate_role, assignee_id,
                                delegation_chain, status, claimed_at, due_at, default_escalation, created_at,
                                completed_at, is_approval)
        SELECT (p.id - 1) * {TASKS_PER_INSTANCE} + k, p.id, md5(p.id || ':' || k),
               d.user_tasks -> (k % json_array_length(d.user_tasks)) ->> 'element_id', 'step',
               'lane', 'sales_admin', CASE WHEN k % 2 = 0 THEN p.started_by_id END, '[]',
               CASE WHEN p.status = 'running' AND k = {TASKS_PER_INSTANCE} THEN 'ready'
                    WHEN p.status = 'cancelled' AND k = {TASKS_PER_INSTANCE} THEN 'cancelled' ELSE 'completed' END,
               p.started_at + (k * 6 + (p.id * k) % 17) * interval '1 hour',
               p.started_at + (k * 6 + 24) * interval '1 hour', true,
               p.started_at + k * 6 * interval '1 hour',
               CASE WHEN NOT (p.status = 'running' AND k = {TASKS_PER_INSTANCE})
                    THEN p.started_at + (k * 6 + (p.id * k) % 17 + (p.id % 9) + 1) * interval '1 hour' END, false
        FROM process_instance p JOIN process_definition d ON d.id = p.definition_id
        CROSS JOIN generate_series(1, {TASKS_PER_INSTANCE}) AS k""")
    _step("step_visit", """
        INSERT INTO step_visit (human_task_id, instance_id, definition_id, process_key, element_id, visit, status,
                                candidate_role, assignee_id, entered_at, claimed_at, closed_at, due_at,
                                waiting_seconds, working_seconds, breached)
        SELECT t.id, t.instance_id, p.definition_id, p.process_key, t.element_id,
               row_number() OVER (PARTITION BY t.instance_id, t.element_id ORDER BY t.id), t.status,
               t.candidate_role, t.assignee_id, t.created_at, t.claimed_at,
               CASE WHEN t.status <> 'ready' THEN t.completed_at END, t.due_at,
               CASE WHEN t.status = 'completed' THEN extract(epoch FROM t.claimed_at - t.created_at)::int END,
               CASE WHEN t.status = 'completed' THEN extract(epoch FROM t.completed_at - t.claimed_at)::int END,
               t.status = 'completed' AND t.completed_at > t.due_at
        FROM human_task t JOIN process_instance p ON p.id = t.instance_id""")
    started = time.perf_counter()
    _summary_migration().backfill(db.session.connection())
    db.session.commit()
    print(f"  summary rows: {time.perf_counter() - started:.1f} s", flush=True)
    started = time.perf_counter()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM ANALYZE")
    print(f"  VACUUM ANALYZE: {time.perf_counter() - started:.1f} s", flush=True)


def _summary_migration():
    """The migration that fills the summary rows from step_visit and instance_summary."""
    import importlib.util

    path = next((Path(__file__).resolve().parents[1] / "migrations" / "versions").glob("*_step_summaries__*.py"))
    spec = importlib.util.spec_from_file_location("step_summaries_migration", path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    return migration


def _percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def measure(runs: int) -> None:
    import sqlalchemy as sa

    from app.extensions import db
    from app.services import process_analytics, step_queue
    from app.services.accounts import find_user

    analyst = find_user("process_admin")
    key, version, visits, step = db.session.execute(sa.text(
        "SELECT d.key, d.version, count(*), min(v.element_id) FROM step_visit v "
        "JOIN process_definition d ON d.id = v.definition_id "
        "GROUP BY d.key, d.version ORDER BY count(*) DESC LIMIT 1")).one()
    tasks = db.session.scalar(sa.text("SELECT count(*) FROM human_task"))
    print(f"\n{tasks:,} task rows; the largest version {key} v{version} holds {visits:,} visits; {runs} runs after a warm-up\n")
    queries = [("heatmap steps (counts, p50/p90 waiting and working)",
                lambda: process_analytics.version_steps(analyst, key, version)),
               ("cycle time per month", lambda: process_analytics.cycle_by_month(analyst, key)),
               ("who the open tasks wait on", lambda: step_queue.waiting_on(analyst, key, version)),
               (f"a step's instances ({step})", lambda: step_queue.step_instances(analyst, key, version, step)),
               ("the process list (cycle p50/p90 per version)", lambda: process_analytics.processes(analyst))]
    backend = db.session.scalar(sa.text("SELECT pg_backend_pid()"))
    print(f"{'query':<54} {'wall p50':>9} {'wall p95':>9} {'CPU p50':>8} {'CPU p95':>8}")
    for label, run_query in queries:
        walls, cpus = [], []
        for run in range(runs + 1):
            db.session.rollback()  # a new transaction, as each request has
            wall, cpu, server = time.perf_counter(), time.process_time(), _backend_cpu_s(backend)
            run_query()
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu + _backend_cpu_s(backend) - server
            if run:
                walls.append(wall * 1000)
                cpus.append(cpu * 1000)
        print(f"{label:<54} {statistics.median(walls):>9.1f} {_percentile(walls, 0.95):>9.1f} "
              f"{statistics.median(cpus):>8.1f} {_percentile(cpus, 0.95):>8.1f}", flush=True)


def main() -> None:
    run_benchmark(__doc__, DEFAULT_URL, "--instances", 250_000, 20, fill, measure)


if __name__ == "__main__":
    main()
