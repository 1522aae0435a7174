"""A start, a step, an inbox page and a task detail as history grows
(issue 24, target 4: flat from 1,000 to 1,000,000 instances).

Fills a PostgreSQL database (wiped: schema public dropped) with the demo
organisation and the deployed diagrams, then grows a background history in
stages (--stages, default 1k, 10k, 100k, 1M instances). Each background
instance is a travel request started by a rep (rep_east1 among them) with
0.9 KB of request data and a summary row; three task rows (its three
approvals, done by the regional managers, rm_east among them, by the
director or the general manager, and by finance); six audit events with
those people as actors. The first 500 are the current work, still
running: the last approval open, held by a manager (50 by rm_east) or
claimable by finance, with the requester's segregation bar; every later
one is history, completed. So each stage lists the same open tasks and
only the history grows. Each stage adds the instances up to its size,
then VACUUM ANALYZE.

At each stage, through the app in this process (Flask's test client, one
pooled connection), --runs times after a warm-up:
  start         POST /api/v1/process-instances (rep_east1, a travel request)
  step          POST /api/v1/tasks/{id}/complete (rm_east approves one of those)
  inbox API     GET /api/v1/tasks (rm_east)
  inbox web     GET / (rm_east)
  task API      GET /api/v1/tasks/{id} (rm_east, a request of this stage)
  task web      GET /tasks/{id}
and prints the median wall ms and the mean CPU ms (this process plus the
PostgreSQL backend serving it, from /proc, whose clock ticks are 10 ms: a
mean of many runs, not one run's). The table at the end gives every stage
and the largest stage over the smallest; "flat" is within 1.5× (the
machine is shared: medians of one stage swing by a fifth).

    .venv/bin/python bench/growth.py [--database-url postgresql://postgres@127.0.0.1:5432/lanes_growth_bench]
                                     [--stages 1000,10000,100000,1000000] [--runs 15]
"""
import argparse
import gc
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.audit_find import _app, _backend_cpu_s, _step  # noqa: E402
from bench.completion_rate import TRIP  # noqa: E402
from bench.inbox_scale import HQ, REQUEST_DATA, _signed_in  # noqa: E402

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/lanes_growth_bench"
FIRST_ID = 10_000_000  # background instances' ids: the app's own requests take the sequence's
CURRENT = 500  # background requests still running: the first ones; all later ones are history
FLAT = 1.5
APPROVE = {"data": {"decision": "approve", "comment": "同意"}}
OPERATIONS = ("start", "step", "inbox API", "inbox web", "task API", "task web")
# (element, name, who did it): the three approvals of a background request
STEPS = (("Task_ManagerApproval", "直接主管审批", "managers"), ("Task_DepartmentHeadApproval", "部门经理审批", "heads"),
         ("Task_GMApproval", "总经理审批", "finance"))


def prepare() -> None:
    from app.demo.organisation import load_demo_organisation
    from app.extensions import db
    from app.services import deployment

    load_demo_organisation()
    db.session.commit()
    deployment.deploy(deployment.files_from_paths(list(deployment.DEFAULT_DIRS)))
    db.session.commit()


