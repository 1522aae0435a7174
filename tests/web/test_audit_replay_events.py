"""The replay page's readings of particular events: what changed at a
step (added keys, money as money), a step done through a delegation (on
behalf of whom, through which hand-over), a timer that fired and a
message that arrived, and the "as of" jump across real time."""
from pathlib import Path

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent
from app.services import events, instances, tasks
from app.services.deployment import deploy
from tests.support.contract_shipment import REP
from tests.support.contract_shipment import contract  # noqa: F401  (a fixture)
from tests.support.audit_replay import customer_code, panel, sales, seq_of  # noqa: F401  (fixtures, helpers)

PROBES = Path(__file__).resolve().parents[1] / "engine" / "diagrams"


@pytest.fixture
def probes(web, org):
    names = ["timer_probe.bpmn", "message_probe.bpmn", "probe_form.json", "probe_order_start.json",
             "probe_payment_start.json"]
    deploy({name: (PROBES / name).read_bytes() for name in names})
    return org


def test_changes_at_a_review_list_what_the_reviewer_added(web, sales, contract):
    instance = sales.start("contract_shipment", contract(), REP)
    sales.approve(instance, "Task_ContractReview", "sales_admin", "合同条款齐全")
    page = web("auditor").page(f"/audit/instances/{instance.id}/replay?seq={seq_of(instance, 'task_completed')}")
    changes = panel(page, "changes")
    assert 'class="added" data-key="decision"' in changes and 'class="added" data-key="comment"' in changes
    assert "合同条款齐全" in changes and "新增" in changes
    started = web("auditor").page(f"/audit/instances/{instance.id}/replay?seq=1")
    assert 'data-key="contract_amount"' in panel(started, "changes") and "¥100,000.00" in panel(started, "changes")


def test_a_delegated_approval_names_the_principal_and_the_hand_over(web, sales, contract):
    instance = sales.start("contract_shipment", contract(), REP)
    sales.approve(instance, "Task_ContractReview", "sales_admin")
    task = sales.task(instance, "Task_DirectorApproval")
    tasks.delegate_task(task.id, sales.user("director"), "assistant")
    sales.approve(instance, "Task_DirectorApproval", "assistant", "代总监审批")
    seq = seq_of(instance, "task_completed", "Task_DirectorApproval")
    moment = panel(web("auditor").page(f"/audit/instances/{instance.id}/replay?seq={seq}"), "moment")
    assert "高总监助理" in moment and "代 刘营销总监 办理" in moment
    assert "刘营销总监 转交给 高总监助理" in moment


def test_timer_and_as_of_across_time(web, probes, frozen_clock):
    instance = instances.start_instance("timer_probe", {}, probes("rep_east1"))
    frozen_clock.advance(hours=48, seconds=1)
    assert events.fire_due_timers() == 1
    fired = seq_of(instance, "timer_fired")
    auditor = web("auditor")
    moment = panel(auditor.page(f"/audit/instances/{instance.id}/replay?seq={fired}"), "moment")
    assert "定时触发" in moment and "定时到期" in moment and "2026年12月3日" in moment
    # 2026-12-02 09:00 in Shanghai: after the start (12-01 17:00 local), before the timer
    page = auditor.page(f"/audit/instances/{instance.id}/replay?as_of=2026-12-02T09:00")
    before = db.session.scalar(select(AuditEvent.seq).where(AuditEvent.instance_id == instance.id,
                                                            AuditEvent.kind == "task_ready"))
    assert f'data-seq="{before}" data-kind="task_ready"' in page
    last = db.session.scalar(select(AuditEvent.seq).where(AuditEvent.instance_id == instance.id)
                             .order_by(AuditEvent.seq.desc()).limit(1))
    assert last > fired
    later = auditor.page(f"/audit/instances/{instance.id}/replay?as_of=2026-12-03T17:01")  # the timer fired at 17:00:01
    assert f'data-seq="{last}"' in later


def test_a_delivered_message_shows_its_name_correlation_and_sender(web, probes):
    receiver = instances.start_instance("order_probe", {"order_no": "SO-2"}, probes("sales_admin"))
    sender = instances.start_instance("payment_probe", {"order_no": "SO-2", "amount": 100}, probes("finance"))
    assert events.deliver_pending_messages() == 1
    seq = seq_of(receiver, "message_delivered")
    moment = panel(web("auditor").page(f"/audit/instances/{receiver.id}/replay?seq={seq}"), "moment")
    assert "收到消息" in moment and "payment_received" in moment and "SO-2" in moment
    assert f'href="/audit/instances/{sender.id}/replay"' in moment


def test_the_form_as_seen_has_its_read_only_fields_as_they_were_and_the_submitted_values(web, sales, contract):
    from tests.support.contract_shipment import TERMS, approve_contract, make_order

    instance = sales.start("contract_shipment", contract(), REP)
    approve_contract(sales, instance)
    make_order(sales, instance)
    seq = seq_of(instance, "task_completed", "Task_MakeOrder")
    seen = panel(web("auditor").page(f"/audit/instances/{instance.id}/replay?seq={seq}"), "form-as-seen")
    assert 'class="field readonly"' in seen and "合同登记结果" in seen and "HT-2026-118" in seen  # registered before
    assert 'value="2026-12-01"' in seen and TERMS["delivery_place"] in seen  # what the order clerk typed
