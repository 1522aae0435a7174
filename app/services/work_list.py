"""The work list in SQL: the READY tasks a person may act on (held by them,
claimable through their roles, or either through a standing delegation),
which box each falls in, one keyset page at a time, and the count of every
box in one query. No list query loads an instance's engine state.

Segregation of duties takes out the approvals the person would be refused:
in SQL through task_bar (who each READY approval bars, kept by every
command: task_bars.py), and for the few held tasks that passed through a
delegation chain, one by one as the commands decide (segregation.py).
Where two standing delegations both cover a task, the list may offer it for
the second principal while the command acts for the first and refuses it:
the command decides, the list never lets anyone act."""
import base64
import binascii
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from sqlalchemy import String, Text, and_, case, cast, false, func, literal, literal_column, or_, select, union_all
from sqlalchemy.orm import joinedload, selectinload

from app import clock
from app.errors import ValidationFailed
from app.extensions import db
from app.models import Delegation, HumanTask, ProcessDefinition, ProcessInstance, TaskBar, TaskStatus, User
from app.services.acting import acting_as, delegations_to
from app.services.role_scope import may_claim, org_id_of
from app.services.segregation import barred_for_tasks, involved, may_hold_tasks, refusal

BOXES = ("mine", "claimable", "delegated")
PAGE = 50
MAX_PAGE = 200


@dataclass(frozen=True)
class Grants:
    """What lets ``user`` act: their own tasks and roles, and the standing
    delegations in force now."""
    user: User
    delegations: tuple[Delegation, ...]


def grants_of(user: User) -> Grants:
    return Grants(user, tuple(delegations_to(user)))


def _barred(*people: User):
    """A segregation-of-duties bar on the task names one of ``people``."""
    return (select(TaskBar.task_id).where(TaskBar.task_id == HumanTask.id,
                                          TaskBar.user_id.in_([person.id for person in people])).exists())


@dataclass(frozen=True)
class _Part:
    """One way a task reaches the list: held by or claimable for ``person``
    (the user, or a principal through a delegation), unless a bar names one
    of ``barred``, and only in ``keys`` processes when a delegation says so."""
    person: User
    barred: tuple[User, ...]
    keys: tuple[str, ...] = ()


def _parts(grants: Grants) -> list[_Part]:
    return [_Part(grants.user, (grants.user,)),
            *(_Part(d.from_user, (grants.user, d.from_user), tuple(d.process_keys or ())) for d in grants.delegations)]


def _allowed(part: _Part):
    """The part's condition beyond who holds or may claim the task."""
    allowed = ~_barred(*part.barred)
    return allowed & HumanTask.process_key.in_(list(part.keys)) if part.keys else allowed


def actionable(grants: Grants, scope: str = "all"):
    """Condition on HumanTask: READY, theirs to act on as ``acting_as``
    decides (``scope="mine"``: held by them), and not an approval that bars
    them or, through a delegation, whom they act for (task_bar)."""
    user = grants.user
    if scope == "mine":
        return and_(HumanTask.status == TaskStatus.ready, HumanTask.assignee_id == user.id, ~_barred(user))
    return and_(HumanTask.status == TaskStatus.ready,
                or_(*(or_(HumanTask.assignee_id == part.person.id, may_claim(part.person)) & _allowed(part)
                      for part in _parts(grants))))


@dataclass(frozen=True)
class Lane:
    """One disjoint part of the list: its condition on HumanTask and the
    box its tasks fall in: one box for the whole lane, or an SQL expression
    choosing per task."""
    condition: object
    box: str | object

    def box_column(self):
        return literal_column(f"'{self.box}'") if isinstance(self.box, str) else self.box

    def may_hold(self, box: str) -> bool:
        """Whether the lane may hold tasks of ``box`` (any box but the three: all)."""
        return box not in BOXES or not isinstance(self.box, str) or self.box == box

    def in_box(self, box: str) -> tuple:
        """Conditions keeping the lane's tasks of ``box``."""
        return (self.box == box,) if box in BOXES and not isinstance(self.box, str) else ()

    def grouped(self) -> tuple:
        return (HumanTask.process_key,) if isinstance(self.box, str) else (self.box, HumanTask.process_key)


def lanes(grants: Grants, scope: str = "all") -> list[Lane]:
    """``actionable`` split into disjoint lanes, each one range of an index
    in page order (the partial indexes on human_task): the tasks held by
    each person the grants name, and the unclaimed tasks of each (role,
    organisation) one of them may claim, each with the bars and processes
    of the parts it comes from."""
    user = grants.user
    own = case((HumanTask.delegated_from_id.is_not(None), "delegated"), else_="mine")
    if scope == "mine":
        return [Lane(actionable(grants, scope), own)]
    held, unclaimed = {}, {}
    for part in _parts(grants):
        held.setdefault(part.person.id, []).append(part)
        org = org_id_of(part.person)
        for role in part.person.role_codes:
            unclaimed.setdefault((role, org), []).append(part)
    ready = HumanTask.status == TaskStatus.ready
    return [*(Lane(and_(ready, HumanTask.assignee_id == person_id, or_(*map(_allowed, parts))),
                   own if person_id == user.id else "delegated")
              for person_id, parts in held.items()),
            *(Lane(and_(ready, HumanTask.assignee_id.is_(None), HumanTask.candidate_role == role,
                        HumanTask.candidate_org_id == org, or_(*map(_allowed, parts))),
                   "claimable" if any(part.person is user for part in parts) else "delegated")
              for (role, org), parts in unclaimed.items())]


