"""In the browser: the annual sales plan's pages as its people open them —
a rep's figures beside last year's baseline, the sales office's breakdown,
the director's approval and a rep receiving their targets — pictured in
Chinese and English, with no Chinese left in the English pages beyond what
people typed and master data."""
from app.extensions import db
from app.models import HumanTask, TaskStatus
from tests.support.plan_flow import FRAME
from tests.web.browser_driving import (browser, live_app, live_server, person, shot, sign_in,  # noqa: F401  (fixtures)
                                       world)
from tests.web.untranslated import data_values, master_data_values, untranslated

LINE = {"material_class": "MOTOR", "month": 1, "amount": 9800, "quantity": 5}


def _ready(instance, element_id, username):
    tasks = db.session.scalars(db.select(HumanTask).where(
        HumanTask.instance_id == instance.id, HumanTask.element_id == element_id, HumanTask.status == TaskStatus.ready))
    return next(t for t in tasks if t.assignee is None or t.assignee.username == username)


def _each(world, instance, element_id, data):
    while element_id in world.ready_elements(instance):
        task = world.task(instance, element_id)
        world.complete(instance, element_id, task.assignee.username, data)


def _picture(browser, live_server, instance, element_id, username, name):
    task = _ready(instance, element_id, username)
    db.session.commit()
    for language in ("zh", "en"):
        errors: list = []
        page = sign_in(browser, live_server, username, language=language, errors=errors)
        page.goto(f"{live_server}/tasks/{task.id}")
        assert page.locator("form[data-lanes-form]").count() == 1, name
        shot(page, "sales_plan", f"{name}_{language}")
        if language == "en":
            known = master_data_values() | data_values(instance.data) | {"巩固华东", "需求增长8%"}
            assert untranslated(page, "main", known) == [], name
        assert errors == []
        page.context.close()


def test_the_plans_pages_in_chinese_and_english(world, browser, live_server):
    instance = world.start("sales_plan", {"remark": ""}, "sales_admin")
    world.complete(instance, "Task_PlanFrame", "sales_admin", FRAME | {"strategy": "巩固华东", "forecast": "需求增长8%"})
    _picture(browser, live_server, instance, "Task_RepFigures", "rep_east1", "rep_figures")
    _each(world, instance, "Task_RepFigures", {"lines": [{"customer": "", **LINE}], "remark": ""})
    _each(world, instance, "Task_RegionConsolidation", {"lines": [{"salesperson": "rep_east1", **LINE}], "remark": ""})
    _picture(browser, live_server, instance, "Task_Breakdown", "sales_admin", "breakdown")
    world.complete(instance, "Task_Breakdown", "sales_admin", {"plan_lines": [
        {"region": "华东", "salesperson": "rep_east1", "customer": "", **LINE}], "remark": ""})
    _picture(browser, live_server, instance, "Task_DirectorApproval", "director", "director_approval")
    world.approve_until(instance, "Task_ReceiveTargets")
    _picture(browser, live_server, instance, "Task_ReceiveTargets", "rep_east1", "receive_targets")
