"""The platform's bounds on form data where a form declares none, the
form's own where it does, and the date order a form declares."""
from decimal import Decimal

import pytest

from app.bounds import FILE_NAME_MAX, LIST_MAX, TEXT_MAX
from app.services.form_bounds import out_of_bounds

SHA = "b" * 64
FILE = {"type": "object", "format": "attachment"}
FORM = {"type": "object", "properties": {
    "note": {"type": "string"},
    "code": {"type": "string", "maxLength": 20_000},
    "tags": {"type": "array", "items": {"type": "string"}},
    "rows": {"type": "array", "maxItems": 500, "items": {"type": "object", "properties": {"qty": {"type": "number"}}}},
    "files": {"type": "array", "items": FILE},
    "start": {"type": "string", "format": "date"},
    "end": {"type": "string", "format": "date", "x-not-before": "start"},
}}


def _file(name: str) -> dict:
    return {"name": name, "type": "application/pdf", "size": 1, "sha256": SHA}


@pytest.mark.parametrize("data, field", [
    ({"note": "x" * (TEXT_MAX + 1)}, "note"),
    ({"note": "a\ud800b"}, "note"),
    ({"tags": ["t"] * (LIST_MAX + 1)}, "tags"),
    ({"rows": [{"qty": 10 ** 25}]}, "rows.0.qty"),
    ({"rows": [{"qty": Decimal("1e309")}]}, "rows.0.qty"),
    ({"files": [_file("x" * (FILE_NAME_MAX + 1))]}, "files.0.name"),
    ({"start": "0001-01-01"}, "start"),
    ({"end": "9999-12-31"}, "end"),
    ({"start": "2026-12-03", "end": "2026-12-01"}, "end"),
])
def test_past_a_bound_is_named(data, field):
    assert field in out_of_bounds(FORM, data)


def test_within_the_bounds_or_the_forms_own_nothing_is_said():
    data = {"note": "x" * TEXT_MAX, "code": "y" * 20_000, "rows": [{"qty": 1}] * 500,
            "files": [_file("合同.pdf")], "start": "2026-12-01", "end": "2026-12-01", "tags": ["t"] * LIST_MAX}
    assert out_of_bounds(FORM, data) == {}


def test_a_form_may_declare_tighter_bounds_than_the_platform():
    form = {"type": "object", "properties": {"rows": {"type": "array", "maxItems": 2}}}
    assert out_of_bounds(form, {"rows": [1, 2, 3]}) == {"rows": ["More than 2 items."]}
