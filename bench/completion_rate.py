"""Task completions per second over HTTP on PostgreSQL (issue 24, target 2).

Fills a PostgreSQL database (wiped: schema public dropped) with the demo
organisation, the deployed diagrams and ``--runs`` × ``--per-run`` travel
requests started through the service layer, each waiting at its direct
manager's approval (rm_east's). Then serves the app with gunicorn on
loopback (``--workers``) and, per run, lets ``--clients`` threads of this
process post ``POST /api/v1/tasks/{id}/complete`` (approve) with rm_east's
bearer token, keep-alive, until the run's tasks are done or ``--seconds``
pass. Every completion starts the department head's step, as in real use.

Per run: completions, errors (any status but 200), completions per second,
p50 and p95 latency (ms), and CPU ms per completion: the gunicorn workers
and the PostgreSQL backends of this database (from /proc), beside the load
generator's own CPU (not counted: it is the clients). The summary gives
min / median / max over the runs and says whether the target holds:
≥ 200 completions/s, 0 errors, p95 ≤ 100 ms.

    .venv/bin/python bench/completion_rate.py [--database-url postgresql://postgres@127.0.0.1:5432/lanes_rate_bench]
        [--workers 2] [--clients 8] [--per-run 600] [--runs 3] [--seconds 60]

Not part of ``make test``: the machine is shared, so compare CPU per
completion first and the rate second."""
import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent

from bench.audit_find import _app, _backend_cpu_s  # noqa: E402

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/lanes_rate_bench"
TRIP = {"purpose": "拜访华东客户", "reason": "客户提出现场需求", "destination": "上海", "start_date": "2026-12-01",
        "end_date": "2026-12-03", "transport": "火车", "estimated_cost": 2500}
APPROVE = json.dumps({"data": {"decision": "approve", "comment": "同意"}}).encode()
TARGET_RATE, TARGET_P95_MS = 200, 100


def fill(total: int) -> None:
    """The organisation, the diagrams and ``total`` travel requests."""
    from app.demo.organisation import load_demo_organisation
    from app.extensions import db
    from app.services import deployment
    from app.services.accounts import find_user
    from app.services.instances import start_instance

    load_demo_organisation()
    db.session.commit()
    deployment.deploy(deployment.files_from_paths(list(deployment.DEFAULT_DIRS)))
    db.session.commit()
    rep = find_user("rep_east1")
    started = time.perf_counter()
    for n in range(total):
        start_instance("travel_request", TRIP, rep, business_key=f"TR-BENCH-{n}")
    print(f"  {total} travel requests started: {time.perf_counter() - started:.1f} s", flush=True)


def _scalars(url: str, sql: str) -> list:
    """The first column of ``sql``'s rows, on a connection of its own."""
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.connect() as connection:
        values = list(connection.execute(sa.text(sql)).scalars())
    engine.dispose()
    return values


def open_task_ids(url: str) -> list[int]:
    return _scalars(url, "SELECT id FROM human_task WHERE status = 'ready' AND element_id = 'Task_ManagerApproval' "
                         "ORDER BY id")


def _backend_pids(url: str) -> list[int]:
    return _scalars(url, "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                         "AND pid <> pg_backend_pid()")


def _children(parent: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == parent:
                found.append(int(entry.name))
    return found


def _cpu(pids) -> dict[int, float]:
    times = {}
    for pid in pids:
        try:
            times[pid] = _backend_cpu_s(pid)
        except OSError:
            pass
    return times


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _token(port: int) -> str:
    request = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/auth/token", method="POST",
                                     data=json.dumps({"username": "rm_east", "password": "lanes-demo"}).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)["token"]


def _wait_for(port: int, server: subprocess.Popen) -> None:
    for _ in range(300):
        if server.poll() is not None:
            raise SystemExit("gunicorn ended before it served anything")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2).read()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not answer in 60 s")