def _joined(query, always: bool = False):
    """``query`` over HumanTask, joined to its instance when ``always``."""
    if always:
        return query.join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id)
    return query


# Page order: soonest due first, no due time last, then oldest. The two
# partial indexes on human_task (held, unclaimed by role) hold this order.
_PAGE_ORDER = (HumanTask.due_at.asc().nulls_last(), HumanTask.created_at, HumanTask.id)


def _passed_through_delegation():
    return func.coalesce(cast(HumanTask.delegation_chain, Text), "[]").not_in(["[]", "null"])


def _refused_ids(grants: Grants) -> set[int]:
    """Ids of approvals held by the person or a principal that passed
    through a delegation chain someone in it is barred from: involved in
    acting on a task is its whole chain (segregation.involved), which
    task_bar cannot know for everyone. Only a held task has a chain
    (releasing clears it), so these are few, read by the holder's index;
    naming one the list would not show anyway takes nothing from it."""
    holders = [grants.user.id, *(delegation.from_user_id for delegation in grants.delegations)]
    ids = list(db.session.scalars(select(HumanTask.id).where(
        HumanTask.status == TaskStatus.ready, HumanTask.assignee_id.in_(holders), HumanTask.is_approval.is_(True),
        _passed_through_delegation())))
    if not ids:  # most people: nothing held came through a delegation
        return set()
    suspects = list(db.session.scalars(select(HumanTask).where(HumanTask.id.in_(ids)).options(
        selectinload(HumanTask.instance).defer(ProcessInstance.state))))
    barred = barred_for_tasks(suspects)
    refused = set()
    for task in suspects:
        _, principal = acting_as(grants.user, task)
        if task.id in barred and refusal(barred[task.id], involved(task, grants.user, principal), grants.user):
            refused.add(task.id)
    return refused


# A page's instances (without their engine state and data, which no row
# shows) and starters come joined to its task rows, the few definitions in
# one more query: never one lazy load per row. A starter's roles are not
# read (only if something asks).
_INSTANCE = joinedload(HumanTask.instance, innerjoin=True)
_WITH_INSTANCE = (_INSTANCE.defer(ProcessInstance.state), _INSTANCE.defer(ProcessInstance.data),
                  _INSTANCE.joinedload(ProcessInstance.started_by, innerjoin=True).lazyload(User.roles),
                  _INSTANCE.selectinload(ProcessInstance.definition))


@dataclass(frozen=True)
class Filters:
    box: str = "all"  # mine | claimable | delegated | all
    q: str = ""  # business key, process, step, starter or #number
    process_key: str | None = None
    overdue: bool = False


