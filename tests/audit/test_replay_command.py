"""flask audit replay: exit 0 when every instance re-executes VERIFIED, 1
with a DIVERGED line naming the instance and the event otherwise; several
worker processes give the same verdicts as one. Real commits: the workers
open their own connections."""
from sqlalchemy import update

from app.demo.organisation import load_demo_organisation
from app.extensions import db
from app.models import ProcessInstance
from app.services import accounts, deployment, instances, replay, replay_pool, tasks
from app.services.tasks import tasks_for

TRIP = {"purpose": "拜访华东客户", "reason": "客户提出现场需求", "destination": "上海", "start_date": "2026-12-01",
        "end_date": "2026-12-03", "transport": "火车", "estimated_cost": 2500}


def _trips(app, count):
    """``count`` travel requests: some approved once, some still waiting; their ids."""
    with app.app_context():
        load_demo_organisation()
        deployment.deploy(deployment.files_from_paths(list(deployment.DEFAULT_DIRS)))
        ids = []
        for number in range(count):
            instance = instances.start_instance("travel_request", {**TRIP, "estimated_cost": 100 + number},
                                                accounts.find_user("rep_east1"))
            ids.append(instance.id)
            if number % 2:
                manager = accounts.find_user("rm_east")
                task = next(t for t in tasks_for(manager) if t.instance_id == instance.id)
                tasks.complete_task(task.id, manager, {"decision": "approve" if number % 4 == 1 else "reject",
                                                       "comment": "好"})
        db.session.remove()
        return ids


def test_replay_exit_codes_and_jobs(committed_app):
    ids = _trips(committed_app, 6)
    runner = committed_app.test_cli_runner()
    result = runner.invoke(args=["audit", "replay", "--all"])
    assert result.exit_code == 0, result.output
    assert "6 verified, 0 diverged, 0 not re-executable" in result.output
    one = runner.invoke(args=["audit", "replay", str(ids[1])])
    assert one.exit_code == 0 and "1 verified" in one.output
    assert runner.invoke(args=["audit", "replay"]).exit_code == 2  # neither an id nor --all
    assert runner.invoke(args=["audit", "replay", "999999"]).exit_code == 2

    with committed_app.app_context():
        db.session.execute(update(ProcessInstance).where(ProcessInstance.id == ids[3]).values(data={"forged": True}))
        db.session.commit()
        serial = replay_pool.reexecute_all(ids, jobs=1)
        parallel = replay_pool.reexecute_all(ids, jobs=2)
        db.session.remove()
    assert parallel == serial
    assert [verdict["status"] for verdict in serial].count("DIVERGED") == 1

    result = runner.invoke(args=["audit", "replay", "--all", "--jobs", "2"])
    assert result.exit_code == 1, result.output
    assert f"DIVERGED instance {ids[3]} at event" in result.output
    assert "5 verified, 1 diverged" in result.output


def test_parallel_ranges_keep_the_order_of_many_instances(committed_app, monkeypatch):
    monkeypatch.setattr(replay_pool, "RANGE", 2)  # several ranges per worker
    ids = _trips(committed_app, 7)
    with committed_app.app_context():
        verdicts = replay_pool.reexecute_all(ids, jobs=2)
        assert [verdict["instance_id"] for verdict in verdicts] == ids
        assert {verdict["status"] for verdict in verdicts} == {"VERIFIED"}
        assert replay.instance_ids(ids[2], ids[4]) == ids[2:5]
        db.session.remove()
