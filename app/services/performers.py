"""Who receives a human task: the lane names a role code (anyone holding it
may claim the task) or a resolver (one person found at run time)."""
from dataclasses import dataclass

from sqlalchemy import select

from app.errors import LanesError
from app.extensions import db
from app.models import Customer, Level, Role, User, user_role
from app.services.role_catalogue import ROLE_CODES

_HEAD_LEVELS = {Level.department_head, Level.director, Level.general_manager}


class NoPerformer(LanesError):
    status = 422
    code = "no_performer"


@dataclass(frozen=True)
class Performer:
    role: str | None = None
    user_id: int | None = None
    username: str | None = None


def _requester(starter: User, data: dict) -> User:
    return starter


def _manager_of_requester(starter: User, data: dict) -> User | None:
    return starter.manager


def _department_head_of_requester(starter: User, data: dict) -> User | None:
    person = starter.manager
    while person is not None and person.level not in _HEAD_LEVELS:
        person = person.manager
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


def _salesperson(starter: User, data: dict) -> User | None:
    """The salesperson the instance is about (data ``salesperson``, a
    username), e.g. the rep whose collection assessment is paid out."""
    username = data.get("salesperson")
    return db.session.scalar(select(User).where(User.username == username)) if isinstance(username, str) else None


RESOLVERS = {
    "@requester": _requester,
    "@manager_of_requester": _manager_of_requester,
    "@department_head_of_requester": _department_head_of_requester,
    "@regional_manager_of_customer": _regional_manager_of_customer,
    "@salesperson": _salesperson,
}

LANE_NAMES = frozenset(ROLE_CODES) | frozenset(RESOLVERS)


def performer_for(lane: str | None, instance, data: dict, task_name: str) -> Performer:
    """The role or person for a task in ``lane`` of ``instance``. Raises
    NoPerformer when a resolver finds nobody (e.g. the general manager has
    no manager)."""
    if lane in ROLE_CODES:
        return Performer(role=lane)
    starter = instance.started_by
    resolver = RESOLVERS.get(lane or "")
    person = resolver(starter, data) if resolver else None
    if person is None or not person.active:
        raise NoPerformer(
            f"Nobody can take the step '{task_name}': lane {lane!r} finds no active person for {starter.display_name}.",
            details={"lane": lane, "task": task_name},
        )
    return Performer(user_id=person.id, username=person.username)
