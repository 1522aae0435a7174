"""Saved views (保存的视图): a report page's filters kept under a name, for
their owner and, if shared, for everyone holding a role or for one person.

A view keeps only the filters its page accepts (the catalogue says which)
and never figures: it opens the page through the reader's own report scope,
so a view the director shares with the reps shows each rep their own
figures. A view of a page the reader may not open is not shown to them."""
from sqlalchemy import or_, select

from app.errors import Forbidden, NotFound, ValidationFailed
from app.extensions import db
from app.models import Role, SavedView, User
from app.services import report_catalogue
from app.services.unit_of_work import use_case

NAME_LENGTH, VALUE_LENGTH = 80, 200
SHARES = ("nobody", "role", "person")


def _refuse(field: str, message: str):
    raise ValidationFailed.for_fields({field: [message]})


def kept_filters(report: report_catalogue.ListedReport, filters) -> dict[str, str]:
    """The filters of ``filters`` that ``report`` accepts, non-empty, as
    strings; anything else is dropped. Raises ValidationFailed naming
    ``filters`` (not a mapping) or ``filters.<name>`` (too long, not text)."""
    if filters is None:
        return {}
    if not isinstance(filters, dict):
        _refuse("filters", "Send the filters as an object of names and values.")
    kept = {}
    for name in report.filters:
        value = filters.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        if not isinstance(value, (str, int)) or isinstance(value, bool) or len(str(value)) > VALUE_LENGTH:
            _refuse(f"filters.{name}", f"A filter is text of at most {VALUE_LENGTH} characters.")
        kept[name] = str(value).strip()
    return kept


def _audience(share: str | None, role: str | None, person: str | None) -> tuple[str | None, User | None]:
    share = share or ("role" if role else "person" if person else "nobody")
    if share not in SHARES:
        _refuse("share", f"Share with one of {', '.join(SHARES)}.")
    if share == "role":
        if not role or db.session.scalar(select(Role.id).where(Role.code == role)) is None:
            _refuse("share_role", "Name a role that exists.")
        return role, None
    if share == "person":
        found = db.session.scalar(select(User).where(User.username == (person or "").strip(), User.active.is_(True)))
        if found is None:
            _refuse("share_user", "Name a person by their user name.")
        return None, found
    return None, None


@use_case
def create_view(user: User, name: str, endpoint: str, filters: dict | None = None, *, share: str | None = None,
                share_role: str | None = None, share_user: str | None = None) -> SavedView:
    """Save the filters of the report page ``endpoint`` as ``name`` for
    ``user``, shared with nobody, the role ``share_role`` or the person
    ``share_user`` (a user name). Raises ValidationFailed naming ``name``,
    ``endpoint`` (not a report page ``user`` may open), ``filters``,
    ``share``, ``share_role`` or ``share_user``."""
    name = (name or "").strip() if isinstance(name, str) else ""
    if not name or len(name) > NAME_LENGTH:
        _refuse("name", f"Give the view a name of at most {NAME_LENGTH} characters.")
    report = report_catalogue.find(endpoint) if isinstance(endpoint, str) else None
    if report is None or not report.may_open(user):
        _refuse("endpoint", "Name a report page you may open.")
    role, person = _audience(share, share_role, share_user)
    view = SavedView(name=name, endpoint=report.endpoint, filters=kept_filters(report, filters), owner_id=user.id,
                     shared_role=role, shared_user_id=person.id if person else None)
    db.session.add(view)
    db.session.flush()
    return view


def _visible_query(user: User):
    return select(SavedView).where(or_(SavedView.owner_id == user.id, SavedView.shared_user_id == user.id,
                                       SavedView.shared_role.in_(user.role_codes or ["-"])))


def visible_views(user: User, endpoint: str | None = None) -> list[SavedView]:
    """The views ``user`` may open (their own, those shared with a role they
    hold or with them), of report pages they may open; of ``endpoint`` only
    when given. By name."""
    query = _visible_query(user).order_by(SavedView.name, SavedView.id)
    if endpoint is not None:
        query = query.where(SavedView.endpoint == endpoint)
    views = db.session.scalars(query).all()
    return [v for v in views if (report := report_catalogue.find(v.endpoint)) is not None and report.may_open(user)]


@use_case
def delete_view(user: User, view_id: int) -> None:
    """Delete ``user``'s own view ``view_id``. Raises NotFound (no such view
    among those ``user`` sees), Forbidden (someone else's view)."""
    view = db.session.scalar(_visible_query(user).where(SavedView.id == view_id))
    if view is None:
        raise NotFound(f"No view {view_id} is open to you.", code="unknown_view")
    if view.owner_id != user.id:
        raise Forbidden("Only the person who saved a view may delete it.", code="not_your_view")
    db.session.delete(view)
    db.session.flush()


def described(view: SavedView, user: User) -> dict:
    """``view`` as the API and the pages show it."""
    report = report_catalogue.find(view.endpoint)
    return {"id": view.id, "name": view.name, "endpoint": view.endpoint, "filters": dict(view.filters or {}),
            "page": str(report.title) if report else None, "owner": view.owner.username,
            "owner_name": view.owner.display_name, "mine": view.owner_id == user.id,
            "shared_role": view.shared_role, "shared_user": view.shared_user.username if view.shared_user else None,
            "created_at": view.created_at}
