"""The site's icon at the address browsers ask for on their own
(/favicon.ico), so that first visit is not a 404 in the server's log and
the tab shows the product's mark. The same SVG the pages link to."""
from functools import cache
from pathlib import Path

from flask import Response

from app.web import bp

ICON_MAX_AGE = 7 * 24 * 3600


@cache
def _icon() -> bytes:
    return (Path(bp.static_folder) / "favicon.svg").read_bytes()


@bp.get("/favicon.ico")
def favicon():
    response = Response(_icon(), mimetype="image/svg+xml")
    response.cache_control.public = True
    response.cache_control.max_age = ICON_MAX_AGE
    return response
