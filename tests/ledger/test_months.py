"""A month as the ledger names it: its days and the month before a day."""
from datetime import date

import pytest

from app.actions import BusinessRuleViolation
from app.ledger.months import month_bounds, previous_month


@pytest.mark.parametrize("month, bounds", [
    ("2026-11", (date(2026, 11, 1), date(2026, 12, 1))),
    ("2026-12", (date(2026, 12, 1), date(2027, 1, 1))),
    ("2028-02", (date(2028, 2, 1), date(2028, 3, 1))),
])
def test_a_month_runs_from_its_first_day_to_the_next_month_s_first(month, bounds):
    assert month_bounds(month) == bounds


@pytest.mark.parametrize("month", ["2026-13", "11-2026", "2026", "2026-11-01", "", None, 202611])
def test_anything_else_is_not_a_month(month):
    with pytest.raises(BusinessRuleViolation) as raised:
        month_bounds(month)
    assert raised.value.code == "invalid_month"


@pytest.mark.parametrize("day, month", [(date(2026, 12, 1), "2026-11"), (date(2027, 1, 31), "2026-12")])
def test_the_previous_month_is_the_last_one_that_has_ended(day, month):
    assert previous_month(day) == month
