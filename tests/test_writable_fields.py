"""What a person may write with a form, judged apart from the JSON Schema:
read-only and undeclared fields at any depth, whatever the file's
``additionalProperties`` says; a task without a form takes only ``{}``."""
import pytest

from app.errors import ValidationFailed
from app.services.forms import validate_form
from app.services.writable_fields import READ_ONLY, UNDECLARED, unwritable_fields

FORM = {
    "type": "object",
    "additionalProperties": True,  # the analyst's leniency does not open the door
    "properties": {
        "decision": {"type": "string", "enum": ["approve", "reject"]},
        "order_result": {"type": "object", "readOnly": True, "properties": {"order_no": {"type": "string"}}},
        "ship_to": {"type": "object", "properties": {"address": {"type": "string"},
                                                     "checked_by": {"type": "string", "readOnly": True}}},
        "lines": {"type": "array", "items": {"type": "object", "additionalProperties": True, "properties": {
            "qty": {"type": "number"}, "amount": {"type": "number", "readOnly": True}}}},
        "extra": {"description": "any value, no declared keys"},
    },
    "allOf": [{"if": {"properties": {"decision": {"const": "reject"}}},
               "then": {"properties": {"comment": {"type": "string", "minLength": 1}}, "required": ["comment"]}}],
}


def test_fields_the_form_offers_are_writable():
    data = {"decision": "reject", "comment": "价格有误", "ship_to": {"address": "杭州"}, "lines": [{"qty": 2}], "extra": 3}
    assert unwritable_fields(FORM, data) == {}
    assert validate_form(FORM, data) is data


@pytest.mark.parametrize("data,field,why", [
    ({"order_result": {"order_no": "SO1"}}, "order_result", READ_ONLY),
    ({"ship_to": {"address": "杭州", "checked_by": "gm"}}, "ship_to.checked_by", READ_ONLY),
    ({"lines": [{"qty": 1}, {"qty": 2, "amount": 0.01}]}, "lines.1.amount", READ_ONLY),
    ({"order_action": "cancel"}, "order_action", UNDECLARED),
    ({"ship_to": {"address": "杭州", "phone": "1"}}, "ship_to.phone", UNDECLARED),
    ({"lines": [{"qty": 1, "unit_price": 0.01}]}, "lines.0.unit_price", UNDECLARED),
    ({"extra": {"order_no": "SO1"}}, "extra.order_no", UNDECLARED),
])
def test_read_only_and_undeclared_fields_are_named(data, field, why):
    assert unwritable_fields(FORM, data) == {field: [why]}
    with pytest.raises(ValidationFailed) as raised:
        validate_form(FORM, {"decision": "approve", **data})
    assert raised.value.status == 422 and raised.value.details["fields"] == {field: [why]}


def test_the_schema_errors_of_writable_fields_are_still_reported_beside_them():
    with pytest.raises(ValidationFailed) as raised:
        validate_form(FORM, {"decision": "maybe", "order_result": {"order_no": 7}})
    fields = raised.value.details["fields"]
    assert fields["order_result"] == [READ_ONLY] and set(fields) == {"decision", "order_result"}


def test_a_task_without_a_form_takes_only_an_empty_object():
    assert validate_form(None, {}) == {}
    with pytest.raises(ValidationFailed) as raised:
        validate_form(None, {"decision": "approve"})
    assert raised.value.details["fields"] == {"decision": [UNDECLARED]}
