"""The work list at a million task rows.

Fills a PostgreSQL database (it is wiped: schema public dropped) with the
demo organisation and the deployed diagrams, 200,000 travel requests (each
with 4 KB of engine state and 0.9 KB of request data, as a real one carries) and 1,000,000 human_task
rows, 100,000 of them open: 20 held by the rep rep_east1, 1,000 by the
regional manager rm_east, 13,500 claimable by finance (half of them
approvals, 200 in requests where the finance user already approved a step,
so segregation of duties has something to check), 31,500 claimable by other
roles and the rest held by other people, with the task_bar rows the commands
keep (every open approval bars its requester; those 200 bar finance);
VACUUM ANALYZE. Then, through the
app in this process (Flask's test client: routing, the service, SQL and
the template or JSON, no network), times the first page and the second
page of the API's GET /api/v1/tasks and of the inbox page, and a task's
detail (API and page), for the rep, the manager and finance.

Per request: p50 and p95 of wall ms and the mean CPU ms (this process plus
the PostgreSQL backend serving it, read from /proc; one pooled connection,
so one backend), over --runs rounds after six warm-up rounds; each round sends
every request once, so they all meet the same machine. The target is p95
wall ≤ 20 ms for every list page.

    .venv/bin/python bench/inbox_scale.py [--database-url postgresql://postgres@127.0.0.1:5432/lanes_inbox_bench]
                                          [--runs 30] [--keep]
"""
import argparse
import gc
import json
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.audit_find import _backend_cpu_s, _step  # noqa: E402

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/lanes_inbox_bench"
INSTANCES = 200_000
TASKS = 1_000_000
OPEN = {"rep_east1": 20, "rm_east": 1_000}
FINANCE_OPEN, OTHER_ROLES_OPEN, ALREADY_ACTED = 13_500, 31_500, 200
TARGET_MS = 20
WARM_UP_ROUNDS = 6  # psycopg prepares a statement at its fifth run; a served app has long passed that
PEOPLE = ("rep_east1", "rm_east", "finance")
# what a travel request's data holds after a few steps (~0.9 KB as JSON, UTF-8)
REQUEST_DATA = {
    "destination": "上海", "purpose": "拜访华东区重点客户，洽谈年度框架合同续签及新产品推广" * 2,
    "depart_on": "2025-03-02", "return_on": "2025-03-06", "travellers": ["rep_east1", "rep_east2"],
    "transport": "高铁", "estimate": "8860.00",
    "lines": [{"kind": kind, "amount": amount, "note": "按公司差旅标准"} for kind, amount in
              (("hotel", "2400.00"), ("train", "1106.00"), ("meals", "900.00"), ("taxi", "454.00"),
               ("entertainment", "4000.00"))],
    "manager_decision": {"decision": "approve", "comment": "同意，注意控制招待费用"},
    "customer": {"code": "C-EAST-0042", "name": "华东精密机械有限公司", "region": "east"},
}
HQ = "(SELECT id FROM org_unit WHERE code = 'HQ')"  # the head company: everyone here works for it


