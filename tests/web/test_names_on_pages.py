"""Names, not codes, wherever a person reads (issue 19): a master-data field
keeps the code it submits and shows the name beside it (a material with its
spec: several share a name); what a task shows names the customer and the
materials; the timeline names the steps the engine took and the people by
their display names; a revision form shows the reviewer's comment; records
of a read-only result stand one per line; people, classes and price lists a
request or a ledger answer holds read by name."""
import json
import re

from flask import render_template_string
from sqlalchemy import select

from app.extensions import db
from app.models import Customer, User
from tests.support.contract_shipment import DEALER, REP, approve_contract, make_order
from tests.support.contract_shipment import contract  # noqa: F401  (a fixture)
from tests.support.flow_driver import ready_task_id
from tests.web.test_task_shows import section, text

MOTOR = "三相异步电机 YE3-80M2-2 1.1kW"  # MTR001: its name and spec


def test_material_and_customer_lookups_carry_the_name_beside_the_code(web, sales, customer_code):
    materials = json.loads(web(REP).page("/lookups/material?q=MTR001"))
    assert materials[0]["value"] == "MTR001" and materials[0]["name"] == MOTOR
    assert materials[0]["label"] == "三相异步电机 (MTR001)"  # as before, for those who read it
    customers = json.loads(web(REP).page("/lookups/customer?q=浙江泵阀总经销"))
    assert customers == [{"value": customer_code(DEALER), "label": f"{DEALER} ({customer_code(DEALER)})", "name": DEALER}]


def test_approver_reads_the_customer_and_the_materials_by_name(web, sales, contract, customer_code):
    instance = sales.start("contract_shipment", contract(), REP)
    html = web("sales_admin").page(f"/tasks/{ready_task_id(instance.id, 'Task_ContractReview')}")
    assert text(section(html, "customer")) == f"客户 {customer_code(DEALER)} {DEALER}"
    lines = text(section(html, "lines"))
    assert f"MTR001 {MOTOR}" in lines and "PRT001 机械密封" in lines, lines
    summary = text(re.search(r'<section class="card about".*?</section>', html, re.S).group(0))
    assert f"{customer_code(DEALER)} {DEALER}" in summary and f"MTR001 {MOTOR}" in summary, summary


def test_revision_form_shows_the_reviewers_comment_and_the_names_of_its_codes(web, sales, contract, customer_code):
    instance = sales.start("contract_shipment", contract(), REP)
    sales.reject(instance, "Task_ContractReview", "sales_admin", "交货期未写明，请补充")
    html = web(REP).page(f"/tasks/{ready_task_id(instance.id, 'Task_ReviseContract')}")
    rejection = re.search(r'<div class="field readonly"><span class="label">驳回说明</span>(.*?)</div>', html, re.S)
    assert rejection and text(rejection.group(1)) == "交货期未写明，请补充", rejection
    field = re.search(r'<input type="text" id="f-customer" name="customer" value="([^"]*)".*?'
                      r'<span class="ref-name"[^>]*>([^<]*)</span>', html, re.S)
    assert field.groups() == (customer_code(DEALER), DEALER)  # the code is what the form sends; the name beside it
    names = re.findall(r'name="lines-\d+-material" value="([^"]*)".*?<span class="ref-name"[^>]*>([^<]*)</span>', html, re.S)
    assert names == [("MTR001", MOTOR), ("PRT001", "机械密封 108-16")], names


def test_timeline_names_the_engines_steps_and_the_people(web, sales, contract):
    instance = sales.start("contract_shipment", contract(), REP)
    approve_contract(sales, instance)
    make_order(sales, instance)
    html = web(REP).page(f"/instances/{instance.id}")
    timeline = text(re.search(r'<ol class="timeline">(.*?)</ol>', html, re.S).group(1))
    assert "登记合同" in timeline and "生成销售订单" in timeline, timeline  # service tasks by their diagram names
    assert not re.search(r"\b(Service|Gateway|Task|Event|StartEvent|EndEvent|Flow)_\w+", timeline), timeline
    logins = set(db.session.scalars(select(User.username)))
    assert not [word for word in re.findall(r"[a-z_0-9]+", timeline) if word in logins], timeline
    assert re.search(r"合同初审 任务 #\d+ → 销售内勤主管", timeline), timeline  # a task for a role: the role by its name


def test_timeline_names_the_person_a_task_waits_for(web, trip):
    html = web("rep_east1").page(f"/instances/{trip}")
    timeline = text(re.search(r'<ol class="timeline">(.*?)</ol>', html, re.S).group(1))
    manager = db.session.scalar(select(User.display_name).where(User.username == "rm_east"))
    assert f"→ {manager}" in timeline and "rm_east" not in timeline, timeline


