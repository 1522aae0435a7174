"""The stopped clock every test runs under unless marked ``real_clock``."""
from datetime import datetime, timedelta, timezone

# Where every test's clock stands unless the test moves it or is marked
# ``real_clock``: Tuesday 2026-12-01 09:00 UTC, 17:00 in Shanghai, a working
# day inside BUSINESS_HOURS; the business date is 2026-12-01, the last ended
# month 2026-11. Fixed, so no test depends on the day it runs.
FROZEN_AT = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)


class FrozenClock:
    """A stopped clock: ``now`` is what the platform reads until moved."""

    def __init__(self, start):
        self.now = start

    def __call__(self):
        return self.now

    def advance(self, **delta):
        self.now = self.now + timedelta(**delta)
        return self.now
