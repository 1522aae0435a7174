"""Schemathesis against the live OpenAPI for a fixed time: a scratch SQLite
with the demo organisation and every diagram deployed, one travel request
running, served by gunicorn on loopback; ``st run`` sends what the document
allows and what it does not, as process_admin. Prints the requests by status
class and every server error (5xx) from the server's own access log.

    .venv/bin/python bench/schema_fuzz.py --seconds 300

Exits 1 when any request got a 5xx. Not part of ``make test``."""
import argparse
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"
PASSWORD = "lanes-demo"
TRIP = {"purpose": "年度合同续签", "reason": "拜访华东客户", "destination": "上海", "start_date": "2026-12-01", "end_date": "2026-12-03",
        "transport": "火车", "estimated_cost": 2500}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _post(base: str, path: str, body: dict, token: str | None = None) -> dict:
    headers = {"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})}
    request = urllib.request.Request(base + path, json.dumps(body).encode(), headers)
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def _token(base: str, username: str) -> str:
    return _post(base, "/api/v1/auth/token", {"username": username, "password": PASSWORD})["token"]


def _wait_for(base: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base + "/api/v1/openapi.json", timeout=5).close()
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("the server did not come up")


def _prepare(env: dict) -> None:
    for command in (["db", "upgrade"], ["demo", "load"], ["processes", "deploy"]):
        subprocess.run([str(BIN / "flask"), "--app", "wsgi", *command], cwd=ROOT, env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _counts(access_log: Path) -> tuple[Counter, list[str]]:
    by_class, errors = Counter(), []
    for line in access_log.read_text(encoding="utf-8", errors="replace").splitlines():
        match = re.match(r"(\d{3}) (\S+) (.*)", line)
        if match:
            by_class[f"{match.group(1)[0]}xx"] += 1
            if match.group(1).startswith("5"):
                errors.append(line[:300])
    return by_class, errors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=300, help="schemathesis' time budget")
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="lanes-fuzz-"))
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{scratch / 'fuzz.db'}", "SECRET_KEY": "fuzz-only"}
    _prepare(env)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    access_log = scratch / "access.log"
    server = subprocess.Popen([str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", "1",
                               "--timeout", "120", "--access-logfile", str(access_log),
                               "--access-logformat", "%(s)s %(m)s %(U)s", "wsgi:app"],
                              cwd=ROOT, env=env, stderr=open(scratch / "server.log", "w"))
    try:
        _wait_for(base)
        _post(base, "/api/v1/process-instances", {"process_key": "travel_request", "data": TRIP},
              _token(base, "rep_east1"))
        command = [str(BIN / "st"), "run", f"{base}/api/v1/openapi.json", "--max-time", str(args.seconds),
                   "--workers", "1", "--checks", "not_a_server_error", "--continue-on-failure",
                   "--request-timeout", "60", "-H", f"Authorization: Bearer {_token(base, 'process_admin')}",
                   *(["--seed", str(args.seed)] if args.seed is not None else [])]
        started = time.monotonic()
        fuzz = subprocess.run(command, cwd=scratch, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        elapsed = time.monotonic() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    (scratch / "st.log").write_text(fuzz.stdout, encoding="utf-8")
    by_class, errors = _counts(access_log)
    print(f"schemathesis ran {elapsed:.0f} s (exit {fuzz.returncode}); its output: {scratch / 'st.log'}")
    print("requests: " + ", ".join(f"{name} {count}" for name, count in sorted(by_class.items()))
          + f"; total {sum(by_class.values())}")
    print(f"server errors (5xx): {len(errors)}")
    for line in errors[:20]:
        print("  " + line)
    print("server log (tracebacks): " + str(scratch / "server.log"))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
