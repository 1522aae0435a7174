"""The bell, notification preferences and the managers' overdue page."""
from datetime import timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import HumanTask, NotificationPreference
from tests.support.logins import csrf_token_from

TRIP = {"purpose": "拜访", "reason": "客户提出现场需求", "destination": "苏州", "start_date": "2026-12-01", "end_date": "2026-12-02",
        "transport": "火车", "estimated_cost": 300}


def test_bell_counts_unread_and_marks_them_read(flow, client, login):
    flow.start("travel_request", TRIP, "rep_east1")
    login("rm_east", "lanes-demo")
    page = client.get("/notifications").get_data(as_text=True)
    assert "待办" in page and 'class="count">1<' in page
    token = csrf_token_from(page)
    assert client.post("/notifications/read").status_code == 400  # CSRF
    client.post("/notifications/read", data={"csrf_token": token})
    assert 'class="count">1<' not in client.get("/notifications").get_data(as_text=True)


def test_email_preference_is_saved(flow, client, login):
    login("rm_east", "lanes-demo")
    page = client.get("/notifications").get_data(as_text=True)
    assert 'name="email_enabled" checked' in page  # on until the user turns it off
    client.post("/notifications/preferences", data={"csrf_token": csrf_token_from(page)})
    assert db.session.get(NotificationPreference, flow.user("rm_east").id).email_enabled is False
    assert 'name="email_enabled" checked' not in client.get("/notifications").get_data(as_text=True)


def test_overdue_page_lists_the_team_s_late_tasks(flow, client, login):
    instance = flow.start("travel_request", TRIP, "rep_east1")
    task = db.session.scalar(select(HumanTask).where(HumanTask.instance_id == instance.id))
    task.due_at = task.created_at - timedelta(hours=1)
    db.session.commit()
    login("director", "lanes-demo")  # rm_east reports to the director
    page = client.get("/overdue").get_data(as_text=True)
    assert "直接主管审批" in page or task.name in page
    assert client.get("/notifications").status_code == 200


def test_the_bell_is_drawn_not_an_emoji_that_needs_a_font(flow, client, login):
    """Office PCs and servers often lack an emoji font: the bell is an
    inline SVG, and nothing in the page frame depends on an emoji."""
    import re

    login("rm_east", "lanes-demo")
    page = client.get("/notifications").get_data(as_text=True)
    bell = re.search(r'<a [^>]*class="bell".*?</a>', page, re.S).group(0)
    assert "<svg" in bell
    header = page.split("</header>", 1)[0]
    assert not re.search("[\U0001F300-\U0001FAFF]", header)