def grow(low: int, high: int) -> None:
    """Background instances low+1 … high (numbers, not ids), with their
    summaries, task rows, bars and audit events."""
    from app.extensions import db

    people = """WITH reps AS (SELECT id, username, row_number() OVER (ORDER BY id) - 1 AS i FROM "user"
                              WHERE username LIKE 'rep\\_%'),
                     managers AS (SELECT id, username, row_number() OVER (ORDER BY id) - 1 AS i FROM "user"
                                  WHERE username LIKE 'rm\\_%'),
                     heads AS (SELECT id, username, row_number() OVER (ORDER BY id) - 1 AS i FROM "user"
                               WHERE username IN ('director', 'gm')),
                     finance AS (SELECT id, username, 0 AS i FROM "user" WHERE username = 'finance')"""
    span = {"low": low, "high": high, "first": FIRST_ID, "current": CURRENT}
    _step(f"instances {low + 1:,}–{high:,}", f"""
        {people}
        INSERT INTO process_instance (id, definition_id, process_key, business_key, status, state, data,
                                      engine_version, version, started_by_id, started_at, ended_at, audit_seq,
                                      audit_head, org_unit_id)
        SELECT :first + g, (SELECT id FROM process_definition WHERE key = 'travel_request' ORDER BY version DESC
                            LIMIT 1), 'travel_request', 'TR-' || g,
               CASE WHEN g <= :current THEN 'running' ELSE 'completed' END, repeat('x', 4096), :data, 'bench', 1,
               r.id, timestamptz '2024-01-01' + (g % 1000) * interval '1 day',
               CASE WHEN g > :current THEN timestamptz '2024-01-04' + (g % 1000) * interval '1 day' END,
               6, repeat('0', 64), {HQ}
        FROM generate_series(:low + 1, :high) g JOIN reps r ON r.i = g % (SELECT count(*) FROM reps)""",
          data=json.dumps(REQUEST_DATA, ensure_ascii=False), **span)
    _step("  summaries", """
        INSERT INTO instance_summary (instance_id, definition_id, process_key, status, business_key, started_by_id,
                                      started_at, ended_at, amount, exception, admin_action, error, revision)
        SELECT id, definition_id, process_key, status, business_key, started_by_id, started_at, ended_at, 8860.00,
               false, false, false, audit_seq
        FROM process_instance WHERE id > :first + :low AND id <= :first + :high""", **span)
    columns = """instance_id, process_key, task_guid, element_id, name, form_key, candidate_role, candidate_org_id,
                 assignee_id, is_approval, status, default_escalation, created_at, due_at, completed_at,
                 completed_by_id, outcome"""
    for step, (element, name, who) in enumerate(STEPS, start=1):
        last = step == len(STEPS)
        open_now = f"g <= :current AND {'true' if last else 'false'}"
        claimable = f"{open_now} AND g % 2 = 0"  # half the open ones wait for finance to claim
        _step(f"  task rows: {element}", f"""
            {people}
            INSERT INTO human_task ({columns})
            SELECT :first + g, 'travel_request', md5(g || '-{step}'), '{element}', '{name}', 'approval.json',
                   CASE WHEN {claimable} THEN 'finance' END, CASE WHEN {claimable} THEN {HQ} END,
                   CASE WHEN {claimable} THEN NULL WHEN {open_now} THEN m.id ELSE p.id END, true,
                   CASE WHEN {open_now} THEN 'ready' ELSE 'completed' END, false,
                   timestamptz '2024-01-01' + (g % 1000) * interval '1 day' + {step} * interval '5 hours', NULL,
                   CASE WHEN NOT ({open_now}) THEN timestamptz '2024-01-01' + (g % 1000) * interval '1 day'
                                                    + {step} * interval '6 hours' END,
                   CASE WHEN NOT ({open_now}) THEN p.id END, CASE WHEN NOT ({open_now}) THEN 'approve' END
            FROM generate_series(:low + 1, :high) g
            JOIN {who} p ON p.i = g % (SELECT count(*) FROM {who})
            JOIN managers m ON m.i = g % (SELECT count(*) FROM managers)""", **span)
    _step("  bars", """
        INSERT INTO task_bar (task_id, user_id, instance_id, reason)
        SELECT t.id, i.started_by_id, t.instance_id, 'requester'
        FROM human_task t JOIN process_instance i ON i.id = t.instance_id
        WHERE t.status = 'ready' AND t.instance_id > :first + :low AND t.instance_id <= :first + :high""", **span)
    _step("  audit events", f"""
        {people}
        INSERT INTO audit_event (chain, seq, instance_id, at, kind, element_id, task_id, actor, on_behalf_of, data,
                                 prev_hash, hash)
        SELECT 'instance:' || i.id, s, i.id, i.started_at + s * interval '1 hour',
               (ARRAY['instance_started', 'task_ready', 'task_completed', 'task_ready', 'task_completed',
                      'task_ready'])[s],
               NULL, NULL,
               CASE s WHEN 1 THEN r.username WHEN 3 THEN m.username WHEN 5 THEN h.username END, NULL, '{{}}',
               repeat('0', 64), repeat('1', 64)
        FROM process_instance i CROSS JOIN generate_series(1, 6) s
        JOIN reps r ON r.id = i.started_by_id
        JOIN managers m ON m.i = (i.id - :first) % (SELECT count(*) FROM managers)
        JOIN heads h ON h.i = (i.id - :first) % (SELECT count(*) FROM heads)
        WHERE i.id > :first + :low AND i.id <= :first + :high""", **span)
    started = time.perf_counter()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM ANALYZE")
    print(f"  VACUUM ANALYZE: {time.perf_counter() - started:.1f} s", flush=True)


