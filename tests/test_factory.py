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


def test_a_given_secret_key_leaves_the_disk_alone(tmp_path, monkeypatch):
    """Given a key (by the caller or the environment) and a database, the
    factory writes nothing: no secret_key file, no instance folder, nothing
    in the directory it runs from."""
    instance = tmp_path / "instance"
    monkeypatch.setenv("LANES_INSTANCE_PATH", str(instance))
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app({"SECRET_KEY": "given", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["SECRET_KEY"] == "given"
    monkeypatch.setenv("SECRET_KEY", "from-env")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'elsewhere.db'}")
    assert create_app().config["SECRET_KEY"] == "from-env"
    assert list(tmp_path.iterdir()) == []


def test_the_migration_command_creates_nothing_where_it_runs(tmp_path):
    """``flask db upgrade`` run from any directory writes the database it is
    told and nothing else: no ./instance, no instance folder."""
    project = Path(__file__).resolve().parents[1]
    elsewhere, instance, database = tmp_path / "cwd", tmp_path / "instance", tmp_path / "lanes.db"
    elsewhere.mkdir()
    env = {**os.environ, "LANES_INSTANCE_PATH": str(instance), "SECRET_KEY": "from-env",
           "DATABASE_URL": f"sqlite:///{database}"}
    done = subprocess.run([sys.executable, "-m", "flask", "--app", str(project / "wsgi.py"), "db", "upgrade"],
                          cwd=elsewhere, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert database.exists()
    assert list(elsewhere.iterdir()) == [] and not instance.exists()
