"""The floor under a step's cost on SQLite (issue 24, target 3): what the
statements one step must send cost on their own, with no application code.

One step of the ten-step diagram through the service layer (the same as
``bench/step_ratio.py``) is recorded statement by statement, with its
parameters, as the driver received them. The database as it stood before
that step is copied aside, and the recorded statements are replayed on the
copy, each time in a transaction that is rolled back: through the bare
driver (``sqlite3``) and through SQLAlchemy's thinnest path
(``exec_driver_sql``: no ORM, no SQL compilation). Each replay is
interleaved with a bare engine step, all in CPU time, and the bench prints
the medians and what they make of the target (≤ 1.5× the bare engine): the
share of the bare step the statements alone take, before any lock, check,
form, audit hash or read model is worked out.

    .venv/bin/python bench/step_floor.py [--samples 400]
"""
import argparse
import os
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.engine_overhead import _app_for  # noqa: E402
from bench.step_ratio import bare_stepper  # noqa: E402
from bench.ten_steps import FORM, bench_bpmn  # noqa: E402

_TRANSACTION = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


def recorded_step(path: str) -> list[tuple[str, object, bool]]:
    """(statement, parameters, many) of one service-layer step, the database
    before it copied to ``path + '.before'``."""
    from sqlalchemy import event, select

    from app.extensions import db
    from app.models import HumanTask, TaskStatus
    from app.services import accounts, deployment, instances, tasks

    app = _app_for("sqlite:///" + path)
    with app.app_context():
        accounts.create_user("bench", "step-timer-password", roles=["sales_rep"])
        deployment.deploy({"bench_ten_steps.bpmn": bench_bpmn().encode(), "bench_step.json": FORM.encode()})
        user = accounts.find_user("bench")
        db.session.commit()
        instance_id = instances.start_instance("bench_ten_steps", {}, user).id

        def ready():
            return db.session.scalar(select(HumanTask.id).where(HumanTask.instance_id == instance_id,
                                                                HumanTask.status == TaskStatus.ready))

        for _ in range(3):  # a step in the middle of a request, as step_ratio.py times them
            tasks.complete_task(ready(), user, {"decision": "approve"})
        task_id = ready()
        db.session.remove()
        db.engine.dispose()
        shutil.copy(path, path + ".before")
        sent = []

        def record(_conn, _cursor, statement, params, _context, many):
            if not statement.lstrip().upper().startswith(_TRANSACTION):
                sent.append((statement, params, many))

        event.listen(db.engine, "before_cursor_execute", record)
        tasks.complete_task(task_id, user, {"decision": "approve"})
        event.remove(db.engine, "before_cursor_execute", record)
        db.session.remove()
        db.engine.dispose()
    return sent


def main() -> None:
    import sqlalchemy as sa

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--samples", type=int, default=400)
    args = parser.parse_args()
    path = os.path.join(tempfile.mkdtemp(prefix="lanes-floor-"), "bench.db")
    sent = recorded_step(path)
    driver = sqlite3.connect(path + ".before", isolation_level=None)
    engine = sa.create_engine("sqlite:///" + path + ".before")

    def by_driver():
        driver.execute("BEGIN IMMEDIATE")
        for statement, params, many in sent:
            if many:
                driver.executemany(statement, params)
            else:
                driver.execute(statement, params).fetchall()
        driver.execute("ROLLBACK")

    def by_sqlalchemy():
        with engine.connect() as connection:
            for statement, params, many in sent:
                result = connection.exec_driver_sql(statement, list(params) if many else params)
                if result.returns_rows:
                    result.fetchall()
            connection.rollback()

    fresh, bare_step = bare_stepper()
    samples = {"bare": [], "driver": [], "sqlalchemy": []}
    state = fresh()
    for n in range(args.samples + 20):  # the first 20 warm up
        if n % 10 == 0:
            state = fresh()
        for name, run in (("driver", by_driver), ("sqlalchemy", by_sqlalchemy), ("bare", None)):
            cpu = time.process_time()
            if run is None:
                state = bare_step(state)
            else:
                run()
            if n >= 20:
                samples[name].append(time.process_time() - cpu)
    bare, by_driver_ms, by_sqlalchemy_ms = (1000 * statistics.median(samples[name])
                                            for name in ("bare", "driver", "sqlalchemy"))
    print(f"one step sends {len(sent)} statements (transaction control left out); CPU medians of {args.samples}:")
    print(f"  bare engine step                           {bare:.3f} ms")
    print(f"  its statements through the bare driver      {by_driver_ms:.3f} ms  ({by_driver_ms / bare:.2f}× the bare step)")
    print(f"  its statements through SQLAlchemy's thinnest path  {by_sqlalchemy_ms:.3f} ms  "
          f"({by_sqlalchemy_ms / bare:.2f}× the bare step)")
    print(f"  so a step costs at least {1 + by_driver_ms / bare:.2f}× the bare engine with the bare driver, "
          f"{1 + by_sqlalchemy_ms / bare:.2f}× through SQLAlchemy, before any of its own work (target ≤ 1.5×)")


if __name__ == "__main__":
    main()
