"""Two people completing the same task at the same moment, on PostgreSQL:
exactly one succeeds, the other gets 409, one completion is recorded."""
import threading

import pytest
from sqlalchemy import func, select

from app.demo.organisation import load_demo_organisation
from app.errors import Conflict
from app.extensions import db
from app.models import AuditEvent, HumanTask, TaskStatus
from app.services import accounts, deployment, instances, tasks


TRIP = {"purpose": "并发", "reason": "客户提出现场需求", "destination": "武汉", "start_date": "2026-12-01", "end_date": "2026-12-02",
        "transport": "火车", "estimated_cost": 100}


@pytest.mark.postgresql_only
def test_double_completion_one_wins(committed_app):
    with committed_app.app_context():
        load_demo_organisation()
        deployment.deploy(deployment.files_from_paths(list(deployment.DEFAULT_DIRS)))
        instance = instances.start_instance("travel_request", TRIP, accounts.find_user("rep_east1"))
        task_id = db.session.scalar(select(HumanTask.id).where(HumanTask.instance_id == instance.id))
        instance_id = instance.id
        db.session.remove()

    barrier = threading.Barrier(2)
    outcomes = []

    def complete(decision):
        with committed_app.app_context():
            manager = accounts.find_user("rm_east")
            barrier.wait()
            try:
                tasks.complete_task(task_id, manager, {"decision": decision, "comment": "并发测试"})
                outcomes.append(("ok", decision))
            except Conflict as exc:
                outcomes.append(("conflict", exc.status))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=complete, args=(d,)) for d in ("approve", "reject")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(kind for kind, _ in outcomes) == ["conflict", "ok"]
    assert ("conflict", 409) in outcomes
    winner = next(decision for kind, decision in outcomes if kind == "ok")
    with committed_app.app_context():
        completions = db.session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.instance_id == instance_id, AuditEvent.kind == "task_completed"))
        assert completions == 1
        task = db.session.get(HumanTask, task_id)
        assert task.status is TaskStatus.completed and task.outcome == winner
        next_step = "Task_DepartmentHeadApproval" if winner == "approve" else "Task_ReviseRequest"
        assert db.session.scalar(select(HumanTask.element_id).where(
            HumanTask.instance_id == instance_id, HumanTask.status == TaskStatus.ready)) == next_step
        db.session.remove()


def test_a_command_on_a_stale_instance_is_409_and_changes_nothing(committed_app):
    """Where no row lock is taken (SQLite), the version column catches the
    command that loaded the instance before another one committed."""
    from app.models import ProcessInstance
    from app.services.commands import command

    with committed_app.app_context():
        load_demo_organisation()
        deployment.deploy(deployment.files_from_paths(list(deployment.DEFAULT_DIRS)))
        instance_id = instances.start_instance("travel_request", TRIP, accounts.find_user("rep_east1")).id
        db.session.remove()

    def commit_elsewhere():
        with committed_app.app_context():  # another request, another session
            other = db.session.get(ProcessInstance, instance_id)
            other.business_key = "changed-elsewhere"
            db.session.commit()
            db.session.remove()

    @command
    def slow_command():
        stale = db.session.get(ProcessInstance, instance_id)
        stale.business_key = "stale-write"
        commit_elsewhere()
        db.session.flush()

    with committed_app.app_context():
        with pytest.raises(Conflict) as caught:
            slow_command()
        assert caught.value.status == 409
        db.session.remove()
    with committed_app.app_context():
        assert db.session.get(ProcessInstance, instance_id).business_key == "changed-elsewhere"
        db.session.remove()


@pytest.mark.postgresql_only
def test_many_claims_of_one_task_at_once_one_holds_it(committed_app):
    """Eight people of the task's role claim it at the same moment: one
    holds it, the others get 409 claimed_by_other, one claim is recorded."""
    from pathlib import Path

    diagrams = Path(__file__).parent / "diagrams"
    claimers = [f"claimer{i}" for i in range(8)]
    with committed_app.app_context():
        load_demo_organisation()
        for name in claimers:
            accounts.create_user(name, "correct-horse", roles=["marketing"])
        deployment.deploy({name: (diagrams / name).read_bytes() for name in ("claim_probe.bpmn", "probe_form.json")})
        instance = instances.start_instance("claim_probe", {}, accounts.find_user("rep_east1"))
        task_id = db.session.scalar(select(HumanTask.id).where(HumanTask.instance_id == instance.id))
        db.session.commit()
        db.session.remove()

    barrier, outcomes = threading.Barrier(len(claimers)), []

    def claim(name):
        with committed_app.app_context():
            try:
                user = accounts.find_user(name)
                barrier.wait(timeout=30)
                tasks.claim_task(task_id, user)
                outcomes.append(("ok", name))
            except Conflict as exc:
                outcomes.append(("conflict", exc.code))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=claim, args=(name,)) for name in claimers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(kind for kind, _ in outcomes) == ["conflict"] * (len(claimers) - 1) + ["ok"]
    assert {code for kind, code in outcomes if kind == "conflict"} == {"claimed_by_other"}
    winner = next(name for kind, name in outcomes if kind == "ok")
    with committed_app.app_context():
        assert db.session.get(HumanTask, task_id).assignee.username == winner
        assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.kind == "task_claimed")) == 1
        db.session.remove()
