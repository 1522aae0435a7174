"""Users, passwords and API tokens."""
import functools
import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import bindparam, delete, select
from sqlalchemy.orm import joinedload
from werkzeug.security import check_password_hash, generate_password_hash

from app import clock
from app.errors import AuthenticationFailed, NotFound, ValidationFailed
from app.extensions import db
from app.models import ApiToken, Level, User
from app.services import login_throttle, password_policy, sessions
from app.services.access_history import set_roles
from app.services.role_catalogue import ROLE_CODES, ensure_roles
from app.services.unit_of_work import use_case

# Checked against when the username is unknown, so a wrong username costs as
# long as a wrong password and does not reveal which accounts exist.
_DUMMY_HASH_CACHE: dict[str, str] = {}


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def _dummy_hash() -> str:
    method = current_app.config["PASSWORD_HASH_METHOD"]
    if method not in _DUMMY_HASH_CACHE:
        _DUMMY_HASH_CACHE[method] = generate_password_hash(secrets.token_hex(8), method=method)
    return _DUMMY_HASH_CACHE[method]


def find_user(username: str) -> User | None:
    if not isinstance(username, str) or "\x00" in username:
        return None  # PostgreSQL text cannot hold NUL: no such user
    return db.session.scalar(select(User).where(User.username == username))


def authenticate(username: str, password: str) -> User:
    """The active user with these credentials. Raises AuthenticationFailed."""
    user = find_user(username or "")
    if user is None:
        check_password_hash(_dummy_hash(), password or "")
        raise AuthenticationFailed("Wrong username or password.")
    if not check_password_hash(user.password_hash, password or "") or not user.active:
        raise AuthenticationFailed("Wrong username or password.")
    return user


def _token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def sign_in(username: str, password: str, address: str) -> User:
    """The active user with these credentials, asked from ``address``. A
    failure is recorded (and committed) before AuthenticationFailed is
    raised; while the account or the address is paused after repeated
    failures, raises TooManyAttempts without looking at the password."""
    user = _attempt(username, password, address)
    if user is None:
        raise AuthenticationFailed("Wrong username or password.")
    return user


@use_case
def _attempt(username: str, password: str, address: str) -> User | None:
    login_throttle.refuse_while_paused(username, address)
    try:
        user = authenticate(username, password)
    except AuthenticationFailed:
        login_throttle.record_failure(username, address)
        return None
    login_throttle.forget_failures(username)
    return user


def issue_token(username: str, password: str, address: str) -> tuple[str, object]:
    """A new bearer token for these credentials: ``(token, expires_at)``.
    Only the token's hash is stored. Raises AuthenticationFailed or
    TooManyAttempts (see ``sign_in``)."""
    return _new_token(sign_in(username, password, address))


@use_case
def _new_token(user: User) -> tuple[str, object]:
    _purge_expired_tokens()
    raw = secrets.token_urlsafe(32)
    expires_at = clock.now() + timedelta(hours=current_app.config["API_TOKEN_TTL_HOURS"])
    db.session.add(ApiToken(user=user, token_hash=_token_digest(raw), expires_at=expires_at, created_at=clock.now()))
    return raw, expires_at


def _purge_expired_tokens() -> None:
    # Expired tokens open nothing; their rows would only pile up.
    db.session.execute(delete(ApiToken).where(ApiToken.expires_at <= clock.now()))


@use_case
def revoke_token(raw: str) -> None:
    """Delete the token ``raw``: it authenticates nothing afterwards. Raises
    AuthenticationFailed when it is not a valid token."""
    user_for_token(raw)
    db.session.execute(delete(ApiToken).where(ApiToken.token_hash == _token_digest(raw)))


@functools.cache
def _token_with_user():
    """A token by its digest with its user and the user's roles (built once)."""
    return (select(ApiToken).options(joinedload(ApiToken.user).joinedload(User.roles))
            .where(ApiToken.token_hash == bindparam("digest")))


