"""What the web tests fill in and read back on the form pages."""
import re

TRIP_FORM = {"purpose": "拜访客户", "reason": "客户提出现场需求", "destination": "上海", "start_date": "2026-12-10", "end_date": "2026-12-12",
             "transport": "火车", "estimated_cost": "1,280.50"}


def field_error(html: str, dom_id: str) -> str:
    """The text of the error paragraph next to input ``dom_id``."""
    match = re.search(rf'<p class="error" id="{re.escape(dom_id)}-err"\s*>([^<]*)</p>', html)
    return match.group(1) if match else ""