def test_records_of_a_read_only_result_are_one_per_line_without_a_stray_separator(app):
    value = {"contract_no": "HT-1", "lines": [{"material": "MTR001", "qty": "2"}, {"material": "PRT001", "qty": "3"}]}
    with app.test_request_context():
        html = render_template_string('{% from "_form.html" import show %}{{ show({}, value) }}', value=value)
    assert "、" not in html
    assert re.search(r'<ol class="plain records"><li>.*?MTR001.*?</li><li>.*?PRT001.*?</li></ol>', html, re.S), html


def _named(username: str) -> str:
    return f"{db.session.scalar(select(User.display_name).where(User.username == username))} ({username})"


TRIP = {"purpose": "拜访华东客户", "reason": "客户新生产线验收", "destination": "上海", "start_date": "2026-12-01",
        "end_date": "2026-12-03", "transport": "火车", "estimated_cost": 2500, "companions": ["rep_east2", "rep_east3"]}


def test_a_task_names_the_people_and_classes_a_request_and_a_ledger_result_hold(web, sales, customer_code):
    trip = sales.start("travel_request", TRIP, "rep_east1")
    html = web("rm_east").page(f"/tasks/{ready_task_id(trip.id, 'Task_ManagerApproval')}")
    companions = text(section(html, "companions"))  # form fields marked x-ref user
    assert _named("rep_east2") in companions and _named("rep_east3") in companions, companions
    assert "孙海涛 (rep_east2)" == _named("rep_east2")  # the demo's rep_east2 has a name

    rating = sales.start("credit_rating", {"customer": customer_code(DEALER)}, "statistician")
    profile = text(section(web("statistician").page(f"/tasks/{ready_task_id(rating.id, 'Task_Propose')}"), "profile"))
    holder = db.session.scalar(select(User.username).join(Customer, Customer.salesperson_id == User.id)
                               .where(Customer.code == customer_code(DEALER)))
    assert holder and f"业务员 {_named(holder)}" in profile, profile  # the ledger's answer holds the login
    assert "客户细分 DEALER_PROV 省级总经销" in profile, profile  # a class code with its name


def test_people_lookup_and_a_kept_person_field_carry_the_name(web, sales):
    people = json.loads(web(REP).page("/lookups/user?q=rep_east2"))
    assert people == [{"value": "rep_east2", "label": _named("rep_east2"), "name": "孙海涛"}]
    trip = sales.start("travel_request", TRIP, "rep_east1")
    sales.reject(trip, "Task_ManagerApproval", "rm_east", "请说明同行必要性")
    html = web("rep_east1").page(f"/tasks/{ready_task_id(trip.id, 'Task_ReviseRequest')}")
    kept = re.findall(r'name="companions-\d+" value="([^"]*)".*?<span class="ref-name"[^>]*>([^<]*)</span>', html, re.S)
    assert kept[:1] == [("rep_east2", "孙海涛")], kept


def test_a_ledger_answer_names_its_person_once(web):
    from app.services.task_view import describe

    answer = {"employee": "rep_east2", "employee_name": "孙海涛", "salesperson": "钱立新", "notified": ["rm_east"]}
    items = {item["key"]: item["node"] for item in describe("expense_check", answer)["items"]}
    assert items["employee"] == {"kind": "text", "text": "孙海涛 (rep_east2)"} and "employee_name" not in items
    assert items["salesperson"] == {"kind": "text", "text": "钱立新"}  # a name the ledger wrote already stays as it is
    assert items["notified"]["items"] == [{"kind": "text", "text": _named("rm_east")}]


def test_a_price_list_and_the_classes_are_picked_and_read_by_name(web, sales):
    from app.services.task_view import describe

    classes = json.loads(web(REP).page("/lookups/customer_class?q=DEALER_PROV"))
    assert classes == [{"value": "DEALER_PROV", "label": "省级总经销 (DEALER_PROV)", "name": "省级总经销"}]
    assert json.loads(web(REP).page("/lookups/material_class?q=PUMP_CF"))[0]["name"] == "单级离心泵"

    lists = json.loads(web(REP).page("/lookups/price_list?q=DEALER"))
    assert lists and lists[0]["value"] == "DEALER" and lists[0]["name"] and lists[0]["name"] in lists[0]["label"]
    items = {item["key"]: item["node"] for item in describe("assessment", {"base_price_list": "DEALER"})["items"]}
    assert items["base_price_list"] == {"kind": "text", "text": f"DEALER {lists[0]['name']}"}
