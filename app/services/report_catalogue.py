"""The report pages there are: each page lists itself (app/web/reports_home.py
``listed``) with its endpoint, title, one line saying what it answers, who
may open it and the filters (query arguments) it accepts. The /reports/ page
reads it, and so do saved views: a view names a page of this catalogue and
keeps only the filters that page accepts."""
from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class ListedReport:
    endpoint: str
    title: object  # a lazy gettext string
    text: object
    may_open: Callable
    filters: tuple[str, ...] = ()


REPORTS: list[ListedReport] = []


def add(report: ListedReport) -> None:
    """List ``report``; a page listed again (a module reloaded) replaces its entry."""
    REPORTS[:] = [r for r in REPORTS if r.endpoint != report.endpoint] + [report]


def find(endpoint: str | None) -> ListedReport | None:
    return next((r for r in REPORTS if r.endpoint == endpoint), None)


def open_to(user) -> list[ListedReport]:
    """The pages ``user`` may open, in the order they were listed."""
    return [r for r in REPORTS if r.may_open(user)]
