"""The start catalogue and start forms."""
import re

from app.extensions import db
from app.models import ProcessInstance

from tests.web.forms import TRIP_FORM, field_error


def test_catalogue_needs_login(client):
    assert client.get("/start").status_code == 302
    assert client.get("/start/travel_request").status_code == 302


def test_catalogue_groups_processes_by_area(web):
    page = web("rep_east1").page("/start")
    assert "出差" in page and "经销商与客户" in page
    assert page.index("经销商与客户") < page.index("地区总经销商确立") or "dealer_onboarding" in page
    assert 'href="/start/travel_request"' in page and 'href="/start/dealer_onboarding"' in page


def test_start_form_maps_schema_to_inputs(web):
    page = web("rep_east1").page("/start/travel_request")
    assert 'type="date" id="f-start_date" name="start_date"' in page
    assert re.search(r'<select id="f-transport" name="transport"[^>]*required', page)
    assert '<option value="火车"' in page
    assert re.search(r'class="money">\s*<input type="number" id="f-estimated_cost"[^>]*step="0.01"', page)
    assert 'data-lookup="user"' in page  # companions: type-ahead rows
    assert '<label for="f-purpose">出差目的' in page
    assert 'name="csrf_token"' in page


def test_unknown_process_is_404(web):
    assert web("rep_east1").get("/start/no_such_process").status_code == 404


def test_start_without_csrf_is_refused(web):
    response = web("rep_east1").client.post("/start/travel_request", data=TRIP_FORM)
    assert response.status_code == 400
    assert db.session.scalar(db.select(db.func.count(ProcessInstance.id))) == 0


def test_start_converts_types_and_redirects_to_the_instance(web):
    response = web("rep_east1").post("/start/travel_request", {**TRIP_FORM, "business_key": "TR-9",
                                                              "companions-0": "rep_east2", "companions-1": ""},
                                     token_from="/start/travel_request")
    assert response.status_code == 302 and "/instances/" in response.headers["Location"]
    instance = db.session.scalar(db.select(ProcessInstance).where(ProcessInstance.business_key == "TR-9"))
    assert instance.data["estimated_cost"] == 1280.5 and instance.data["companions"] == ["rep_east2"]
    page = web("rep_east1").page(response.headers["Location"])
    assert "已提交" in page and "¥1,280.50" in page


def test_validation_errors_are_shown_next_to_their_fields(web):
    bad = {**TRIP_FORM, "estimated_cost": "很多", "destination": ""}
    response = web("rep_east1").post("/start/travel_request", bad, token_from="/start/travel_request")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert field_error(page, "f-estimated_cost") == "请输入数字。"
    assert field_error(page, "f-destination") == "此项必填。"
    assert '>拜访客户</textarea>' in page  # the user's input is kept
    assert db.session.scalar(db.select(db.func.count(ProcessInstance.id))) == 0


def test_auditors_cannot_start(web):
    assert web("auditor").get("/start/travel_request").status_code == 403  # no start form is offered
    response = web("auditor").post("/start/travel_request", TRIP_FORM, token_from="/start")
    assert response.status_code == 403
    assert "审计人员" in response.get_data(as_text=True)


def test_a_link_prefills_only_the_start_forms_own_text_fields(web):
    page = web("rep_east1").page("/start/return_exchange?service_case=SC202612-0007&customer=D00001"
                                 "&order_no=SO202612-0003&kind=exchange&requester=boss")
    assert re.search(r'<input[^>]*name="service_case"[^>]*value="SC202612-0007"', page)
    assert re.search(r'name="customer"[^>]*value="D00001"', page) or 'value="D00001"' in page
    assert re.search(r'<input[^>]*name="order_no"[^>]*value="SO202612-0003"', page)
    # a choice, or a field that is not the form's, is never taken from a link
    assert not re.search(r'value="exchange"\s*selected', page) and 'name="requester"' not in page
