"""The evaluator of ``x-computed`` figures: its three shapes, half-up rounding
to the fen, typed figures replaced, and nothing else evaluated."""
import json
from decimal import Decimal
from pathlib import Path

import pytest

from app.errors import ValidationFailed
from app.services.form_figures import UnknownFormula, preview_formula, with_computed_figures
from app.workflow.form_formulas import formula_problems

D = Decimal
FORMS = Path(__file__).resolve().parents[1] / "forms"
NOTE = {
    "type": "object",
    "properties": {
        "lines": {"type": "array", "items": {"type": "object", "properties": {
            "qty": {"type": "number"}, "unit_price": {"type": "number"},
            "amount": {"type": "number", "readOnly": True, "x-computed": "qty * unit_price"}}}},
        "total_amount": {"type": "number", "readOnly": True, "x-computed": "sum(lines.amount)"},
    },
}


def test_line_amounts_round_half_up_and_the_total_sums_the_rounded_lines():
    data = {"lines": [{"qty": 3, "unit_price": 33.335}, {"qty": 1, "unit_price": "0.005"}, {"qty": -1, "unit_price": 1.005}]}
    result = with_computed_figures(NOTE, data)
    # 100.005 → 100.01 and 0.005 → 0.01 (half up, where half-even would give 100.00 and 0.00); −1.005 → −1.01
    assert [line["amount"] for line in result["lines"]] == [D("100.01"), D("0.01"), D("-1.01")]
    assert result["total_amount"] == D("99.01")
    assert "amount" not in data["lines"][0] and "total_amount" not in data  # the caller's data is not changed


def test_typed_figures_are_replaced_never_trusted():
    typed = {"lines": [{"qty": 5, "unit_price": 3200, "amount": 15000}], "total_amount": 99}
    result = with_computed_figures(NOTE, typed)
    assert result["lines"][0]["amount"] == D("16000.00") and result["total_amount"] == D("16000.00")


def test_a_line_without_its_factors_has_no_amount_and_an_empty_list_totals_zero():
    result = with_computed_figures(NOTE, {"lines": [{"qty": 2, "amount": 7}]})
    assert result["lines"] == [{"qty": 2}] and result["total_amount"] == D("0.00")
    assert with_computed_figures(NOTE, {})["total_amount"] == D("0.00")


def test_a_factor_that_is_no_number_names_its_field():
    with pytest.raises(ValidationFailed) as refused:
        with_computed_figures(NOTE, {"lines": [{"qty": 2, "unit_price": "abc"}]})
    assert "lines.0.unit_price" in refused.value.details["fields"]


@pytest.mark.parametrize("formula", ["__import__('os').system('true')", "qty * unit_price * 2", "qty + 2",
                                     "qty + unit_price * 2", "qty - unit_price", "sum(lines.amount) * 2", "max(lines.amount)", "qty*__class__", "", None, 3])
def test_nothing_but_the_three_shapes_is_evaluated(formula):
    schema = {"type": "object", "properties": {"qty": {"type": "number"}, "unit_price": {"type": "number"},
                                               "amount": {"readOnly": True, "x-computed": formula}}}
    with pytest.raises(UnknownFormula):
        with_computed_figures(schema, {"qty": 1, "unit_price": 1})
    assert formula_problems(schema) and preview_formula(schema["properties"]["amount"]) is None


def test_an_evaluation_total_is_the_exact_sum_of_its_scores_whatever_was_typed():
    schema = json.loads((FORMS / "dealer_evaluation.json").read_text(encoding="utf-8"))
    scores = {"capital_strength_score": 4, "sales_network_score": 5, "logistics_score": 3, "reputation_score": 4,
              "team_score": 4}
    assert with_computed_figures(schema, {**scores, "total_score": 25})["total_score"] == 20
    assert "total_score" not in with_computed_figures(schema, {"capital_strength_score": 4})
    halves = {"type": "object", "properties": {"a": {"type": "number"}, "b": {"type": "number"},
                                               "t": {"readOnly": True, "x-computed": "a + b"}}}
    assert with_computed_figures(halves, {"a": "1.5", "b": 2})["t"] == D("3.5")
    assert formula_problems({"type": "object", "properties": {"t": {"readOnly": True, "x-computed": "a + b"}}})


def test_the_lint_names_a_typed_computed_field_and_a_missing_sibling():
    schema = {"type": "object", "properties": {
        "qty": {"type": "number"},
        "amount": {"type": "number", "x-computed": "qty * price"},
        "total": {"type": "number", "readOnly": True, "x-computed": "sum(rows.amount)"}}}
    problems = formula_problems(schema)
    assert any("amount" in p and "readOnly" in p for p in problems)
    assert any("'price'" in p for p in problems) and any("rows.amount" in p for p in problems)


def test_every_form_in_the_repository_declares_sound_figures():
    declared = 0
    for path in sorted(FORMS.glob("*.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        assert formula_problems(schema) == [], path.name
        declared += json.dumps(schema).count("x-computed")
    assert declared >= 3  # at least the delivery note's line amount and total, and the evaluation's total


def test_the_browser_previews_only_products():
    assert preview_formula(NOTE["properties"]["lines"]["items"]["properties"]["amount"]) == "qty * unit_price"
    assert preview_formula(NOTE["properties"]["total_amount"]) is None