def fill() -> None:
    from app.demo.organisation import load_demo_organisation
    from app.extensions import db
    from app.services import deployment

    load_demo_organisation()
    db.session.commit()
    deployment.deploy(deployment.files_from_paths(list(deployment.DEFAULT_DIRS)))
    db.session.commit()
    _step("process_instance", """
        WITH d AS (SELECT id FROM process_definition WHERE key = 'travel_request' ORDER BY version DESC LIMIT 1),
             reps AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS i FROM "user" WHERE username LIKE 'rep\\_%')
        INSERT INTO process_instance (id, definition_id, process_key, business_key, status, state, data,
                                      engine_version, version, started_by_id, started_at, audit_seq, audit_head,
                                      org_unit_id)
        SELECT g, (SELECT id FROM d), 'travel_request', 'TR-' || g, 'running', repeat('x', 4096), :data, 'bench', 1,
               r.id, timestamptz '2025-01-01' + (g % 700) * interval '1 day', 0, repeat('0', 64), {HQ}
        FROM generate_series(1, :instances) g JOIN reps r ON r.i = g % (SELECT count(*) FROM reps)""".replace("{HQ}", HQ),
          instances=INSTANCES, data=json.dumps(REQUEST_DATA, ensure_ascii=False))
    _step("sequence", "SELECT setval('process_instance_id_seq', (SELECT max(id) FROM process_instance))")
    columns = """instance_id, process_key, task_guid, element_id, name, form_key, candidate_role, candidate_org_id, assignee_id,
                 is_approval, status, default_escalation, created_at, due_at, completed_at, completed_by_id, outcome"""
    open_total = sum(OPEN.values()) + FINANCE_OPEN + OTHER_ROLES_OPEN
    held_by_others = 100_000 - open_total
    _step("human_task done", f"""
        WITH people AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS i FROM "user")
        INSERT INTO human_task ({columns})
        SELECT 1 + g % :instances, 'travel_request', md5(g::text), 'Task_ManagerApproval', '直接主管审批', 'approval.json', NULL, NULL, p.id,
               true, 'completed', false, timestamptz '2025-01-01' + (g % 700) * interval '1 day', NULL,
               timestamptz '2025-01-02' + (g % 700) * interval '1 day', p.id, 'approve'
        FROM generate_series(1, :done) g JOIN people p ON p.i = g % (SELECT count(*) FROM people)""",
          instances=INSTANCES, done=TASKS - 100_000 - ALREADY_ACTED)
    ready = f"""INSERT INTO human_task ({columns})
        SELECT 1 + (g * 7) % :instances, 'travel_request', md5('open' || :tag || g), 'Task_ManagerApproval', '直接主管审批',
               'approval.json', {{role}}, CASE WHEN {{role}} IS NULL THEN NULL ELSE {HQ} END, {{assignee}},
               {{approval}}, 'ready', false,
               timestamptz '2026-01-01' + (g % 300) * interval '1 hour',
               CASE WHEN g % 3 = 0 THEN timestamptz '2026-11-01' + (g % 90) * interval '1 day' END, NULL, NULL, NULL
        FROM generate_series(1, :count) g"""
    for username, count in OPEN.items():
        _step(f"open, held by {username}", ready.format(
            role="NULL", assignee=f"(SELECT id FROM \"user\" WHERE username = '{username}')", approval="true"),
            instances=INSTANCES, tag=username, count=count)
    _step("open, claimable by finance", ready.format(role="'finance'", assignee="NULL", approval="g % 2 = 0"),
          instances=INSTANCES, tag="finance", count=FINANCE_OPEN)
    _step("open, claimable by other roles", ready.format(
        role="(ARRAY['sales_admin', 'order_clerk', 'billing_clerk', 'warehouse', 'dispatcher', 'quality',"
             " 'statistician'])[1 + g % 7]", assignee="NULL", approval="false"),
        instances=INSTANCES, tag="roles", count=OTHER_ROLES_OPEN)
    _step("open, held by others", ready.format(
        role="NULL", approval="true",
        assignee="(SELECT id FROM \"user\" WHERE username NOT IN ('rep_east1', 'rm_east', 'finance') "
                 "ORDER BY id OFFSET (g % 20) LIMIT 1)"),
        instances=INSTANCES, tag="others", count=held_by_others)
    # finance approved an earlier step of 200 requests that wait on a finance approval now
    _step("finance acted before", f"""
        INSERT INTO human_task ({columns})
        SELECT t.instance_id, 'travel_request', md5('acted' || t.id), 'Task_DepartmentHeadApproval', '部门负责人审批', 'approval.json',
               'finance', {HQ}, f.id, true, 'completed', false, t.created_at - interval '1 day', NULL, t.created_at, f.id,
               'approve'
        FROM (SELECT id, instance_id, created_at FROM human_task
              WHERE status = 'ready' AND candidate_role = 'finance' AND is_approval ORDER BY id LIMIT :acted) t
        CROSS JOIN (SELECT id FROM "user" WHERE username = 'finance') f""", acted=ALREADY_ACTED)
    _step("analyze", "ANALYZE human_task")
    # the bars the commands would have kept: every requester, and finance where it approved before
    _step("task_bar requesters", """
        INSERT INTO task_bar (task_id, user_id, instance_id, reason)
        SELECT t.id, i.started_by_id, t.instance_id, 'requester'
        FROM human_task t JOIN process_instance i ON i.id = t.instance_id
        WHERE t.status = 'ready' AND t.is_approval""")
    _step("task_bar finance", """
        INSERT INTO task_bar (task_id, user_id, instance_id, reason)
        SELECT DISTINCT t.id, d.completed_by_id, t.instance_id, 'approver'
        FROM (SELECT instance_id, completed_by_id FROM human_task
              WHERE element_id = 'Task_DepartmentHeadApproval') d
        JOIN human_task t ON t.instance_id = d.instance_id
        WHERE t.status = 'ready' AND t.is_approval AND t.candidate_role = 'finance'
        ON CONFLICT DO NOTHING""")
    started = time.perf_counter()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM ANALYZE")
    print(f"  VACUUM ANALYZE: {time.perf_counter() - started:.1f} s", flush=True)


