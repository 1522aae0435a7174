"""The work list's process filter: the processes its tasks belong to, read
from the task rows (``human_task.process_key``) in the same query as the
counts, each named by its newest deployed version; a filter by process
lists only that process's tasks."""
from sqlalchemy import event

from app.extensions import db
from app.services.work_list import Filters, WorkList
from tests.engine.test_role_scope import ADVANCE
from tests.support.migration_travel import TRIP


def _two_processes(sales):
    trip = sales.start("travel_request", dict(TRIP), "rep_east1")
    advance = sales.start("expense_advance", ADVANCE, "rep_east1")
    return trip, advance


def test_the_process_list_and_the_counts_are_one_query_over_the_task_rows(sales):
    trip, advance = _two_processes(sales)
    manager = sales.user("rm_east")
    work = WorkList(manager)
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        counts = work.counts()
        processes = dict(work.processes())
        again = work.counts()
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert counts == again and counts["all"] == counts["mine"] == 2
    assert set(processes) == {"travel_request", "expense_advance"}
    assert processes["travel_request"].name == trip.definition.name
    assert sum("GROUP BY" in statement for statement in statements) == 1
    assert not any("JOIN process_instance" in statement for statement in statements)


def test_a_filter_by_process_lists_only_its_tasks(sales):
    trip, advance = _two_processes(sales)
    manager = sales.user("rm_east")
    rows, _ = WorkList(manager).page(Filters(process_key="expense_advance"))
    assert [task.instance_id for task, _ in rows] == [advance.id]
    rows, _ = WorkList(manager).page(Filters(process_key="travel_request"))
    assert [task.instance_id for task, _ in rows] == [trip.id]


def test_a_task_row_carries_its_instances_process(sales):
    trip, advance = _two_processes(sales)
    for instance in (trip, advance):
        task = sales.task(instance, sales.ready_elements(instance)[0])
        assert task.process_key == instance.process_key


def test_an_account_that_holds_no_tasks_has_an_empty_list_whatever_its_roles(sales):
    _two_processes(sales)
    auditor = sales.user("auditor")
    work = WorkList(auditor)
    assert work.page() == ([], None) and work.processes() == []
    assert work.counts() == {"mine": 0, "claimable": 0, "delegated": 0, "all": 0, "overdue": 0}
