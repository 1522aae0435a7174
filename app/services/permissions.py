"""Rules on who may change anything at all, shared by every use case."""
from app.errors import Forbidden
from app.models import User

READ_ONLY_ROLE = "auditor"


def ensure_may_change(actor: User | None) -> None:
    """Auditors read everything and change nothing. Raises Forbidden."""
    if actor is not None and actor.has_role(READ_ONLY_ROLE):
        raise Forbidden("Auditors can read everything and change nothing.", code="read_only")


def require_role(actor: User, roles: tuple[str, ...], what: str) -> None:
    """Auditors change nothing; anyone else needs one of ``roles`` to
    ``what``. Raises Forbidden (``read_only`` for an auditor)."""
    ensure_may_change(actor)
    if not any(actor.has_role(code) for code in roles):
        raise Forbidden(f"Only {' or '.join(roles)} may {what}.")


def ensure_process_admin(actor: User | None, what: str) -> None:
    """Only process administrators may ``what``; ``None`` is the trusted
    command line. Raises Forbidden."""
    if actor is not None and not actor.has_role("process_admin"):
        raise Forbidden(f"Only a process administrator may {what}.")


def may_operate(user: User | None) -> bool:
    """Whether ``user`` acts on running processes (retries, migrations,
    corrections, timers, messages): a process administrator who is not
    also an auditor. The pages show their forms only to such users."""
    return bool(user is not None and user.has_role("process_admin") and not user.has_role(READ_ONLY_ROLE))


def storable_text(value) -> bool:
    """PostgreSQL text cannot hold NUL; such input matches nothing."""
    return isinstance(value, str) and "\x00" not in value