def _signed_in(app, username):
    """(API client headers, web client) for ``username``."""
    client = app.test_client()
    token = client.post("/api/v1/auth/token", json={"username": username, "password": "lanes-demo"}).get_json()["token"]
    web = app.test_client()
    page = web.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'name="csrf_token" value="([^"]+)"', page)
    response = web.post("/login", data={"username": username, "password": "lanes-demo", "csrf_token": csrf.group(1)})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return {"Authorization": f"Bearer {token}"}, client, web


def _time(run, backend) -> tuple[float, float, object]:
    """(wall ms, CPU ms, response) of one request."""
    wall, cpu, server = time.perf_counter(), time.process_time(), _backend_cpu_s(backend)
    response = run()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu + _backend_cpu_s(backend) - server
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return wall * 1000, cpu * 1000, response


def _p95(values):
    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]


def measure(app, runs: int) -> bool:
    import sqlalchemy as sa

    from app.extensions import db

    with app.app_context():
        backend = db.session.scalar(sa.text("SELECT pg_backend_pid()"))
        rows = db.session.scalar(sa.text("SELECT count(*) FROM human_task"))
        ready = db.session.scalar(sa.text("SELECT count(*) FROM human_task WHERE status = 'ready'"))
        db.session.remove()
    print(f"\n{rows:,} task rows, {ready:,} open; {runs} rounds after {WARM_UP_ROUNDS} to warm up, "
          "every request once a round")
    print("(interleaved: each round goes through them all, so all see the same machine); wall p50 / p95,")
    print("CPU mean (the backend's CPU is read in 10 ms ticks: one request's is coarse, the mean is not)\n")
    print(f"{'request':<40} {'listed':>7} {'wall p50':>9} {'wall p95':>9} {'CPU mean':>9}")
    requests = []  # (label, is_list, run)
    for username in PEOPLE:
        headers, api, web = _signed_in(app, username)
        first = api.get("/api/v1/tasks", headers=headers)
        after = first.headers.get("X-Next-After")
        task_id = first.get_json()[0]["id"]
        page_link = re.search(r'rel="next" href="([^"]+)"', web.get("/").get_data(as_text=True))
        mine = [("API first page", True, lambda api=api, headers=headers: api.get("/api/v1/tasks", headers=headers)),
                ("web inbox first page", True, lambda web=web: web.get("/"))]
        if after:
            mine.append(("API second page", True, lambda api=api, headers=headers, after=after: api.get(
                f"/api/v1/tasks?after={after}", headers=headers)))
        if page_link:
            second = page_link.group(1).replace("&amp;", "&")
            mine.append(("web inbox second page", True, lambda web=web, second=second: web.get(second)))
        mine += [("API task detail", False, lambda api=api, headers=headers, task_id=task_id: api.get(
                     f"/api/v1/tasks/{task_id}", headers=headers)),
                 ("web task page", False, lambda web=web, task_id=task_id: web.get(f"/tasks/{task_id}"))]
        requests += [(f"{username}: {label}", is_list, run) for label, is_list, run in mine]
    samples = {label: [] for label, _, _ in requests}
    last = {}
    for round_number in range(WARM_UP_ROUNDS + runs):
        for label, _, run in requests:
            wall, cpu, last[label] = _time(run, backend)
            if round_number >= WARM_UP_ROUNDS:
                samples[label].append((wall, cpu))
    met = True
    for label, is_list, _ in requests:
        response = last[label]
        listed = len(response.get_json()) if ": API" in label and is_list else (
            response.get_data(as_text=True).count('<li class="task') if is_list else 1)
        walls = [wall for wall, _ in samples[label]]
        p95 = _p95(walls)
        if is_list and p95 > TARGET_MS:
            met = False
        print(f"{label:<40} {listed:>7} {statistics.median(walls):>9.1f} {p95:>9.1f} "
              f"{statistics.fmean(cpu for _, cpu in samples[label]):>9.1f}", flush=True)
    print(f"\nlist pages p95 ≤ {TARGET_MS} ms wall: {'met' if met else 'NOT met'}")
    return met


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--keep", action="store_true", help="measure the filled database again")
    args = parser.parse_args()
    from bench.audit_find import _app
    from app.config import normalise_database_url

    url = normalise_database_url(args.database_url)
    # one pooled connection: one PostgreSQL backend, whose CPU time is read
    app = _app(url, wipe=not args.keep, SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 1, "max_overflow": 0})
    if not args.keep:
        with app.app_context():
            fill()
    gc.collect()
    gc.freeze()  # as wsgi.py does for a served app: start-up objects stay out of full collections
    measure(app, args.runs)


if __name__ == "__main__":
    main()