def run_once(port: int, token: str, ids: list[int], clients: int, seconds: float) -> dict:
    """Post the completions of ``ids`` from ``clients`` threads."""
    lock, queue = threading.Lock(), iter(ids)
    latencies, errors = [], []
    deadline = time.monotonic() + seconds
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def client():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while time.monotonic() < deadline:
            with lock:
                task_id = next(queue, None)
            if task_id is None:
                break
            sent = time.perf_counter()
            try:
                connection.request("POST", f"/api/v1/tasks/{task_id}/complete", body=APPROVE, headers=headers)
                response = connection.getresponse()
                body = response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as exc:
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                status, body = 0, str(exc).encode()
            took = time.perf_counter() - sent
            with lock:
                if status == 200:
                    latencies.append(took)
                else:
                    errors.append(f"{status} {body[:200]!r}")
        connection.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    wall, cpu = time.perf_counter(), time.process_time()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    latencies.sort()
    return {"done": len(latencies), "errors": errors, "wall": wall, "client_cpu": cpu,
            "p50": 1000 * statistics.median(latencies) if latencies else 0.0,
            "p95": 1000 * latencies[int(0.95 * (len(latencies) - 1))] if latencies else 0.0}


def _delta(before: dict, after: dict) -> float:
    return sum(after[pid] - before.get(pid, 0.0) for pid in after)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--per-run", type=int, default=600)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()
    from app.config import normalise_database_url

    url = normalise_database_url(args.database_url)
    print(f"filling {url} …", flush=True)
    app = _app(url, wipe=True)
    with app.app_context():
        fill(args.per_run * args.runs)
    ids = open_task_ids(url)
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "bench", "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"}
    server = subprocess.Popen([str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers),
                               "--timeout", "120", "wsgi:app"], cwd=ROOT, env=env, stderr=subprocess.DEVNULL)
    results = []
    try:
        _wait_for(port, server)
        token = _token(port)
        for number in range(args.runs):
            batch = ids[number * args.per_run:(number + 1) * args.per_run]
            workers = _children(server.pid)
            before_app, before_db = _cpu(workers), _cpu(_backend_pids(url))
            result = run_once(port, token, batch, args.clients, args.seconds)
            result["app_cpu"] = _delta(before_app, _cpu(workers))
            result["db_cpu"] = _delta(before_db, _cpu(_backend_pids(url)))
            result["server_cpu"] = result["app_cpu"] + result["db_cpu"]
            results.append(result)
            done = max(result["done"], 1)
            print(f"run {number + 1}: {result['done']} completions in {result['wall']:.1f} s = "
                  f"{result['done'] / result['wall']:.0f}/s; errors {len(result['errors'])}; "
                  f"p50 {result['p50']:.0f} ms, p95 {result['p95']:.0f} ms; "
                  f"server CPU {1000 * result['server_cpu'] / done:.1f} ms per completion "
                  f"(gunicorn {1000 * result['app_cpu'] / done:.1f} + PostgreSQL {1000 * result['db_cpu'] / done:.1f}); "
                  f"client CPU {1000 * result['client_cpu'] / done:.1f} ms", flush=True)
            for line in result["errors"][:5]:
                print("   error: " + line)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return _summary(results, args)


def _summary(results: list[dict], args) -> int:
    def spread(values):
        values = sorted(values)
        return f"{values[0]:.1f} / {statistics.median(values):.1f} / {values[-1]:.1f}"

    rates = [r["done"] / r["wall"] for r in results]
    cpu = [1000 * r["server_cpu"] / max(r["done"], 1) for r in results]
    print(f"\n{args.workers} gunicorn workers, {args.clients} clients, {args.per_run} tasks per run "
          f"(min / median / max of {len(results)}):")
    print(f"  completions per second: {spread(rates)}")
    print(f"  p95 ms: {spread([r['p95'] for r in results])}")
    print(f"  server CPU ms per completion: {spread(cpu)}")
    print(f"  errors: {sum(len(r['errors']) for r in results)}")
    met = (statistics.median(rates) >= TARGET_RATE and not any(r["errors"] for r in results)
           and statistics.median([r["p95"] for r in results]) <= TARGET_P95_MS)
    print(f"target (≥ {TARGET_RATE}/s, 0 errors, p95 ≤ {TARGET_P95_MS} ms): {'met' if met else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
