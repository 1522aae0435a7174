"""What the platform adds to the engine, and what long histories cost.

(a) bare SpiffWorkflow, in memory: deserialise + complete one user task +
    engine steps + serialise (the stock serializer, spec included);
(b) the same step through the service layer: lock and load the instance,
    check the performer, validate the form, complete, audit, human-task
    rows, commit — on SQLite and, with --postgres URL, on PostgreSQL.
Then the cost of one step after 0, 100 and 1000 rejection loops, for (a)
and for (b).

    .venv/bin/python bench/engine_overhead.py [--runs 200] [--postgres postgresql://postgres@127.0.0.1:5432/lanes_bench]

The PostgreSQL database is wiped (schema public dropped) before the run.
"""
import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.ten_steps import FORM, bench_bpmn  # noqa: E402


def _median_ms(samples):
    return statistics.median(samples) * 1000


# -- (a) bare engine -------------------------------------------------------------
def bare_engine(runs: int, loops_at=(0, 100, 1000)):
    from SpiffWorkflow.bpmn import BpmnWorkflow
    from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
    from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter
    from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser
    from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
    from SpiffWorkflow.util.task import TaskState
    from lxml import etree

    parser = SpiffBpmnParser(validator=VALIDATOR)
    parser.add_bpmn_xml(etree.ElementTree(etree.fromstring(bench_bpmn().encode())), filename="bench.bpmn")
    spec = parser.get_spec("bench_ten_steps")
    # The stock serializer (spec inside every state, nothing pruned); only the
    # iterator's depth limit is lifted, else the loops below stall at ~250.
    from app.workflow.engine import LanesWorkflow

    config = {k: v for k, v in SPIFF_CONFIG.items() if k is not BpmnWorkflow}
    config[LanesWorkflow] = BpmnWorkflowConverter
    serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(config))

    def step(state, decision):
        workflow = serializer.deserialize_json(state)
        task = workflow.get_tasks(state=TaskState.READY, manual=True)[0]
        task.data.update({"decision": decision})
        task.run()
        workflow.do_engine_steps()
        return serializer.serialize_json(workflow)

    def fresh():
        workflow = LanesWorkflow(spec)
        workflow.do_engine_steps()
        return serializer.serialize_json(workflow)

    samples = []
    for _ in range(max(1, runs // 10)):
        state = fresh()
        for _ in range(10):
            started = time.perf_counter()
            state = step(state, "approve")
            samples.append(time.perf_counter() - started)
    per_loop = {}
    state, done = fresh(), 0
    for target in loops_at:
        while done < target:
            state = step(step(state, "approve"), "reject")
            done += 1
        timings = []
        for _ in range(5):
            started = time.perf_counter()
            step(state, "approve")
            timings.append(time.perf_counter() - started)
        per_loop[target] = (_median_ms(timings), len(state))
    return _median_ms(samples), per_loop


# -- (b) service layer ----------------------------------------------------------------
def _app_for(url: str):
    import flask_migrate
    import sqlalchemy as sa

    from app import create_app
    from app.config import normalise_database_url
    from app.extensions import db

    url = normalise_database_url(url)
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


def service_layer(url: str, runs: int, loops_at=(0, 100, 1000)):
    from sqlalchemy import select

    from app.extensions import db
    from app.models import HumanTask, TaskStatus
    from app.services import accounts, deployment, instances, tasks

    app = _app_for(url)
    with app.app_context():
        accounts.create_user("bench", "step-timer-password", roles=["sales_rep"])
        deployment.deploy({"bench_ten_steps.bpmn": bench_bpmn().encode(), "bench_step.json": FORM.encode()})
        user = accounts.find_user("bench")

        def ready_task(instance_id):
            return db.session.scalar(select(HumanTask.id).where(
                HumanTask.instance_id == instance_id, HumanTask.status == TaskStatus.ready))

        def step(instance_id, decision):
            task_id = ready_task(instance_id)
            started = time.perf_counter()
            tasks.complete_task(task_id, user, {"decision": decision})
            return time.perf_counter() - started

        samples = []
        for _ in range(max(1, runs // 10)):
            instance_id = instances.start_instance("bench_ten_steps", {}, user).id
            samples.extend(step(instance_id, "approve") for _ in range(10))
        per_loop = {}
        instance_id, done = instances.start_instance("bench_ten_steps", {}, user).id, 0
        for target in loops_at:
            while done < target:
                step(instance_id, "approve")
                step(instance_id, "reject")
                done += 1
            timings = []
            for _ in range(5):  # each probe goes step 1 -> 2 -> back to 1
                timings.append(step(instance_id, "approve"))
                step(instance_id, "reject")
                done += 1
            state_size = len(instances.get_instance(instance_id).state)
            per_loop[target] = (_median_ms(timings), state_size)
        db.session.remove()
    return _median_ms(samples), per_loop


def _report_loops(label, per_loop):
    first = per_loop[min(per_loop)][0]
    for loops, (ms, size) in sorted(per_loop.items()):
        print(f"  {label:<22} after {loops:>4} loops: {ms:7.2f} ms/step  state {size / 1024:7.1f} KiB  ({ms / first:4.2f}x the first)")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=200, help="user-task steps timed for the medians")
    parser.add_argument("--postgres", help="also measure on this PostgreSQL database (it is wiped)")
    args = parser.parse_args()

    bare_ms, bare_loops = bare_engine(args.runs)
    print(f"(a) bare SpiffWorkflow, in memory:          {bare_ms:7.2f} ms/step (median of {args.runs})")
    backends = [("SQLite", "sqlite:///" + os.path.join(tempfile.mkdtemp(prefix="lanes-bench-"), "bench.db"))]
    if args.postgres:
        backends.append(("PostgreSQL", args.postgres))
    results = {}
    for name, url in backends:
        ms, loops = service_layer(url, args.runs)
        results[name] = (ms, loops)
        print(f"(b) service layer on {name:<11}           {ms:7.2f} ms/step  -> b/a = {ms / bare_ms:4.2f}")
    print("\nOne step after N rejection loops:")
    _report_loops("(a) bare engine", bare_loops)
    for name, (_, loops) in results.items():
        _report_loops(f"(b) {name}", loops)


if __name__ == "__main__":
    main()
