"""Benchmark of signed audit checkpoints over a large log: N chains of E
events each (real hash chains, inserted directly), then the time to sign a
checkpoint, export it, verify it against the log, and build one instance's
inclusion proof. Prints CPU and wall seconds.

    .venv/bin/python -m bench.audit_checkpoints [CHAINS] [EVENTS_PER_CHAIN] [DATABASE_URL]

Default: 100,000 chains of 10 events (1,000,000 events) in a fresh SQLite
file under a temporary folder."""
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

import flask_migrate

from app import create_app
from app.audit.chain import event_hash
from app.audit.merkle import inclusion_path, leaf_hash
from app.extensions import db
from app.models import AuditEvent
from app.services import checkpoints

AT = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)


@contextmanager
def timed(label: str, results: dict):
    cpu, wall = time.process_time(), time.perf_counter()
    yield
    results[label] = (time.process_time() - cpu, time.perf_counter() - wall)
    print(f"{label:<28} cpu {results[label][0]:8.2f} s   wall {results[label][1]:8.2f} s", flush=True)


def _fill(chains: int, per_chain: int, batch: int = 20_000) -> None:
    rows = []
    table = AuditEvent.__table__
    for number in range(chains):
        prev = ""
        for seq in range(1, per_chain + 1):
            fields = {"chain": f"instance:{number + 1}", "seq": seq, "at": AT, "kind": "task_completed",
                      "element_id": "Task_Step", "task_id": f"guid-{number}-{seq}", "actor": "bench",
                      "on_behalf_of": None, "data": {"decision": "approve", "n": seq}}
            digest = event_hash(prev, fields)
            rows.append({**fields, "instance_id": None, "prev_hash": prev, "hash": digest})
            prev = digest
        if len(rows) >= batch:
            db.session.execute(table.insert(), rows)
            rows = []
    if rows:
        db.session.execute(table.insert(), rows)
    db.session.commit()


def main(chains: int, per_chain: int, url: str | None) -> None:
    folder = Path(tempfile.mkdtemp(prefix="lanes-bench-"))
    app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url or f"sqlite:///{folder / 'bench.db'}",
                      "AUDIT_SIGNING_KEY_PATH": str(folder / "key.pem")})
    results: dict = {}
    with app.app_context():
        flask_migrate.upgrade()
        checkpoints.new_key_file(str(folder / "key.pem"))
        with timed(f"fill {chains * per_chain:,} events", results):
            _fill(chains, per_chain)
        with timed("sign a checkpoint", results):
            made = checkpoints.make_checkpoint(None)
        with timed("export it (recompute leaves)", results):
            doc = checkpoints.export(made)
        with timed("verify it against the log", results):
            verdict = checkpoints.verify_export(doc, made.public_key)
        with timed("one instance's proof", results):
            leaves = checkpoints.leaves_of(made)
            inclusion_path([leaf_hash(*leaf) for leaf in leaves], len(leaves) // 2)
        print(f"{made.leaf_count:,} chains; verdict {'OK' if verdict.ok else verdict.problems or verdict.findings[:3]}")


if __name__ == "__main__":
    args = sys.argv[1:]
    main(int(args[0]) if args else 100_000, int(args[1]) if len(args) > 1 else 10, args[2] if len(args) > 2 else None)
