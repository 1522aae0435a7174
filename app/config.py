"""Every setting is read here, once, when the app is created."""
import os
import secrets
from datetime import timedelta
from pathlib import Path


def generated_secret_key(instance_path: str) -> str:
    """The key generated once into the instance folder (created then), for
    an app given no SECRET_KEY."""
    folder = Path(instance_path)
    folder.mkdir(parents=True, exist_ok=True)
    key_file = folder / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def default_database_url(instance_path: str) -> str:
    """SQLite in the instance folder, for an app given no database URL."""
    return "sqlite:///" + str(Path(instance_path) / "lanes.db")


def build_config() -> dict:
    """The settings of a running app, from the environment. SECRET_KEY and
    the database URL are left out when the environment has none: the
    factory falls back to the instance folder only for what nobody gave,
    so a configured app never writes to the disk."""
    given = {"SECRET_KEY": os.environ.get("SECRET_KEY") or None,
             "SQLALCHEMY_DATABASE_URI": normalise_database_url(os.environ["DATABASE_URL"])
             if os.environ.get("DATABASE_URL") else None}
    return {
        **{key: value for key, value in given.items() if value},
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "API_TOKEN_TTL_HOURS": int(os.environ.get("API_TOKEN_TTL_HOURS", "12")),
        # A signed-in page session ends this long after signing in, whatever the browser keeps.
        "SESSION_LIFETIME_HOURS": float(os.environ.get("SESSION_LIFETIME_HOURS", "12")),
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=float(os.environ.get("SESSION_LIFETIME_HOURS", "12"))),
        # The session cookie is sent back only when the session changes: its expiry is fixed at sign-in anyway, and a
        # request still in flight when the user switches language (an autosave, a heartbeat) would otherwise return
        # the old session and undo the switch.
        "SESSION_REFRESH_EACH_REQUEST": False,
        # A form's CSRF token lasts as long as its session (not Flask-WTF's hour): a page left open over
        # lunch can still be sent; an ended session is handled by app/web/expired_sessions.py.
        "WTF_CSRF_TIME_LIMIT": int(float(os.environ.get("SESSION_LIFETIME_HOURS", "12")) * 3600),
        "PASSWORD_HASH_METHOD": os.environ.get("PASSWORD_HASH_METHOD", "scrypt"),
        "MAX_CONTENT_LENGTH": int(os.environ.get("MAX_CONTENT_LENGTH", str(16 * 1024 * 1024))),
        # Working calendar for task due dates; e-mail for notifications.
        "BUSINESS_TIMEZONE": os.environ.get("BUSINESS_TIMEZONE", "Asia/Shanghai"),
        "BUSINESS_HOURS": os.environ.get("BUSINESS_HOURS", "09:00-18:00"),
        "MAIL_SERVER": os.environ.get("MAIL_SERVER"),
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", "25")),
        "MAIL_USE_TLS": os.environ.get("MAIL_USE_TLS", "").lower() in ("1", "true", "yes"),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME"),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD"),
        "MAIL_SENDER": os.environ.get("MAIL_SENDER", "lanes@localhost"),
        # The account mail-order customers pay into before their goods go (F02's payment notice).
        "COMPANY_BANK_ACCOUNT": {
            "bank_name": os.environ.get("COMPANY_BANK_NAME", "中国工商银行南昌青山湖支行"),
            "account_name": os.environ.get("COMPANY_BANK_ACCOUNT_NAME", "蓝斯机电设备有限公司"),
            "account_number": os.environ.get("COMPANY_BANK_ACCOUNT_NUMBER", "1502 2011 0900 0123 456"),
        },
        "WORKER_INTERVAL_SECONDS": float(os.environ.get("WORKER_INTERVAL_SECONDS", "5")),
        # Fault injection for crash-recovery tests: a worker sleeps inside a job.
        "WORKER_FAULT_PAUSE_SECONDS": float(os.environ.get("WORKER_FAULT_PAUSE_SECONDS", "0")),
        # Signed audit checkpoints: the Ed25519 private key, a file outside the database (none given: generated into
        # the instance folder when first needed), and how often the worker makes one (minutes; 0: only on demand).
        "AUDIT_SIGNING_KEY_PATH": os.environ.get("AUDIT_SIGNING_KEY_PATH") or None,
        "AUDIT_CHECKPOINT_INTERVAL": float(os.environ.get("AUDIT_CHECKPOINT_INTERVAL", "60")),
        # A publish from the studio waits for a second process admin's approval.
        "STUDIO_PUBLISH_APPROVAL": os.environ.get("STUDIO_PUBLISH_APPROVAL", "").lower() in ("1", "true", "yes"),
        # Which corrections of a running instance wait for a second process admin: "data" (the default), "all",
        # "none", or a comma list of suspend,resume,move,skip,data.
        "OPERATE_CORRECTION_APPROVAL": os.environ.get("OPERATE_CORRECTION_APPROVAL", "data"),
        # A message nobody has claimed for this long (seconds of the business clock) is listed on /operate/messages.
        "OPERATE_MESSAGE_GRACE_SECONDS": float(os.environ.get("OPERATE_MESSAGE_GRACE_SECONDS", "60")),
        # A migration batch waits for a second process admin's approval (off: the planner's run is his approval).
        "OPERATE_MIGRATION_APPROVAL": os.environ.get("OPERATE_MIGRATION_APPROVAL", "1").lower() in ("1", "true", "yes"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        # Set when exactly one reverse proxy that ends TLS stands in front (app/transport_security.py).
        "TRUST_X_FORWARDED_PROTO": os.environ.get("TRUST_X_FORWARDED_PROTO", "").lower() in ("1", "true", "yes"),
        # flask-smorest / OpenAPI
        "API_TITLE": "Lanes API",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
    }


def normalise_database_url(url: str) -> str:
    """The SQLAlchemy URL for a user-given one: postgres:// and postgresql://
    go to the psycopg 3 driver, anything else is kept."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url
