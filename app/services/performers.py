"""Who receives a human task: the lane names a role code (anyone holding it
may claim the task) or a resolver (one person found at run time).

No approval can hang: an approval step never goes to someone segregation of
duties bars (segregation.py) or who cannot hold a task. A resolved person who
may not act passes it up their manager chain; a role with no eligible holder
left passes it to the nearest eligible manager above its holders."""
import functools
from dataclasses import dataclass

from sqlalchemy import bindparam, inspect, select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from app.actions import BusinessRuleViolation
from app.errors import LanesError
from app.extensions import db
from app.ledger.org_units import org_by_code, org_of
from app.ledger.plan_inputs import planners
from app.models import Customer, Level, OrgUnit, Role, User, user_role
from app.services.role_catalogue import ROLE_CODES
from app.services.role_scope import holders
from app.services.segregation import barred_people, may_hold_tasks

_HEAD_LEVELS = {Level.department_head, Level.director, Level.general_manager}


class NoPerformer(LanesError):
    status = 422
    code = "no_performer"


class UnknownTaskOrganisation(LanesError):
    """A ``takenByOrg`` path that names no organisation in the task's data:
    the step cannot be offered, and going to the head company instead would
    hand one organisation's work to another's staff."""
    status = 422
    code = "unknown_task_org"


@dataclass(frozen=True)
class Performer:
    role: str | None = None
    user_id: int | None = None
    username: str | None = None
    org_id: int | None = None  # a role task: the organisation whose holders take it
    org_code: str | None = None


def task_org(instance, step, data: dict) -> OrgUnit:
    """The organisation whose role holders take ``step`` of ``instance``: the
    one its diagram names through ``takenByOrg`` (a dotted path into ``data``
    holding an organisation code), else the instance's own. Raises
    UnknownTaskOrganisation when the path holds no known code."""
    path = getattr(step, "taken_by_org", None)
    if not path:
        own = db.session.get(OrgUnit, instance.org_unit_id) if instance.org_unit_id else None
        return own or org_of(instance.started_by_id)
    value = data
    for key in path.split("."):
        value = value.get(key) if isinstance(value, dict) else None
    try:
        return org_by_code(value, field=path)
    except BusinessRuleViolation:
        raise UnknownTaskOrganisation(
            f"The step {step.element_id} is taken by the organisation in {path!r}, "
            f"but that holds {value!r}, which is no organisation's code.",
            details={"task": step.element_id, "taken_by_org": path, "value": value if isinstance(value, str) else None},
        ) from None


def _related(owner, attribute: str) -> User | None:
    """``owner.<attribute>``, a user, read with their roles in one statement
    when not loaded yet (the relationship would send two: the user, then
    the roles), and kept on ``owner`` as the relationship's value. A chain
    of managers is read hop by hop, and each hop's roles decide whether
    they may act."""
    state = inspect(owner, raiseerr=False)  # None: a stand-in that is no mapped row
    if state is None or attribute not in state.unloaded:
        return getattr(owner, attribute)
    user_id = getattr(owner, attribute + "_id")
    person = db.session.get(User, user_id, options=[joinedload(User.roles)]) if user_id is not None else None
    set_committed_value(owner, attribute, person)
    return person


@functools.cache
def _person_with_managers():
    """A person and everyone up their manager chain, with their roles (built
    once: the recursive statement cost more to build than to send)."""
    chain = select(User.id, User.manager_id).where(User.id == bindparam("person_id")).cte("chain", recursive=True)
    chain = chain.union(select(User.id, User.manager_id).join(chain, User.id == chain.c.manager_id))
    return select(User).where(User.id.in_(select(chain.c.id))).options(joinedload(User.roles))


def _starter_with_managers(instance) -> User:
    """The requester, read with everyone up their manager chain and their
    roles in one statement (a recursive query; UNION stops a loop in the
    org chart) when not loaded yet: a resolver walks that chain next, and
    hop by hop it costs a statement a person. Each one read is kept on
    the one below as ``manager``."""
    state = inspect(instance, raiseerr=False)
    if state is None or "started_by" not in state.unloaded:
        return instance.started_by
    if db.session.identity_map.get(identity_key(User, instance.started_by_id)) is not None:
        return _related(instance, "started_by")  # loaded already: the chain, if walked, hop by hop
    people = {person.id: person for person in db.session.scalars(
        _person_with_managers(), {"person_id": instance.started_by_id}).unique()}
    for person in people.values():
        if "manager" in inspect(person).unloaded and (person.manager_id is None or person.manager_id in people):
            set_committed_value(person, "manager", people.get(person.manager_id))
    starter = people.get(instance.started_by_id)
    set_committed_value(instance, "started_by", starter)
    return starter


def _manager(person: User) -> User | None:
    return _related(person, "manager")


def _requester(starter: User, data: dict) -> User:
    return starter


def _manager_of_requester(starter: User, data: dict) -> User | None:
    return _manager(starter)


def _department_head_of_requester(starter: User, data: dict) -> User | None:
    """The first head up the requester's chain; None if there is none, or
    if the chain comes round to someone again (an org chart edited into a
    loop must not hang the command)."""
    person, seen = _manager(starter), {starter.id}
    while person is not None and person.level not in _HEAD_LEVELS:
        if person.id in seen:
            return None
        seen.add(person.id)
        person = _manager(person)
    return person


