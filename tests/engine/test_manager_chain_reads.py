"""The next approver up a manager chain is read one statement per person,
the person with their roles (performers._related): the relationship alone
sends two (the user, then the roles), and a completion walks the chain
for every approval that goes to a head."""
from sqlalchemy import event

from app.extensions import db
from app.models import ProcessInstance, TaskStatus

from tests.support.samples import TRIP
from tests.support.sql_log import SqlLog


def test_the_department_head_is_read_with_his_roles_in_one_statement(flow):
    trip = flow.start("travel_request", TRIP, "rep_east1")
    task = flow.task(trip, "Task_ManagerApproval")
    db.session.expire_all()  # a new request: nobody but what it reads is loaded
    statements = []
    listener = lambda *args: statements.append((" ".join(args[2].split()), args[3]))  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        flow.approve(trip, "Task_ManagerApproval", "rm_east")
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert task.status is TaskStatus.completed
    head = flow.task(trip, "Task_DepartmentHeadApproval")
    assert head.assignee.username == "director"  # rep_east1 → rm_east → director, the first head up the chain
    # the actor's own roles may be read again (the test expired him); the people up the chain are read with theirs
    chain = {flow.user("rep_east1").id, flow.user("director").id}
    roles_alone = [params for statement, params in statements
                   if statement.startswith("SELECT") and " FROM user_role JOIN role" in statement]
    assert not [params for params in roles_alone if chain & set(params if isinstance(params, (list, tuple))
                                                                 else params.values())], roles_alone


def test_the_requester_and_his_managers_are_read_in_one_statement(flow):
    trip = flow.start("travel_request", TRIP, "rep_east1")
    flow.task(trip, "Task_ManagerApproval")
    # a new request starts with nothing loaded: expiring alone would leave the requester in the session's
    # identity map for as long as the garbage collector had not dropped him, and the chain read hop by hop
    db.session.expunge_all()
    trip = db.session.get(ProcessInstance, trip.id)
    with SqlLog() as sent:
        flow.approve(trip, "Task_ManagerApproval", "rm_east")
    assert flow.task(trip, "Task_DepartmentHeadApproval").assignee.username == "director"
    people = [s for s in sent.log if s.startswith(("SELECT user.", 'SELECT "user".', "WITH RECURSIVE"))
              and " FROM api_token" not in s]
    # the approver, whom the test reloaded, and then the requester with his whole chain
    assert len(people) == 2 and people[1].startswith("WITH RECURSIVE"), people



class _Person:
    """A stand-in for a user (no mapped row): walking past ``limit`` hops
    fails instead of hanging the test."""

    hops = 0

    def __init__(self, user_id, level="staff", limit=50):
        self.id, self.level, self._manager, self.limit = user_id, level, None, limit

    @property
    def manager(self):
        _Person.hops += 1
        assert _Person.hops < self.limit, "walked the chain in circles"
        return self._manager


def test_a_loop_in_the_org_chart_finds_no_head_instead_of_hanging():
    from app.services.performers import RESOLVERS

    rep, manager = _Person(1), _Person(2)
    rep._manager, manager._manager = manager, rep
    _Person.hops = 0
    assert RESOLVERS["@department_head_of_requester"](rep, {}) is None
