"""The heatmap's summary rows (app/services/step_summaries.py): the buckets
keep percentiles exact at their precision; after a rejection loop, a
delegation and a cancellation the counts and histograms equal a recount
from the step_visit and instance_summary rows; the migration's backfill
counts the same; and two people completing tasks of the same step at once
on PostgreSQL both count."""
import importlib.util
import random
import threading
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select

from app.demo.organisation import load_demo_organisation
from app.extensions import db
from app.models import CycleDuration, HumanTask, InstanceSummary, StepCount, StepDuration, StepVisit, TaskStatus
from app.services import accounts, deployment, instances, tasks
from app.services.percentiles import nearest_rank
from app.services.step_summaries import MEASURES, bucket, cycle_month, histogram_percentiles
from tests.engine.test_concurrency import TRIP
from tests.support.travel_claims import run_travel_claims

MIGRATION = next((Path(__file__).resolve().parents[2] / "migrations" / "versions").glob("*_step_summaries__*.py"))
HOUR, DAY = 3600, 86400


@pytest.mark.parametrize("seconds, first", [(0, 0), (59, 59), (61, 60), (3599, 3540), (48 * HOUR - 1, 48 * HOUR - 60),
                                            (48 * HOUR + 7 * 60, 48 * HOUR + 6 * 60), (30 * DAY - 1, 30 * DAY - 360),
                                            (30 * DAY + 3700, 30 * DAY + HOUR), (None, None)])
def test_a_duration_falls_in_the_bucket_of_its_precision(seconds, first):
    assert bucket(seconds) == first


@pytest.mark.parametrize("seed", range(5))
def test_the_histogram_percentile_is_the_exact_one_at_bucket_precision(seed):
    draw = random.Random(seed)
    values = sorted(int(draw.expovariate(1 / draw.choice((30, HOUR, 3 * DAY, 60 * DAY))))
                    for _ in range(draw.randint(1, 400)))
    histogram = Counter(bucket(value) for value in values)
    assert histogram_percentiles(histogram.items()) == (bucket(nearest_rank(values, 0.5)),
                                                        bucket(nearest_rank(values, 0.9)))
    assert histogram_percentiles([]) == (None, None)


def _summary() -> dict:
    """Every summary row, as plain tuples."""
    return {"steps": sorted(db.session.execute(select(
                StepCount.definition_id, StepCount.element_id, StepCount.visits, StepCount.rework,
                StepCount.completed, StepCount.breached)).all()),
            "durations": sorted(db.session.execute(select(
                StepDuration.definition_id, StepDuration.element_id, StepDuration.measure, StepDuration.bucket,
                StepDuration.count)).all()),
            "cycles": sorted(db.session.execute(select(
                CycleDuration.definition_id, CycleDuration.month, CycleDuration.bucket, CycleDuration.process_key,
                CycleDuration.count)).all())}


def _recount() -> dict:
    """The same rows counted here from every step_visit and instance_summary row."""
    steps, durations, cycles = {}, Counter(), Counter()
    for row in db.session.scalars(select(StepVisit)):
        counts = steps.setdefault((row.definition_id, row.element_id), [0, 0, 0, 0])
        done = row.status == "completed"
        for i, add in enumerate((1, row.visit > 1, done, done and row.breached)):
            counts[i] += add
        for measure in MEASURES if done else ():
            seconds = getattr(row, f"{measure}_seconds")
            if seconds is not None:
                durations[(row.definition_id, row.element_id, measure, bucket(seconds))] += 1
    for row in db.session.scalars(select(InstanceSummary).where(InstanceSummary.status == "completed")):
        seconds = int((row.ended_at - row.started_at).total_seconds())
        cycles[(row.definition_id, cycle_month(row.ended_at), bucket(seconds), row.process_key)] += 1
    return {"steps": sorted((*key, *counts) for key, counts in steps.items()),
            "durations": sorted((*key, count) for key, count in durations.items()),
            "cycles": sorted((*key, count) for key, count in cycles.items())}


@pytest.fixture
def claims(sales, frozen_clock):
    return run_travel_claims(sales, frozen_clock)


def test_the_summary_equals_a_recount_after_a_loop_a_delegation_and_a_cancellation(claims):
    visits = db.session.scalars(select(StepVisit).where(StepVisit.process_key == "travel_claim")).all()
    assert any(v.visit > 1 for v in visits) and any(v.status == "cancelled" for v in visits)
    assert any(v.status == "ready" for v in visits)
    kept = _summary()
    assert kept == _recount()
    review = next(row for row in kept["steps"] if row[1] == "Task_FinanceReview")
    assert review[2:] == (5, 1, 3, 1)  # 5 visits, the loop's second, 3 completed, one of them late
    assert sum(row[-1] for row in kept["cycles"] if row[3] == "travel_claim") == 2


def test_the_migration_backfill_counts_what_the_commands_counted(claims):
    kept = _summary()
    assert kept["steps"] and kept["durations"] and kept["cycles"]
    for model in (StepCount, StepDuration, CycleDuration):
        db.session.execute(delete(model))
    spec = importlib.util.spec_from_file_location("step_summaries_migration", MIGRATION)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    migration.backfill(db.session.connection())
    assert _summary() == kept


@pytest.mark.postgresql_only
def test_two_people_completing_the_same_step_at_once_both_count(committed_app):
    with committed_app.app_context():
        load_demo_organisation()
        deployment.deploy(deployment.files_from_paths(list(deployment.DEFAULT_DIRS)))
        starter = accounts.find_user("rep_east1")
        started = [instances.start_instance("travel_request", TRIP, starter).id for _ in range(2)]
        task_ids = [db.session.scalar(select(HumanTask.id).where(HumanTask.instance_id == i)) for i in started]
        element_id = db.session.get(HumanTask, task_ids[0]).element_id
        db.session.remove()

    barrier = threading.Barrier(2)
    errors = []

    def complete(task_id):
        with committed_app.app_context():
            manager = accounts.find_user("rm_east")
            barrier.wait()
            try:
                tasks.complete_task(task_id, manager, {"decision": "approve", "comment": "并发测试"})
            except Exception as exc:  # noqa: BLE001  (reported by the assertion below)
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=complete, args=(task_id,)) for task_id in task_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    with committed_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(HumanTask).where(
            HumanTask.id.in_(task_ids), HumanTask.status == TaskStatus.completed)) == 2
        step = db.session.scalar(select(StepCount).where(StepCount.element_id == element_id))
        assert (step.visits, step.completed) == (2, 2)
        waited = db.session.scalar(select(func.sum(StepDuration.count)).where(
            StepDuration.element_id == element_id, StepDuration.measure == "waiting"))
        assert waited == 2
        # both instances entered the next step at once: its row was created once and counted twice
        assert _summary() == _recount()
        assert max(row[2] for row in _summary()["steps"]) == 2
        db.session.remove()
