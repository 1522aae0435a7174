"""Dates and times on pages are written as Babel's format_datetime writes
them, in the reader's language and the business time zone: the filter
parses each named pattern once per locale instead of on every call, and
must not write a single character differently."""
from datetime import datetime, timedelta, timezone

import pytest
from flask_babel import force_locale, format_datetime, format_timedelta

from app import clock
from app.i18n import age, datetime_filter

MOMENTS = [datetime(2026, 12, 1, 3, 4, 5, tzinfo=timezone.utc),  # 11:04 in Shanghai
           datetime(2026, 12, 31, 16, 30, tzinfo=timezone.utc),  # already the next year there
           datetime(2026, 7, 15, 23, 59, 59, tzinfo=timezone(timedelta(hours=-5))),
           datetime(2026, 2, 28, 12, 0),  # naive: UTC
           "2026-03-01T08:15:00+00:00"]  # as JSON data carries it


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
@pytest.mark.parametrize("fmt", ["short", "medium", "long", "full", "yyyy-MM-dd HH:mm"])
def test_the_filter_writes_what_babel_writes(app, locale, fmt):
    with app.test_request_context("/"), force_locale(locale):
        for moment in MOMENTS:
            expected = format_datetime(datetime.fromisoformat(moment) if isinstance(moment, str) else moment, fmt)
            assert datetime_filter(moment, fmt) == expected, (locale, fmt, moment)


def test_nothing_and_nonsense_write_nothing(app):
    with app.test_request_context("/"):
        assert datetime_filter(None) == "" and datetime_filter("") == "" and datetime_filter("not a date") == ""


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
def test_an_age_is_what_babel_writes_with_the_reader_locale(app, locale):
    """The age filter takes the reader's locale once (ReaderFormats) and
    gives what Flask-Babel's format_timedelta gives; under a minute, and a
    moment in the future, are a minute."""
    with app.test_request_context("/"), force_locale(locale):
        now = clock.now()
        for back in (timedelta(seconds=5), timedelta(minutes=-3), timedelta(minutes=59), timedelta(hours=5),
                     timedelta(days=3, hours=2), timedelta(days=400)):
            expected = format_timedelta(max(back, timedelta(minutes=1)), granularity="minute", threshold=1.1)
            assert age(now - back) == expected, (locale, back)
            assert age((now - back).isoformat()) == expected
        assert age(None) == "" and age("not a date") == ""
