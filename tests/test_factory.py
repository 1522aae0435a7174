import os
import subprocess
import sys
from pathlib import Path

from app import create_app


def test_test_config_overrides_environment(app):
    assert app.testing
    assert app.config["SECRET_KEY"] == "test-secret-key"


def test_defaults_sqlite_under_instance_and_generates_secret_once(tmp_path, monkeypatch):
    monkeypatch.setenv("LANES_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = create_app()
    assert first.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'lanes.db'}"
    key_file = Path(tmp_path) / "secret_key"
    assert key_file.read_text().strip() == first.config["SECRET_KEY"]
    assert len(first.config["SECRET_KEY"]) == 64
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    assert create_app().config["SECRET_KEY"] == first.config["SECRET_KEY"]


def test_environment_settings(tmp_path, monkeypatch):
    monkeypatch.setenv("LANES_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("SECRET_KEY", "from-env")
    monkeypatch.setenv("DATABASE_URL", "postgres://lanes@db.internal/lanes")
    app = create_app()
    assert app.config["SECRET_KEY"] == "from-env"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://lanes@db.internal/lanes"
    assert not (tmp_path / "secret_key").exists()


def test_the_factory_loads_the_actions_the_registry_does_not(tmp_path):
    """The registry sits below the ledger and imports none of it; building
    the app registers the ledger's actions, so every door (web, API, CLI,
    worker) finds them."""
    probe = (
        "from app import actions\n"
        "assert not actions.registered_actions(), actions.registered_actions()\n"
        "from app import create_app\n"
        "create_app({'SQLALCHEMY_DATABASE_URI': 'sqlite://', 'SECRET_KEY': 'probe'})\n"
        "assert {'ledger.create_sales_order', 'ledger.issue_delivery_note'} <= actions.registered_actions()\n"
    )
    env = {**os.environ, "LANES_INSTANCE_PATH": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", probe], cwd=Path(__file__).resolve().parents[1], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
