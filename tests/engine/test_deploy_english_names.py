"""Deployment records the English names the diagrams give (nameEn), and the
reader's names fall back to Chinese where a diagram gives none."""
from pathlib import Path

from sqlalchemy import select

from app.extensions import db
from app.models import ProcessDefinition
from app.services.deployment import deploy
from app.services.step_names import english_step_name, process_name, step_name

DIAGRAMS = Path(__file__).parent / "diagrams"
PROBE = (DIAGRAMS / "probe.bpmn").read_text()
FORM = (DIAGRAMS / "probe_form.json").read_bytes()


def _latest(key: str) -> ProcessDefinition:
    return db.session.scalars(select(ProcessDefinition).where(ProcessDefinition.key == key)
                              .order_by(ProcessDefinition.version.desc())).first()


def test_deploying_processes_records_the_english_process_and_task_names(deployed):
    definition = _latest("contract_shipment")
    assert definition.name == "合同发货" and definition.name_en == "Contract shipment"
    tasks = {t["element_id"]: t for t in definition.user_tasks}
    assert tasks["Task_ContractReview"]["name"] == "合同初审"
    assert tasks["Task_ContractReview"]["name_en"] == "Contract preliminary review"
    assert all(t["name_en"] for t in definition.user_tasks)
    for every in db.session.scalars(select(ProcessDefinition)):
        assert every.name_en and all(t["name_en"] for t in every.user_tasks), every.key


def test_names_follow_the_locale_and_steps_the_engine_took_have_theirs(deployed):
    definition = _latest("contract_shipment")
    assert process_name(definition, "en") == "Contract shipment"
    assert process_name(definition, "zh_CN") == "合同发货"
    assert step_name(definition, "Task_ContractReview", locale="en") == "Contract preliminary review"
    assert step_name(definition, "Task_ContractReview", locale="zh_CN") == "合同初审"
    # A service task is not a person's task: its English comes from the diagram itself.
    assert step_name(definition, "Service_CreateSalesOrder", locale="en") == "Create sales order"
    # … and its Chinese too, when the caller holds no name for it (the timeline's system steps)
    assert step_name(definition, "Service_CreateSalesOrder", locale="zh_CN") == "生成销售订单"
    assert step_name(definition, "Service_CreateSalesOrder", "生成订单", locale="zh_CN") == "生成订单"


def test_a_diagram_without_english_names_reads_in_chinese_in_english_too(ctx):
    deploy({"probe.bpmn": PROBE.encode(), "probe_form.json": FORM})
    definition = _latest("lint_probe")
    assert definition.name_en is None
    task = definition.user_tasks[0]
    assert task["name_en"] is None
    assert process_name(definition, "en") == definition.name
    assert step_name(definition, task["element_id"], locale="en") == task["name"]
    assert step_name(definition, "No_Such_Element", locale="en") == "No_Such_Element"
    assert step_name(definition, "No_Such_Element", "给定的名称", locale="en") == "给定的名称"
