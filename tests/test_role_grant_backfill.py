"""The migration that starts the role grant history backfills it from the
roles held when it runs, dated when each holder's account was made."""
import flask_migrate
import sqlalchemy as sa

from app import create_app
from app.extensions import db

THIS = "c7e2a94d5b10"  # the migration that made role_grant


def test_the_roles_held_before_the_history_began_are_backfilled_as_grants(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'backfill.db'}", "SECRET_KEY": "x"})
    with app.app_context():
        flask_migrate.upgrade()
        flask_migrate.downgrade(revision=f"{THIS}-1")  # just before it, wherever the merge put it
        with db.engine.begin() as connection:
            connection.execute(sa.text(
                "INSERT INTO \"user\" (id, username, display_name, password_hash, active, level, created_at, "
                "session_version) VALUES (7, 'ann', 'Ann', 'x', 1, 'staff', '2025-03-04 05:06:07', 0)"))
            connection.execute(sa.text("INSERT INTO role (id, code, name_zh, name_en) VALUES (3, 'finance', '财务', 'Finance')"))
            connection.execute(sa.text("INSERT INTO user_role (user_id, role_id) VALUES (7, 3)"))
        flask_migrate.upgrade()
        with db.engine.connect() as connection:
            rows = connection.execute(sa.text("SELECT user_id, role_code, change, at, by FROM role_grant")).all()
        assert [(row[0], row[1], row[2], str(row[3])[:19], row[4]) for row in rows] == [
            (7, "finance", "granted", "2025-03-04 05:06:07", None)]
        db.engine.dispose()
