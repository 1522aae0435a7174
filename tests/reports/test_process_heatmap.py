"""The heatmap's figures (app/services/process_analytics.py) equal those
computed here, independently, from the audit events and task rows of
travel claims run through the real diagrams with the clock moved between
steps: a rejection loop, a claim, release, delegation and reassignment, a
step completed late, one left open past its due time, and a cancellation.
The migration's backfill writes the same rows the commands keep; a rep is
refused."""
import importlib.util
from math import ceil
from pathlib import Path

import pytest
from sqlalchemy import delete, select

from app.errors import Forbidden
from app.extensions import db
from app.models import AuditEvent, HumanTask, ProcessDefinition, StepVisit
from app.services import process_analytics, step_queue
from app.services.step_summaries import bucket
from tests.support.travel_claims import run_travel_claims

CLAIMING = ("task_claimed", "task_delegated", "task_reassigned")
MIGRATION = next((Path(__file__).resolve().parents[2] / "migrations" / "versions").glob("*_analytics_step_visit__*.py"))


@pytest.fixture
def claims(sales, frozen_clock):
    """Four travel claims with their steps spread over time; returns the clock."""
    return run_travel_claims(sales, frozen_clock)


def _at(event_rows, kinds):
    times = [event.at for event in event_rows if event.kind in kinds]
    return min(times) if times else None


def _rank(values, fraction):
    """The exact nearest-rank percentile, at the heatmap's bucket precision."""
    values = sorted(values)
    return bucket(values[ceil(fraction * len(values)) - 1]) if values else None


def _expected(definition, now):
    """Per step, from HumanTask rows and their audit events only."""
    rows = db.session.scalars(select(HumanTask).join(HumanTask.instance).where(
        HumanTask.instance.has(definition_id=definition.id)).order_by(HumanTask.id)).all()
    steps, seen = {}, {}
    for task in rows:
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.task_id == task.task_guid)).all()
        ready, claimed, done = _at(events, ("task_ready",)), _at(events, CLAIMING), _at(events, ("task_completed",))
        step = steps.setdefault(task.element_id, {"instances": set(), "visits": 0, "rework": 0, "breached": 0,
                                                  "waiting": [], "working": [], "open": 0})
        seen[(task.instance_id, task.element_id)] = seen.get((task.instance_id, task.element_id), 0) + 1
        step["instances"].add(task.instance_id)
        step["visits"] += 1
        step["rework"] += seen[(task.instance_id, task.element_id)] > 1
        step["open"] += task.status.value == "ready"
        if done is not None:
            step["waiting"].append(int(((claimed or done) - ready).total_seconds()))
            if claimed is not None:
                step["working"].append(int((done - claimed).total_seconds()))
        due = task.due_at
        step["breached"] += due is not None and ((done is not None and done > due) or (done is None and task.status.value == "ready" and due < now))
    return steps


def test_the_heatmap_equals_the_figures_computed_from_the_events(org, claims):
    definition = db.session.scalar(select(ProcessDefinition).where(ProcessDefinition.key == "travel_claim"))
    figures = process_analytics.version_steps(org("process_admin"), "travel_claim", definition.version)
    expected = _expected(definition, claims.now)
    assert set(expected) == {"Task_FinanceReview", "Task_ReviseClaim"}
    for element_id, want in expected.items():
        step = figures.step(element_id)
        assert (step.passed, step.visits, step.rework, step.breached, step.open) == (
            len(want["instances"]), want["visits"], want["rework"], want["breached"], want["open"]), element_id
        assert step.waiting == (_rank(want["waiting"], 0.5), _rank(want["waiting"], 0.9)), element_id
        assert step.working == (_rank(want["working"], 0.5), _rank(want["working"], 0.9)), element_id
    review = figures.step("Task_FinanceReview")
    # the loop, the late approval and the open reassigned review are all there
    assert (review.passed, review.visits, review.rework, review.breached) == (4, 5, 1, 2)
    assert sorted(expected["Task_FinanceReview"]["waiting"]) == [3600, 2 * 3600, 30 * 3600]


