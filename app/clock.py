"""The platform's one clock. Tests freeze or move it; nothing else reads the
system time directly for business decisions."""
from datetime import datetime, timezone

from flask import current_app, has_app_context


def now() -> datetime:
    """Current time as an aware UTC datetime (the app's frozen clock, if set)."""
    if has_app_context():
        frozen = current_app.extensions.get("lanes_clock")
        if frozen is not None:
            return frozen()
    return datetime.now(timezone.utc)


def set_clock(app, source) -> None:
    """Make ``source()`` the app's clock; ``None`` restores the system clock."""
    if source is None:
        app.extensions.pop("lanes_clock", None)
    else:
        app.extensions["lanes_clock"] = source
