"""The platform's bounds on the start page: the form comes back with the
reason beside each field, in Chinese, what was typed is kept, and nothing
starts."""
from app.bounds import TEXT_MAX
from app.extensions import db
from app.models import ProcessInstance
from tests.web.forms import TRIP_FORM, field_error


def _refused(web, changes) -> str:
    response = web("rep_east1").post("/start/travel_request", {**TRIP_FORM, **changes}, token_from="/start/travel_request")
    assert response.status_code == 422
    assert db.session.scalar(db.select(db.func.count(ProcessInstance.id))) == 0
    return response.get_data(as_text=True)


def test_a_trip_ending_before_it_starts_is_shown_beside_its_end(web):
    page = _refused(web, {"start_date": "2026-12-12", "end_date": "2026-12-10"})
    assert field_error(page, "f-end_date") == "不能早于它之前的日期。"
    assert field_error(page, "f-start_date") == ""
    assert 'value="2026-12-10"' in page  # what was typed is kept


def test_dates_numbers_and_texts_past_the_bounds_are_shown_beside_their_fields(web):
    page = _refused(web, {"start_date": "0001-01-01", "estimated_cost": "1e309", "transport": "火" * (TEXT_MAX + 1)})
    assert field_error(page, "f-start_date") == "请输入 2000-01-01 至 2099-12-31 之间的日期。"
    assert field_error(page, "f-estimated_cost") == "数值太大。"
    assert field_error(page, "f-transport") == f"最多 {TEXT_MAX} 个字。"