def test_a_step_lists_its_instances_and_who_they_wait_on(org, claims):
    analyst = org("process_admin")
    definition = db.session.scalar(select(ProcessDefinition).where(ProcessDefinition.key == "travel_claim"))
    listed = step_queue.step_instances(analyst, "travel_claim", definition.version, "Task_FinanceReview")
    assert [row.business_key for row in listed][0] == "BX-3"  # the open one first
    open_row = listed[0]
    assert open_row.status == "ready" and open_row.breached and open_row.assignee == org("gm").display_name
    assert open_row.waiting_seconds == 5 * 3600  # ready → the reassignment put it in somebody's hands
    assert {row.business_key for row in listed} == {"BX-1", "BX-2", "BX-3", "BX-4"}
    waits = step_queue.waiting_on(analyst, "travel_claim", definition.version)
    assert [(w.kind, w.code, w.open, w.oldest_seconds) for w in waits] == [("person", "gm", 1, 13 * 3600)]  # 5 h + 2 h + the cancelled claim's 6 h


def test_the_summary_rows_follow_the_loop_the_handovers_and_the_cancellation(org, claims):
    rows = db.session.scalars(select(StepVisit).join(HumanTask).where(
        StepVisit.process_key == "travel_claim").order_by(StepVisit.human_task_id)).all()
    by_key = {}
    for row in rows:
        by_key.setdefault((row.instance_id, row.element_id), []).append(row)
    looped = [visits for (instance_id, element), visits in by_key.items() if element == "Task_FinanceReview" and len(visits) == 2]
    [(first, second)] = looped
    assert (first.visit, second.visit) == (1, 2)
    assert (first.waiting_seconds, first.working_seconds) == (2 * 3600, 3600)
    # claimed, released, delegated: the first claim stands
    assert (second.waiting_seconds, second.working_seconds) == (3600, 7 * 3600)
    cancelled = [row for row in rows if row.status == "cancelled"]
    assert len(cancelled) == 1 and cancelled[0].waiting_seconds is None and cancelled[0].closed_at is not None


def test_the_migration_backfill_writes_what_the_commands_kept(claims):
    columns = [c.name for c in StepVisit.__table__.columns]
    kept = [tuple(getattr(row, name) for name in columns)
            for row in db.session.scalars(select(StepVisit).order_by(StepVisit.human_task_id))]
    assert len(kept) > 10
    db.session.execute(delete(StepVisit))
    spec = importlib.util.spec_from_file_location("step_visit_migration", MIGRATION)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    migration.backfill(db.session.connection())
    db.session.expire_all()
    backfilled = [tuple(getattr(row, name) for name in columns)
                  for row in db.session.scalars(select(StepVisit).order_by(StepVisit.human_task_id))]
    assert backfilled == kept


@pytest.mark.parametrize("username", ["rep_east1", "warehouse"])
def test_a_rep_and_the_warehouse_are_refused(org, deployed, username):
    reader = org(username)
    for read in (lambda: process_analytics.processes(reader),
                 lambda: process_analytics.version_steps(reader, "travel_claim", 1),
                 lambda: process_analytics.cycle_by_month(reader, "travel_claim"),
                 lambda: step_queue.step_instances(reader, "travel_claim", 1, "Task_FinanceReview"),
                 lambda: step_queue.waiting_on(reader, "travel_claim", 1)):
        with pytest.raises(Forbidden):
            read()


def test_cycle_time_per_month_and_per_version(org, claims):
    analyst = org("process_admin")
    months = process_analytics.cycle_by_month(analyst, "travel_claim")
    assert [m["instances"] for m in months] == [2]
    listed = {row["definition"].key: row for row in process_analytics.processes(analyst)}
    claim = listed["travel_claim"]
    assert (claim["instances"], claim["completed"]) == (4, 2)
    assert claim["cycle"] == (months[0]["p50"], months[0]["p90"])