def _timed(run, backend) -> tuple[float, float, object]:
    gc.collect()  # a collection is not the measured request's
    wall, cpu, server = time.perf_counter(), time.process_time(), _backend_cpu_s(backend)
    response = run()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu + _backend_cpu_s(backend) - server
    assert response.status_code in (200, 201), (response.status_code, response.get_data(as_text=True)[:300])
    return wall * 1000, cpu * 1000, response


def _manager_task(app, instance_id: int) -> int:
    import sqlalchemy as sa

    from app.extensions import db

    with app.app_context():
        task_id = db.session.scalar(sa.text("SELECT id FROM human_task WHERE instance_id = :i AND status = 'ready'"),
                                    {"i": instance_id})
        db.session.remove()
    return task_id


def measure(app, runs: int, backend: int) -> dict[str, tuple[float, float]]:
    """Operation -> (median wall ms, mean CPU ms) of ``runs`` after a warm-up."""
    rep_headers, rep_api, _ = _signed_in(app, "rep_east1")
    headers, api, web = _signed_in(app, "rm_east")
    samples = {operation: [] for operation in OPERATIONS}
    started = []
    for run in range(runs + 1):
        wall, cpu, response = _timed(lambda: rep_api.post(
            "/api/v1/process-instances", headers=rep_headers, json={"process_key": "travel_request", "data": TRIP}),
            backend)
        started.append(response.get_json()["id"])
        if run:
            samples["start"].append((wall, cpu))
    tasks = [_manager_task(app, instance_id) for instance_id in started]
    requests = {"inbox API": lambda: api.get("/api/v1/tasks", headers=headers), "inbox web": lambda: web.get("/"),
                "task API": lambda: api.get(f"/api/v1/tasks/{tasks[0]}", headers=headers),
                "task web": lambda: web.get(f"/tasks/{tasks[0]}")}
    for operation, request in requests.items():
        for run in range(runs + 1):
            wall, cpu, _ = _timed(request, backend)
            if run:
                samples[operation].append((wall, cpu))
    for run, task_id in enumerate(tasks):
        wall, cpu, _ = _timed(lambda: api.post(f"/api/v1/tasks/{task_id}/complete", headers=headers, json=APPROVE),
                              backend)
        if run:
            samples["step"].append((wall, cpu))
    # CPU as the mean: the backend's is read in clock ticks (10 ms), so one run's is coarse, their sum is not
    return {operation: (statistics.median(w for w, _ in values), statistics.fmean(c for _, c in values))
            for operation, values in samples.items()}


def report(results: dict[int, dict[str, tuple[float, float]]]) -> bool:
    stages = sorted(results)
    print(f"\nmedian wall ms / mean CPU ms per operation, by background instances; last column: {stages[-1]:,} over "
          f"{stages[0]:,} (wall, CPU)\n")
    print(f"{'operation':<12}" + "".join(f"{size:>16,}" for size in stages) + f"{'growth':>16}")
    flat = True
    for operation in OPERATIONS:
        cells = "".join(f"{results[size][operation][0]:>9.1f} /{results[size][operation][1]:>5.1f}"
                        for size in stages)
        first, last = results[stages[0]][operation], results[stages[-1]][operation]
        wall_growth, cpu_growth = last[0] / first[0], last[1] / first[1]
        flat = flat and min(wall_growth, cpu_growth) <= FLAT
        print(f"{operation:<12}{cells}{wall_growth:>10.2f}× /{cpu_growth:.2f}×")
    print(f"\nevery operation within {FLAT}× of the smallest stage (wall or CPU): {'yes' if flat else 'NO'}")
    return flat


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--stages", default="1000,10000,100000,1000000")
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    import sqlalchemy as sa

    from app.config import normalise_database_url
    from app.extensions import db

    stages = sorted(int(size) for size in args.stages.split(","))
    app = _app(normalise_database_url(args.database_url), wipe=True,
               SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 1, "max_overflow": 0})
    with app.app_context():
        prepare()
        backend = db.session.scalar(sa.text("SELECT pg_backend_pid()"))
        db.session.remove()
    gc.collect()
    gc.freeze()  # as wsgi.py does for a served app
    results, grown = {}, 0
    for size in stages:
        with app.app_context():
            started = time.perf_counter()
            grow(grown, size)
            grown = size
            print(f"grown to {size:,} in {time.perf_counter() - started:.0f} s", flush=True)
            db.session.remove()
        results[size] = measure(app, args.runs, backend)
        print("  " + ", ".join(f"{op} {wall:.1f}/{cpu:.1f}" for op, (wall, cpu) in results[size].items()), flush=True)
    report(results)


if __name__ == "__main__":
    main()
