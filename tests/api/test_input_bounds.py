"""Hostile input through the API: texts that cannot be stored or hashed,
numbers past decimal precision, digits of other scripts, dates off the
business calendar, a trip that ends before it starts, lists and names of any
size. Each is a 422 naming the field and changes nothing, never a 500."""
import json

import pytest

from app.bounds import LIST_MAX, TEXT_MAX
from app.extensions import db
from app.models import AuditEvent
from tests.support.api_client import error_of
from tests.support.samples import TRIP

SHA = "a" * 64
LONE = '"\\ud800"'  # a lone surrogate, as JSON escapes it


@pytest.fixture
def finance(api, ctx, master_data):
    db.session.commit()
    return api("finance")


def _raw(user, path, text):
    return user.post(path, data=text, content_type="application/json")


def _fields(response) -> dict:
    return error_of(response, 422)["details"]["fields"]


@pytest.mark.parametrize("month", ["0000-01", "9999-12", "1999-12", "2100-01", "٢٠٢٦-01"])
def test_a_month_off_the_business_calendar_is_422(finance, month):
    assert "month" in _fields(finance.get("/ledger/checks", query_string={"month": month}))


@pytest.mark.parametrize("amount", ["٥", "５", "1" * 25, 10 ** 25, "1e309", "NaN", "-Infinity"])
def test_an_amount_in_other_digits_or_past_precision_is_422(finance, amount):
    assert "amount" in _fields(finance.post("/ledger/receipts", json={"customer": "D00001", "amount": amount}))


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1999-12-31", "2100-01-01"])
def test_a_receipt_dated_off_the_business_calendar_is_422(finance, day):
    assert "date" in _fields(finance.post("/ledger/receipts", json={"customer": "D00001", "amount": 1, "date": day}))


def test_a_lone_surrogate_anywhere_in_a_body_is_422_naming_the_field(finance):
    body = f'{{"customer": "D00001", "amount": 1, "bank_reference": {LONE}}}'
    assert "bank_reference" in _fields(_raw(finance, "/ledger/receipts", body))
    message = f'{{"name": "shipment_confirmed", "correlations": {{"delivery_note": {{"delivery_note_no": "X"}}}},' \
              f' "payload": {{"note": {LONE}}}}}'
    assert "payload.note" in _fields(_raw(finance, "/messages", message))
    key = f'{{"customer": "D00001", "amount": 1, {LONE}: 1}}'
    assert _fields(_raw(finance, "/ledger/receipts", key))


def test_a_lone_surrogate_in_form_data_is_422_and_writes_nothing(api):
    rep = api("rep_east1")
    events = db.session.query(AuditEvent).count()
    body = json.dumps({"process_key": "travel_request", "data": {**TRIP, "purpose": "PLACEHOLDER"}})
    response = _raw(rep, "/process-instances", body.replace('"PLACEHOLDER"', LONE))
    assert "data.purpose" in _fields(response)
    assert db.session.query(AuditEvent).count() == events


def test_a_trip_that_ends_before_it_starts_is_422_on_its_end(api):
    rep = api("rep_east1")
    response = rep.post("/process-instances", json={"process_key": "travel_request",
                                                    "data": {**TRIP, "start_date": "2026-12-03", "end_date": "2026-12-01"}})
    assert _fields(response) == {"end_date": ["Must not be before start_date."]}
    rep.start("travel_request", {**TRIP, "end_date": TRIP["start_date"]})  # a day trip is fine


@pytest.mark.parametrize("change, field", [
    ({"estimated_cost": 10 ** 25}, "estimated_cost"),
    ({"estimated_cost": 1e300}, "estimated_cost"),
    ({"start_date": "0001-01-01", "end_date": "9999-12-31"}, "start_date"),
    ({"transport": "火" * (TEXT_MAX + 1)}, "transport"),
])
def test_form_data_past_the_platform_bounds_is_422_naming_the_field(api, change, field):
    response = api("rep_east1").post("/process-instances", json={"process_key": "travel_request",
                                                                  "data": {**TRIP, **change}})
    assert field in _fields(response)


def test_a_contract_takes_a_bounded_number_of_attachments_with_bounded_names(finance):
    contract = {"customer": "D00001", "number": "HT-B-1", "amount_cap": "5000", "valid_from": "2026-11-01"}
    many = [{"name": f"{n}.pdf", "type": "application/pdf", "size": 1, "sha256": SHA} for n in range(LIST_MAX + 1)]
    assert "attachments" in _fields(finance.post("/ledger/contracts", json={**contract, "attachments": many}))
    huge = [{"name": "x" * (15 * 1024 * 1024), "type": "application/pdf", "size": 1, "sha256": SHA}]
    assert "attachments" in _fields(finance.post("/ledger/contracts", json={**contract, "attachments": huge}))
