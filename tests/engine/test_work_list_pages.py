"""The work list is read a page at a time in SQL: every task once, in order,
counts per box in one query, no query per row, and an approval segregation of
duties would refuse neither listed nor counted, directly or through a
delegation."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import event

from app import clock
from app.errors import ValidationFailed
from app.extensions import db
from app.models import Delegation
from app.services import inbox, queries, tasks
from app.services.acting import acting_as
from app.services.work_list import BOXES, Filters, WorkList

from tests.support.extra_tasks import copies_of, extra_tasks, task_row
from tests.support.samples import PROSPECT, TRIP


@pytest.fixture
def instance(flow):
    """A request started by a rep, for the extra task rows to hang on."""
    return flow.start("dealer_onboarding", PROSPECT, "rep_east2")


def _walk(user, limit, filters=Filters()):
    work, seen, after = WorkList(user), [], None
    while True:
        rows, after = work.page(filters, after, limit)
        seen.extend(task for task, _ in rows)
        if after is None:
            return seen


def _order(task):
    return (task.due_at is None, task.due_at or clock.now(), task.created_at, task.id)


def test_pages_walk_the_whole_list_once_soonest_due_first(flow, instance):
    extra_tasks(instance, 14)
    director = flow.user("director")
    everything = tasks.tasks_for(director)
    assert len(everything) == 14
    walked = _walk(director, limit=4)
    assert walked == sorted(everything, key=_order)
    assert [t.due_at is None for t in walked][-4:] == [True] * 4  # nothing due comes last


def test_a_cursor_from_elsewhere_is_refused_by_name(flow, instance):
    with pytest.raises(ValidationFailed) as refused:
        WorkList(flow.user("director")).page(after="not-a-cursor")
    assert "after" in refused.value.details["fields"]


def test_counts_are_the_boxes_of_the_list(flow, instance):
    director, gm = flow.user("director"), flow.user("gm")
    extra = extra_tasks(instance, 5)
    tasks.claim_task(extra[0].id, director)
    task_row(instance, 90, role="general_manager", due=clock.now() - timedelta(hours=3))  # the GM's, overdue
    db.session.add(Delegation(from_user=gm, to_user=director, valid_from=clock.now() - timedelta(hours=1),
                              valid_to=clock.now() + timedelta(days=2)))
    db.session.flush()
    expected = {box: 0 for box in BOXES}
    for task in tasks.tasks_for(director):
        allowed, principal = acting_as(director, task)
        assert allowed
        box = "delegated" if principal else "mine" if task.assignee_id == director.id else "claimable"
        expected[box] += 1
    counts = inbox.task_counts(director)
    assert {box: counts[box] for box in BOXES} == expected == {"mine": 1, "claimable": 4, "delegated": 1}
    assert counts["all"] == 6
    assert counts["overdue"] == sum(1 for t in tasks.tasks_for(director) if t.due_at and t.due_at < clock.now())
    page = inbox.inbox_for(director, box="delegated")
    assert [(row.task.element_id, row.on_behalf_of.username) for row in page.rows] == [("Extra_90", "gm")]


def test_a_refused_approval_is_neither_listed_nor_counted(flow):
    """The director's own trip request carries an approval for the director
    role: he may not approve it, so the list and its counts leave it out,
    and so do they for a deputy acting for him."""
    own = flow.start("travel_request", TRIP, "director")
    barred = task_row(own, 1, approval=True)
    fine = task_row(own, 2)  # not an approval: segregation does not bar it
    director = flow.user("director")
    listed = tasks.tasks_for(director)
    assert fine in listed and barred not in listed
    assert barred not in _walk(director, limit=1)
    assert inbox.task_counts(director)["claimable"] == len([t for t in listed if t.assignee_id is None])
    from app.services import accounts

    deputy = accounts.create_user("deputy", "long-password-1", roles=["sales_rep"])
    db.session.add(Delegation(from_user=director, to_user=deputy, valid_from=clock.now() - timedelta(hours=1),
                              valid_to=clock.now() + timedelta(days=2)))
    db.session.flush()
    assert barred not in tasks.tasks_for(deputy) and fine in tasks.tasks_for(deputy)
    assert barred.id not in {row.task.id for row in inbox.inbox_for(deputy).rows}


def test_search_box_and_overdue_filter_in_sql(flow, instance):
    late = task_row(instance, 1, due=clock.now() - timedelta(minutes=5))
    task_row(instance, 2, due=clock.now() + timedelta(days=1))
    director = flow.user("director")
    assert _walk(director, 10, Filters(overdue=True)) == [late]
    assert {t.id for t in _walk(director, 10, Filters(q="补充任务 1"))} == {late.id}
    assert {t.id for t in _walk(director, 10, Filters(q=f"#{instance.id}"))} >= {late.id}
    assert _walk(director, 10, Filters(q="100%_")) == []  # LIKE wildcards are text, not patterns
    assert _walk(director, 10, Filters(process_key="travel_request")) == []


def _statements(run):
    seen = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append((statement, parameters))

    engine = db.session.get_bind()
    event.listen(engine, "before_cursor_execute", record)
    try:
        run()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return seen


def test_a_page_costs_the_same_statements_for_3_tasks_or_40(flow, instance):
    director = flow.user("director")
    extra_tasks(instance, 3)
    db.session.expire_all()
    few = len(_statements(lambda: inbox.inbox_for(director)))
    extra_tasks(flow.start("dealer_onboarding", PROSPECT, "rep_east1"), 40)
    db.session.expire_all()
    many = len(_statements(lambda: inbox.inbox_for(director)))
    assert many == few


def test_a_page_reads_no_instance_state_or_data(flow, instance):
    """A row shows the request's reference and starter; the engine state
    (kilobytes) and the request's data are not read for it."""
    extra_tasks(instance, 3)
    db.session.expire_all()
    selects = [statement for statement, _ in _statements(lambda: inbox.inbox_for(flow.user("director")))
               if "process_instance" in statement]
    assert selects
    assert not any(re.search(r"process_instance(_\d+)?\.(state|data)\b", s) for s in selects)


def test_seeing_a_request_binds_no_list_of_every_task(flow, instance):
    for n, copy in enumerate(copies_of(instance, 30)):
        task_row(copy, n)
    other = flow.start("dealer_onboarding", PROSPECT, "rep_east1")
    director = flow.user("director")
    db.session.expire_all()
    statements = _statements(lambda: queries.may_see_instance(director, other))
    assert statements
    assert max(len(parameters or ()) for _, parameters in statements) < 20


def test_bars_follow_the_open_approvals_and_go_when_the_request_ends(flow):
    from app.models import TaskBar
    from app.services import instances
    from sqlalchemy import select

    trip = flow.start("travel_request", TRIP, "rep_east1")
    [(reason, holder)] = db.session.execute(select(TaskBar.reason, TaskBar.user_id)
                                            .where(TaskBar.instance_id == trip.id)).all()
    assert (reason, holder) == ("requester", flow.user("rep_east1").id)
    instances.cancel_instance(trip.id, flow.user("process_admin"), reason="重复申请")
    assert db.session.scalar(select(TaskBar.task_id).where(TaskBar.instance_id == trip.id)) is None
