"""What each row of the inbox page shows, worked out once per page in
Python: the reader's locale, time zone and link shapes are looked up once,
not four hundred times in the template (fifty rows, each with its names,
three dates and four links)."""
from dataclasses import dataclass

from flask import url_for

from app.i18n import ReaderFormats
from app.services.inbox import Inbox, InboxRow
from app.services.step_names import process_name, task_name

_SAMPLE_ID = 987654321  # an id no link pattern contains otherwise


class _TaskLinks:
    """The links of one task's row, from one url_for per endpoint: each
    endpoint's URL for a sample id, with the id's place kept."""

    def __init__(self, *endpoints: str):
        self.patterns = {endpoint: url_for(endpoint, task_id=_SAMPLE_ID).split(str(_SAMPLE_ID))
                         for endpoint in endpoints}

    def of(self, endpoint: str, task_id: int) -> str:
        return str(task_id).join(self.patterns[endpoint])


@dataclass(frozen=True)
class RowView:
    row: InboxRow
    title: str
    process: str  # the process's name and the request's reference
    started_by: str
    created_iso: str
    created: str  # date and time in the reader's zone
    waiting: str  # how long the task has waited, in words
    due: str  # "" when the task has no due time
    candidate_role: str  # the role's name in the reader's language ("" unless claimable)
    open_href: str
    claim_href: str
    release_href: str
    delegate_href: str


def row_views(inbox: Inbox, locale: str) -> list[RowView]:
    """The rows of ``inbox`` as the page writes them, in ``locale``
    (``zh_CN`` or ``en``)."""
    formats = ReaderFormats.current()
    links = _TaskLinks("web.task", "web.claim", "web.release", "web.delegate")
    chinese = locale != "en"
    views = []
    for row in inbox.rows:
        task, instance = row.task, row.task.instance
        role = ""
        if row.box == "claimable":
            names = inbox.roles.get(task.candidate_role)
            role = (names[0] if chinese else names[1]) if names else task.candidate_role
        views.append(RowView(
            row, task_name(task, locale),
            f"{process_name(instance.definition, locale)} · {instance.business_key or f'#{instance.id}'}",
            instance.started_by.display_name, task.created_at.isoformat(), formats.datetime(task.created_at),
            formats.age(task.created_at), formats.datetime(task.due_at) if task.due_at else "", role,
            links.of("web.task", task.id), links.of("web.claim", task.id), links.of("web.release", task.id),
            links.of("web.delegate", task.id)))
    return views
