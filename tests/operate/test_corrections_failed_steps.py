"""Corrections of an instance whose service step failed: skipping it makes
no posting (and says so), a data correction keeps it failed until the retry
runs with the corrected data, moving its token away clears the error — each
re-executes VERIFIED, and the admin actions report names who, why, before
and after."""
import pytest
from sqlalchemy import func, select

from app.errors import ValidationFailed
from app.extensions import db
from app.models import AuditEvent, Customer, InstanceStatus, ServiceCall
from app.services import instances, replay
from app.services.controls.admin_actions import admin_actions
from app.services.corrections import approve_correction, request_correction
from app.services.deployment import deploy
from tests.engine.test_timers_messages_errors import DIAGRAMS, FLAKY


@pytest.fixture
def failed(org):
    deploy({name: (DIAGRAMS / name).read_bytes() for name in ("flaky_probe.bpmn", "probe_flaky_start.json")})
    FLAKY["fail"] = True
    try:
        instance = instances.start_instance("flaky_probe", {"label": "x"}, org("order_clerk"))
    finally:
        FLAKY["fail"] = False
    assert instance.status is InstanceStatus.error
    return instance


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def _verified(instance):
    verdict = replay.reexecute(instance.id)
    assert verdict.status == "VERIFIED", verdict


def _error_task(instance):
    return instance.error_task_id


def test_skipping_a_failed_posting_posts_nothing_and_says_so(org, failed, app):
    app.config["OPERATE_CORRECTION_APPROVAL"] = "none"
    try:
        request_correction(failed.id, org("process_admin"), "skip", "已在财务系统手工记账", task_id=_error_task(failed))
    finally:
        app.config["OPERATE_CORRECTION_APPROVAL"] = "data"
    assert failed.status is InstanceStatus.completed and failed.error_message is None
    assert _count(Customer) == 0 and _count(ServiceCall) == 0  # the posting was skipped, not made
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.instance_id == failed.id,
                                                       AuditEvent.kind == "step_skipped"))
    assert event.data["skipped"]["state"] == "ERROR" and event.data["posting_skipped"] == "test.flaky_posting"
    _verified(failed)
    (row,) = [r for r in admin_actions(org("auditor")) if r["kind"] == "step_skipped"]
    assert row["why"] == "已在财务系统手工记账" and "not posted: test.flaky_posting" in row["what"]
    assert row["actor"] == "process_admin" and "no second approval required" in row["what"]


def test_a_corrected_field_keeps_the_step_failed_until_the_retry_runs_with_it(org, failed):
    asked = request_correction(failed.id, org("process_admin"), "data", "标签录错", field="label", value="y")
    assert failed.data["label"] == "x"
    approve_correction(asked.id, org("process_admin2"))
    db.session.refresh(failed)
    assert failed.status is InstanceStatus.error and failed.data["label"] == "y"
    _verified(failed)
    instances.retry_instance(failed.id, org("process_admin"))
    assert failed.status is InstanceStatus.completed and failed.data["posting"] == {"ok": True, "posted": "y"}
    assert _count(ServiceCall) == 1
    _verified(failed)
    (row,) = [r for r in admin_actions(org("auditor")) if r["kind"] == "data_corrected"]
    assert row["what"] == "label: x → y (asked by process_admin, approved by process_admin2)" and row["why"] == "标签录错"


def test_a_token_moves_only_to_a_task_of_the_process(org, failed, app):
    app.config["OPERATE_CORRECTION_APPROVAL"] = "none"
    try:
        with pytest.raises(ValidationFailed) as refused:
            request_correction(failed.id, org("process_admin"), "move", "去结束", task_id=_error_task(failed),
                               to_element="EndEvent_Posted")
        assert "to_element" in refused.value.details["fields"]
    finally:
        app.config["OPERATE_CORRECTION_APPROVAL"] = "data"


def test_skipping_a_step_with_a_boundary_timer_drops_the_timer(org, app):
    deploy({name: (DIAGRAMS / name).read_bytes() for name in ("timer_probe.bpmn", "probe_form.json")})
    instance = instances.start_instance("timer_probe", {}, org("rep_east1"))
    assert instance.next_timer_at is not None
    task_id = db.session.scalar(select(AuditEvent.task_id).where(AuditEvent.instance_id == instance.id,
                                                                 AuditEvent.kind == "task_ready"))
    app.config["OPERATE_CORRECTION_APPROVAL"] = "all"
    try:
        asked = request_correction(instance.id, org("process_admin"), "skip", "客户已电话答复", task_id=task_id)
        approve_correction(asked.id, org("process_admin2"))
    finally:
        app.config["OPERATE_CORRECTION_APPROVAL"] = "data"
    db.session.refresh(instance)
    assert instance.status is InstanceStatus.completed and instance.next_timer_at is None
    _verified(instance)
