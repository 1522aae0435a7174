"""The vocabulary of form fields: what a schema declares decides a field's
kind, words in its title never do, and misuse of the vocabulary is named."""
import json
from pathlib import Path

import pytest

from app.form_kinds import DECISION, KINDS, MONEY, NUMBER, REFERENCE, TEXTAREA, form_problems, kind_of

FORMS = sorted((Path(__file__).resolve().parents[1] / "forms").glob("*.json"))


def _form(**properties) -> dict:
    return {"type": "object", "properties": properties}


def test_money_is_what_the_schema_declares_not_what_the_title_says():
    assert kind_of({"type": "number", "title": "金额（元）", "multipleOf": 0.01}) == NUMBER
    assert kind_of({"type": "number", "title": "Amount", "x-money": True}) == MONEY
    assert kind_of({"type": "integer", "x-money": True}) == NUMBER  # money has fen: never an integer


def test_a_decision_stands_at_the_top_of_a_form():
    decision = {"type": "string", "oneOf": [{"const": "approve", "title": "同意"}, {"const": "reject", "title": "驳回"}]}
    assert kind_of(decision, "decision") == DECISION
    assert kind_of(decision, None) != DECISION and kind_of(decision, "region") != DECISION


def test_options_win_over_a_reference_and_a_long_text_is_a_textarea():
    assert kind_of({"type": "string", "x-ref": "customer", "enum": ["C1"]}) == "choice"
    assert kind_of({"type": "string", "x-ref": "customer"}) == REFERENCE
    assert kind_of({"type": "string", "maxLength": 201}) == TEXTAREA
    assert kind_of({"type": "string", "maxLength": 200}) == "text"
    assert kind_of({}) == "text" and set(KINDS) >= {MONEY, REFERENCE, TEXTAREA, DECISION}


@pytest.mark.parametrize("path", FORMS, ids=[path.name for path in FORMS])
def test_every_form_uses_the_vocabulary_soundly(path):
    assert form_problems(json.loads(path.read_text(encoding="utf-8"))) == []


@pytest.mark.parametrize("field, said", [
    ({"type": "number", "title": "金额（元）"}, "not declared money"),
    ({"type": "integer", "title": "金额（元）"}, "not declared money"),
    ({"type": "number", "x-mony": True}, "unknown keyword 'x-mony'"),
    ({"type": "string", "x-money": True}, "x-money is for a \"type\": \"number\""),
    ({"type": "number", "x-money": "yes"}, "x-money must be true"),
    ({"type": "string", "x-ref": "Customer list"}, "x-ref must be the name of a lookup"),
    ({"type": "string", "x-widget": "richtext"}, "x-widget must be \"textarea\""),
])
def test_misuse_is_named_with_its_field(field, said):
    form = _form(lines={"type": "array", "items": {"type": "object", "properties": {"price": field}}})
    [(where, message)] = form_problems(form)
    assert where == "lines[].price" and said in message


@pytest.mark.parametrize("fields", [
    {"start": {"type": "string", "format": "date"}, "end": {"type": "string", "format": "date", "x-not-before": "begin"}},
    {"start": {"type": "number"}, "end": {"type": "string", "format": "date", "x-not-before": "start"}},
    {"start": {"type": "string", "format": "date"}, "end": {"type": "string", "x-not-before": "start"}},
])
def test_a_date_order_must_name_a_date_beside_it(fields):
    [(where, message)] = form_problems(_form(**fields))
    assert where == "end" and "x-not-before" in message
    assert form_problems(_form(start=fields["start"] | {"format": "date", "type": "string"},
                               end=fields["end"] | {"format": "date", "x-not-before": "start"})) == []


def test_a_field_named_like_a_keyword_is_a_field_and_money_may_have_any_title():
    form = _form(**{"x-note": {"type": "string"}, "total": {"type": "number", "title": "合计（元）", "x-money": True}})
    assert form_problems(form) == []
