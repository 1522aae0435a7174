"""Two moments a few milliseconds apart are the same moment to re-execution
(the log keeps when a command began, not when its script read the clock);
anything else must be equal."""
from app.audit.alike import alike


def test_moments_within_the_slack_are_alike_and_others_are_not():
    assert alike({"due": "2026-12-01T09:00:00.000100+00:00"}, {"due": "2026-12-01T09:00:01.900000+00:00"})
    assert not alike({"due": "2026-12-01T09:00:00+00:00"}, {"due": "2026-12-01T09:00:06+00:00"})
    assert not alike("2026-12-01T09:00:00+00:00", "2026-12-01T09:00:00")  # aware and naive are not one moment
    assert alike([{"a": 1, "at": "2026-12-01 09:00:00"}], [{"a": 1, "at": "2026-12-01 09:00:02"}])


def test_anything_but_moments_must_be_equal():
    assert not alike({"decision": "approve"}, {"decision": "reject"})
    assert not alike({"a": 1}, {"a": 1, "b": None})
    assert not alike([1, 2], [1, 2, 3])
    assert not alike("2026-12-01", "2026-12-02")  # dates are values, not moments read from a clock
    assert not alike("1000.00", "1000.01") and alike(None, None)
