"""Languages, dates and money: Flask-Babel set up for Chinese (default) and
English, the per-user language preference, and the Jinja filters that format
dates, ages and yuan in the reader's locale.

The chosen language lives in the session and, so that it survives signing
out and in again, in a signed long-lived cookie mapping user ids to locales
(no database column: a schema migration is not worth a display preference).
"""
import functools
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone, tzinfo
from decimal import Decimal, InvalidOperation

from babel import Locale
from babel.dates import format_timedelta as babel_timedelta
from babel.dates import get_date_format, get_datetime_format, get_time_format, parse_pattern

from flask import current_app, request, session
from flask_babel import Babel, format_date, format_datetime, format_decimal, get_locale, get_timezone
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeSerializer

from app import clock

babel = Babel()

LOCALES = {"zh_CN": "中文", "en": "English"}
DEFAULT_LOCALE = "zh_CN"
COOKIE_NAME = "lanes_locale"
COOKIE_MAX_AGE = 400 * 24 * 3600  # browsers cap cookies at 400 days
_COOKIE_SALT = "lanes-locale"
_MAX_REMEMBERED_USERS = 20


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt=_COOKIE_SALT)


def _remembered() -> dict[str, str]:
    raw = request.cookies.get(COOKIE_NAME)
    if not raw:
        return {}
    try:
        value = _serializer().loads(raw)
    except BadSignature:
        return {}
    return value if isinstance(value, dict) else {}


def select_locale() -> str:
    """Session first, then what this user chose last time in this browser."""
    chosen = session.get("locale")
    if chosen in LOCALES:
        return chosen
    if current_user and current_user.is_authenticated:
        remembered = _remembered().get(str(current_user.id))
        if remembered in LOCALES:
            return remembered
    return DEFAULT_LOCALE


def remember_locale(response, locale: str):
    """Put ``locale`` in the session and the signed cookie of ``response``.
    Unknown locales are ignored (the caller validated the form)."""
    if locale not in LOCALES:
        return response
    session["locale"] = locale
    if current_user and current_user.is_authenticated:
        remembered = {k: v for k, v in _remembered().items() if k != str(current_user.id)}
        remembered[str(current_user.id)] = locale
        # Keep the most recent few users of a shared browser.
        remembered = dict(list(remembered.items())[-_MAX_REMEMBERED_USERS:])
        response.set_cookie(COOKIE_NAME, _serializer().dumps(remembered), max_age=COOKIE_MAX_AGE,
                            httponly=True, samesite="Lax", secure=request.is_secure)
    return response


def current_locale() -> str:
    """``zh_CN`` or ``en`` (Babel spells the Chinese locale ``zh_Hans_CN``)."""
    locale = get_locale()
    return "en" if locale is not None and locale.language == "en" else DEFAULT_LOCALE


def html_lang() -> str:
    return "zh-CN" if current_locale() == "zh_CN" else "en"


def money(value) -> str:
    """¥ and two decimals in the reader's locale: ``¥1,234.50``."""
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    return "¥" + format_decimal(amount, format="#,##0.00")


def _as_datetime(value):
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            return None
    return value


_NAMED_FORMATS = ("full", "long", "medium", "short")


@functools.lru_cache(maxsize=8)
def _parsed_locale(locale: str) -> Locale:
    return Locale.parse(locale)


@functools.lru_cache(maxsize=32)
def _datetime_parts(locale: str, fmt: str):
    """(glue, time pattern, date pattern, Locale) of a named date-time
    format, parsed once per locale: a page of fifty tasks formats a hundred
    times, and Babel looks every pattern up again on each call."""
    parsed = _parsed_locale(locale)
    return (str(get_datetime_format(fmt, locale=parsed)).replace("'", ""),
            parse_pattern(get_time_format(fmt, locale=parsed)), parse_pattern(get_date_format(fmt, locale=parsed)),
            parsed)


@dataclass(frozen=True)
class ReaderFormats:
    """The reader's locale and time zone, looked up once: a page that writes
    a hundred dates and ages asks Flask-Babel once, not a hundred times."""
    locale: str
    zone: tzinfo

    @classmethod
    def current(cls) -> "ReaderFormats":
        return cls(str(get_locale()), get_timezone())

    def datetime(self, value, fmt: str = "short") -> str:
        """``value`` in this time zone and locale, as Babel's format_datetime
        writes it (a naive value is UTC)."""
        value = _as_datetime(value)
        if not value:
            return ""
        if fmt not in _NAMED_FORMATS:
            return format_datetime(value, fmt)
        glue, time_pattern, date_pattern, locale = _datetime_parts(self.locale, fmt)
        local = (value if value.tzinfo else value.replace(tzinfo=timezone.utc)).astimezone(self.zone)
        return (glue.replace("{0}", time_pattern.apply(local.timetz(), locale, reference_date=local.date()))
                .replace("{1}", date_pattern.apply(local, locale)))

    def age(self, value) -> str:
        """How long ago ``value`` was, in words: ``3 小时`` / ``3 hours``."""
        value = _as_datetime(value)
        if not value:
            return ""
        delta = max(clock.now() - value, timedelta(minutes=1))
        return babel_timedelta(delta, "minute", threshold=1.1, locale=_parsed_locale(self.locale))


def datetime_filter(value, fmt: str = "short") -> str:
    """``value`` in the reader's time zone and locale (ReaderFormats.datetime)."""
    return ReaderFormats.current().datetime(value, fmt)


def date_filter(value, fmt: str = "medium") -> str:
    value = _as_datetime(value)
    return format_date(value, fmt) if value else ""


def age(value) -> str:
    """How long ago ``value`` was, in the reader's words (ReaderFormats.age)."""
    return ReaderFormats.current().age(value)


def init_app(app) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LOCALE)
    # The sales office works on Beijing time, whatever the server's zone.
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "Asia/Shanghai")
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.filters.update(money=money, datetime=datetime_filter, date=date_filter, age=age)
    app.jinja_env.globals.update(current_locale=current_locale, html_lang=html_lang, LOCALES=LOCALES)