def user_for_token(raw: str) -> User:
    """The active user a bearer token belongs to. Raises AuthenticationFailed
    for an unknown, forged or expired token."""
    # one statement: the token, its user and the user's roles
    token = db.session.execute(_token_with_user(), {"digest": _token_digest(raw or "")}).unique().scalar_one_or_none()
    if token is None or not token.user.active:
        raise AuthenticationFailed("The token is not valid.")
    if token.expires_at <= clock.now():
        raise AuthenticationFailed("The token has expired.", code="token_expired")
    return token.user


def _validated_user_fields(username, password, roles, level) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    if not username or len(username) > 64 or not username.replace("_", "").replace(".", "").replace("-", "").isalnum():
        problems["username"] = ["Use 1–64 letters, digits, '.', '-' or '_'."]
    elif find_user(username) is not None:
        problems["username"] = [f"User {username!r} already exists."]
    if weak := password_policy.problems(password, username):
        problems["password"] = weak
    unknown = sorted(set(roles) - ROLE_CODES)
    if unknown:
        problems["role"] = [f"Unknown role {code!r}; known: {', '.join(sorted(ROLE_CODES))}." for code in unknown]
    if level not in Level.__members__:
        problems["level"] = [f"Unknown level {level!r}; known: {', '.join(Level.__members__)}."]
    return problems


@use_case
def create_user(
    username: str,
    password: str,
    *,
    roles: list[str] = (),
    display_name: str | None = None,
    manager: str | None = None,
    department: str | None = None,
    region: str | None = None,
    level: str = "staff",
    by: User | str | None = None,
    reason: str = "account created",
) -> User:
    """Create an active user; each role given is recorded as granted by
    ``by`` (None: the system) because ``reason``. Raises ValidationFailed
    naming each bad field, NotFound for an unknown manager."""
    problems = _validated_user_fields(username, password, roles, level)
    if problems:
        raise ValidationFailed.for_fields(problems)
    manager_user = None
    if manager:
        manager_user = find_user(manager)
        if manager_user is None:
            raise NotFound(f"Manager {manager!r} does not exist.", details={"field": "manager"})
    by_code = ensure_roles()
    user = User(
        username=username,
        display_name=display_name or username,
        password_hash=hash_password(password),
        department=department,
        region=region,
        level=Level[level],
        manager=manager_user,
    )
    db.session.add(user)
    set_roles(user, roles, by=by, reason=reason, roles=by_code)
    db.session.flush()
    return user


def list_users() -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.username)))


def change_password(user: User, current_password: str, new_password: str, *, address: str = "",
                    keep_token: str | None = None) -> None:
    """Give ``user`` a new password. Every other way in ends: all web
    sessions (the caller signs its own in again) and every API token but
    ``keep_token``, the one the change was asked with. A wrong current
    password counts as a failed sign-in of the account from ``address``
    (recorded and committed first), so a stolen session cannot guess it
    faster than the sign-in page allows. Raises TooManyAttempts while the
    account or the address is paused (the password is not looked at),
    ValidationFailed naming ``current_password`` (wrong) or ``new_password``
    (refused by the password policy, or unchanged)."""
    if not _current_password_holds(user, current_password, address):
        raise ValidationFailed.for_fields({"current_password": ["Wrong password."]})
    _set_password(user, current_password, new_password, keep_token)


@use_case
def _current_password_holds(user: User, current_password: str, address: str) -> bool:
    login_throttle.refuse_while_paused(user.username, address)
    if check_password_hash(user.password_hash, current_password or ""):
        return True
    login_throttle.record_failure(user.username, address)
    return False


@use_case
def _set_password(user: User, current_password: str, new_password: str, keep_token: str | None) -> None:
    weak = password_policy.problems(new_password, user.username)
    if not weak and new_password == current_password:
        weak = ["Choose a password different from the current one."]
    if weak:
        raise ValidationFailed.for_fields({"new_password": weak})
    user.password_hash = hash_password(new_password)
    kept = [] if keep_token is None else [_token_digest(keep_token)]
    db.session.execute(delete(ApiToken).where(ApiToken.user_id == user.id, ApiToken.token_hash.not_in(kept)))
    sessions.end_sessions(user)