class WorkList:
    """One person's work list as queries: counts, processes and pages."""

    def __init__(self, user: User, scope: str = "all"):
        self.user = user
        self.scope = scope
        self.empty = not may_hold_tasks(user)  # auditors read, integration accounts send messages
        grants = self.grants = grants_of(user)
        self.lanes = [] if self.empty else lanes(grants, scope)
        self.refused = set() if self.empty else _refused_ids(grants)
        if self.refused:
            self.lanes = [Lane(and_(lane.condition, HumanTask.id.not_in(sorted(self.refused))), lane.box)
                          for lane in self.lanes]
        self._counted = None

    @cached_property
    def where(self):
        """The list's condition on HumanTask (one condition; the pages and
        counts read it lane by lane instead)."""
        if self.empty:
            return false()
        condition = actionable(self.grants, self.scope)
        return and_(condition, HumanTask.id.not_in(sorted(self.refused))) if self.refused else condition

    def _select(self, *columns, instance: bool = False):
        """The list's rows; joined to their instances when ``instance``."""
        return _joined(select(*columns).select_from(HumanTask), instance).where(self.where)

    def _count(self) -> tuple[dict[str, int], set[str]]:
        """(counts, process keys): one query over the list's lanes, each
        grouped by box and process, asked once per work list."""
        if self._counted is None:
            counts = {box: 0 for box in BOXES} | {"all": 0, "overdue": 0}
            keys = set()
            late = case((HumanTask.due_at < clock.now(), 1), else_=0)
            per_lane = [select(lane.box_column().label("box"), HumanTask.process_key, func.count().label("number"),
                               func.sum(late).label("late")).where(lane.condition).group_by(*lane.grouped())
                        for lane in self.lanes]
            for box, key, number, overdue in (db.session.execute(union_all(*per_lane)) if per_lane else ()):
                counts[box] += number
                counts["all"] += number
                counts["overdue"] += int(overdue or 0)
                if key:
                    keys.add(key)
            self._counted = counts, keys
        return self._counted

    def counts(self) -> dict[str, int]:
        """READY tasks per box, all of them and the overdue."""
        return dict(self._count()[0])

    def processes(self) -> list[tuple[str, object]]:
        """(key, names) of the processes in the list: the name and name_en
        of each one's newest deployed version (a row, not the definition)."""
        keys = self._count()[1]
        newest = {}
        versions = (select(ProcessDefinition.key, ProcessDefinition.name, ProcessDefinition.name_en)
                    .where(ProcessDefinition.key.in_(sorted(keys)))
                    .order_by(ProcessDefinition.key, ProcessDefinition.version))
        for names in db.session.execute(versions):
            newest[names.key] = names
        return sorted(newest.items())

    def _filtered(self, query, filters: Filters):
        if filters.process_key:
            query = query.where(HumanTask.process_key == filters.process_key)
        if filters.overdue:
            query = query.where(HumanTask.due_at < clock.now())
        needle = (filters.q or "").strip().lower()
        if needle:
            starter = db.aliased(User)
            query = (query.join(ProcessDefinition, ProcessDefinition.id == ProcessInstance.definition_id)
                     .join(starter, starter.id == ProcessInstance.started_by_id))
            texts = (ProcessInstance.business_key, ProcessDefinition.name, ProcessDefinition.name_en,
                     ProcessInstance.process_key, HumanTask.name, starter.display_name, starter.username,
                     literal("#") + cast(ProcessInstance.id, String))
            query = query.where(or_(*(func.lower(func.coalesce(text, "")).contains(needle, autoescape=True)
                                      for text in texts)))
        return query

    def page(self, filters: Filters = Filters(), after: str | None = None,
             limit: int = PAGE) -> tuple[list[tuple[HumanTask, str]], str | None]:
        """Up to ``limit`` (task, box) of the filtered list after the cursor
        ``after``: soonest due first (no due time last), then oldest; and the
        cursor of the next page (None on the last).

        The page's ids are read lane by lane (``lanes``): each lane is one
        index range already in page order, so a lane gives its first
        ``limit + 1`` rows without sorting all its tasks (13,500 claimable
        ones for a finance clerk); the lanes' heads are merged, and the
        page's tasks read with them, joined to the merged ids."""
        if self.empty:
            return [], None
        base = self._filtered(_joined(select(HumanTask.id, HumanTask.due_at, HumanTask.created_at)
                                      .select_from(HumanTask), bool(filters.q)), filters)
        if after:
            base = base.where(_after(decode_cursor(after)))
        heads = [base.add_columns(lane.box_column().label("box")).where(lane.condition, *lane.in_box(filters.box))
                 .order_by(*_PAGE_ORDER).limit(limit + 1).subquery()
                 for lane in self.lanes if lane.may_hold(filters.box)]
        if not heads:
            return [], None
        merged = union_all(*(select(head.c.id, head.c.due_at, head.c.created_at, head.c.box) for head in heads)
                           ).subquery()
        # the page's tasks with their instances and starters, read by the merged ids in the same statement
        found = db.session.execute(select(HumanTask, merged.c.box).join(merged, merged.c.id == HumanTask.id)
                                   .options(*_WITH_INSTANCE).order_by(merged.c.due_at.asc().nulls_last(),
                                                                      merged.c.created_at, merged.c.id)
                                   .limit(limit + 1)).all()
        more = len(found) > limit
        rows = [(task, box) for task, box in found[:limit]]
        return rows, (encode_cursor(rows[-1][0]) if more and rows else None)

    def every_task(self) -> list[HumanTask]:
        """The whole list, oldest first (commands and checks that need all)."""
        return list(db.session.scalars(self._select(HumanTask).order_by(HumanTask.created_at, HumanTask.id)))


def encode_cursor(task: HumanTask) -> str:
    due = task.due_at.isoformat() if task.due_at else ""
    raw = f"{due}|{task.created_at.isoformat()}|{task.id}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime | None, datetime, int]:
    """(due, created, id) of a page cursor. Raises ValidationFailed (field ``after``)."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        due, created, task_id = raw.split("|")
        return (datetime.fromisoformat(due) if due else None), datetime.fromisoformat(created), int(task_id)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise ValidationFailed.for_fields({"after": ["Not a cursor this list gave out."]}) from None


def _after(cursor: tuple[datetime | None, datetime, int]):
    due, created, task_id = cursor
    later = or_(HumanTask.created_at > created, and_(HumanTask.created_at == created, HumanTask.id > task_id))
    if due is None:
        return and_(HumanTask.due_at.is_(None), later)
    return or_(HumanTask.due_at.is_(None), HumanTask.due_at > due, and_(HumanTask.due_at == due, later))