def _regional_manager_of_customer(starter: User, data: dict) -> User | None:
    """The regional manager over the customer (data ``customer_code`` or
    ``customer``): the one who manages its salesperson, else the region's
    first (a region may have two, e.g. the director's assistant)."""
    code = data.get("customer_code") or data.get("customer")
    customer = db.session.scalar(select(Customer).where(Customer.code == code)) if isinstance(code, str) else None
    if customer is None:
        return None
    managers = db.session.scalars(
        select(User).join(user_role).join(Role)
        .where(Role.code == "regional_manager", User.region == customer.region, User.active.is_(True))
        .order_by(User.id)
    ).all()
    salesperson = customer.salesperson
    own = [m for m in managers if salesperson is not None and salesperson.manager_id == m.id]
    return (own or managers or [None])[0]


def _named_by(key: str):
    """A resolver for the user whose username the data names under ``key``."""
    def resolve(starter: User, data: dict) -> User | None:
        username = data.get(key)
        return db.session.scalar(select(User).where(User.username == username)) if isinstance(username, str) else None
    return resolve


# the salesperson the instance is about (data ``salesperson``), e.g. the rep
# whose collection assessment is paid out; the person a sales plan's issued
# targets go to (data ``recipient``, the item of a multi-instance step)
_salesperson = _named_by("salesperson")
_recipient = _named_by("recipient")


def _regional_manager_of_region(starter: User, data: dict) -> User | None:
    """The regional manager of the region the instance (or a multi-instance
    step's item) names in data ``region``: the one its reps report to."""
    return planners()[1].get(data.get("region")) if isinstance(data.get("region"), str) else None


RESOLVERS = {
    "@requester": _requester,
    "@manager_of_requester": _manager_of_requester,
    "@department_head_of_requester": _department_head_of_requester,
    "@regional_manager_of_customer": _regional_manager_of_customer,
    "@salesperson": _salesperson,
    "@regional_manager_of_region": _regional_manager_of_region,
    "@recipient": _recipient,
}

LANE_NAMES = frozenset(ROLE_CODES) | frozenset(RESOLVERS)


def _eligible(person: User | None, barred: dict[int, str]) -> bool:
    return may_hold_tasks(person) and person.id not in barred


def _up_from(person: User | None, barred: dict[int, str]) -> User | None:
    """``person`` if eligible, else the first eligible manager above them."""
    seen: set[int] = set()
    while person is not None and person.id not in seen:
        if _eligible(person, barred):
            return person
        seen.add(person.id)
        person = _manager(person)
    return None


def _general_managers() -> list[User]:
    return list(db.session.scalars(select(User).join(user_role).join(Role)
                                   .where(Role.code == "general_manager", User.active.is_(True)).order_by(User.id)))


def _above_role(role: str, org_id: int, barred: dict[int, str]) -> User | None:
    """Whom an approval for ``role`` in organisation ``org_id`` goes to when
    no holder there may take it: the first eligible manager above those
    holders (in order of their accounts), else the general manager."""
    for holder in holders(role, org_id):
        person = _up_from(_manager(holder), barred)
        if person is not None:
            return person
    return next((gm for gm in _general_managers() if _eligible(gm, barred)), None)


def performer_for(lane: str | None, instance, data: dict, task_name: str, step=None) -> Performer:
    """The role or person for a task in ``lane`` of ``instance``; ``step``
    (the ready task: ``element_id``, ``approval``, ``approval_stage``) makes
    an approval obey segregation of duties without ever hanging:

    - a role lane stays a role task of an organisation (``task_org``) while
      one active holder there may act on it; when none may (all barred: the
      requester, the document's maker, an approver of another step of the
      stage), it goes to the first eligible manager above those holders,
      else the general manager;
    - a resolver lane whose person may not act (already approved another step
      of the stage, e.g. ``@department_head_of_requester`` when the direct
      manager is the department head; the requester; inactive) goes to that
      person's manager, and up the chain until someone may.

    Raises UnknownTaskOrganisation (``task_org``); NoPerformer when nobody is found: a resolver finds no one (e.g. the
    general manager has no manager), or everyone up to the top is barred."""
    approval = step is not None and step.approval
    barred = barred_people(instance, step.element_id, step.approval_stage) if approval else {}
    if lane in ROLE_CODES:
        org = task_org(instance, step, data)
        if not approval or any(_eligible(holder, barred) for holder in holders(lane, org.id)):
            return Performer(role=lane, org_id=org.id, org_code=org.code)
        person = _above_role(lane, org.id, barred)
    else:
        resolver = RESOLVERS.get(lane or "")
        person = resolver(_starter_with_managers(instance), data) if resolver else None
        if approval:
            person = _up_from(person, barred)
    if person is None or not person.active:
        raise NoPerformer(
            f"Nobody can take the step '{task_name}': lane {lane!r} finds no active person "
            f"for {instance.started_by.display_name}.",
            details={"lane": lane, "task": task_name},
        )
    return Performer(user_id=person.id, username=person.username)
