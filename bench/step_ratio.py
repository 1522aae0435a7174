"""A step through the service layer against the bare engine, in CPU time,
interleaved (issue 24, target 3).

Each sample is one bare SpiffWorkflow step (deserialise the stock JSON,
complete the ready user task, run engine steps, serialise) followed at once
by one step of the same ten-step diagram through the service layer
(``tasks.complete_task``: lock, segregation, form, engine, audit, task rows,
read models, commit). Both are timed with this process's CPU clock; on
PostgreSQL the backend's CPU (one pooled connection, read from /proc) is
added to the service step. Interleaving puts both under the same machine
load, so the ratio holds on a shared machine where wall times swing.

Prints, per backend, the CPU medians of each of ``--rounds`` rounds of
``--steps`` samples and the ratio service/bare (min / median / max over the
rounds), with wall medians beside them; the targets are ≤ 1.5× on SQLite
and ≤ 2.5× on PostgreSQL (client plus server).

    .venv/bin/python bench/step_ratio.py [--steps 200] [--rounds 3]
        [--postgres postgresql://postgres@127.0.0.1:5432/lanes_bench]   (wiped)
"""
import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.audit_find import _backend_cpu_s  # noqa: E402
from bench.engine_overhead import _app_for  # noqa: E402
from bench.ten_steps import FORM, bench_bpmn  # noqa: E402

TARGETS = {"SQLite": 1.5, "PostgreSQL": 2.5}


def bare_stepper():
    """(fresh, step): the bare engine's new state and one step on a state."""
    from lxml import etree
    from SpiffWorkflow.bpmn import BpmnWorkflow
    from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
    from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter
    from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser
    from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
    from SpiffWorkflow.util.task import TaskState

    from app.workflow.engine import LanesWorkflow

    parser = SpiffBpmnParser(validator=VALIDATOR)
    parser.add_bpmn_xml(etree.ElementTree(etree.fromstring(bench_bpmn().encode())), filename="bench.bpmn")
    spec = parser.get_spec("bench_ten_steps")
    config = {k: v for k, v in SPIFF_CONFIG.items() if k is not BpmnWorkflow}
    config[LanesWorkflow] = BpmnWorkflowConverter
    serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(config))

    def fresh():
        workflow = LanesWorkflow(spec)
        workflow.do_engine_steps()
        return serializer.serialize_json(workflow)

    def step(state):
        workflow = serializer.deserialize_json(state)
        task = workflow.get_tasks(state=TaskState.READY, manual=True)[0]
        task.data.update({"decision": "approve"})
        task.run()
        workflow.do_engine_steps()
        return serializer.serialize_json(workflow)

    return fresh, step


def measure(url: str, steps: int, rounds: int) -> list[dict]:
    from sqlalchemy import select, text

    from app.extensions import db
    from app.models import HumanTask, TaskStatus
    from app.services import accounts, deployment, instances, tasks

    fresh, bare_step = bare_stepper()
    app = _app_for(url)
    results = []
    with app.app_context():
        accounts.create_user("bench", "step-timer-password", roles=["sales_rep"])
        deployment.deploy({"bench_ten_steps.bpmn": bench_bpmn().encode(), "bench_step.json": FORM.encode()})
        user = accounts.find_user("bench")
        backend = db.session.scalar(text("SELECT pg_backend_pid()")) if url.startswith("postgresql") else None
        db.session.commit()

        def service_step(instance_id):
            task_id = db.session.scalar(select(HumanTask.id).where(
                HumanTask.instance_id == instance_id, HumanTask.status == TaskStatus.ready))
            wall, cpu = time.perf_counter(), time.process_time()
            server = _backend_cpu_s(backend) if backend else 0.0
            tasks.complete_task(task_id, user, {"decision": "approve"})
            server = (_backend_cpu_s(backend) - server) if backend else 0.0
            return time.process_time() - cpu + server, time.perf_counter() - wall

        for round_no in range(rounds + 1):  # round 0 warms up
            bare_cpu, bare_wall, service_cpu, service_wall = [], [], [], []
            state, instance_id, left = fresh(), None, 0
            for _ in range(steps):
                if left == 0:  # ten steps a request, then a new one on both sides
                    state, left = fresh(), 10
                    instance_id = instances.start_instance("bench_ten_steps", {}, user).id
                wall, cpu = time.perf_counter(), time.process_time()
                state = bare_step(state)
                bare_cpu.append(time.process_time() - cpu)
                bare_wall.append(time.perf_counter() - wall)
                cpu_s, wall_s = service_step(instance_id)
                service_cpu.append(cpu_s)
                service_wall.append(wall_s)
                left -= 1
            if round_no:
                results.append({name: 1000 * statistics.median(values) for name, values in (
                    ("bare_cpu", bare_cpu), ("bare_wall", bare_wall),
                    ("service_cpu", service_cpu), ("service_wall", service_wall))})
        db.session.remove()
    return results


def _spread(values) -> str:
    values = sorted(values)
    return f"{values[0]:.2f} / {statistics.median(values):.2f} / {values[-1]:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--postgres", help="also measure on this PostgreSQL database (it is wiped)")
    args = parser.parse_args()
    backends = [("SQLite", "sqlite:///" + os.path.join(tempfile.mkdtemp(prefix="lanes-bench-"), "bench.db"))]
    if args.postgres:
        backends.append(("PostgreSQL", args.postgres))
    for name, url in backends:
        rounds = measure(url, args.steps, args.rounds)
        ratios = [r["service_cpu"] / r["bare_cpu"] for r in rounds]
        print(f"\n{name}: {args.steps} interleaved steps × {args.rounds} rounds (min / median / max of round medians)")
        print(f"  bare engine   CPU ms {_spread([r['bare_cpu'] for r in rounds])}   wall ms "
              f"{_spread([r['bare_wall'] for r in rounds])}")
        label = "service (+server)" if name == "PostgreSQL" else "service layer"
        print(f"  {label:<13} CPU ms {_spread([r['service_cpu'] for r in rounds])}   wall ms "
              f"{_spread([r['service_wall'] for r in rounds])}")
        met = statistics.median(ratios) <= TARGETS[name]
        print(f"  ratio (CPU): {_spread(ratios)}  target ≤ {TARGETS[name]}×: {'met' if met else 'NOT met'}")


if __name__ == "__main__":
    main()
