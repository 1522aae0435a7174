"""Server-rendered pages for employees, analysts and auditors."""
from flask import Blueprint

from app.extensions import db, login_manager

bp = Blueprint("web", __name__, template_folder="templates", static_folder="static", static_url_path="/static")


@login_manager.user_loader
def _load_user(user_id: str):
    from app.models import User

    if not user_id.isdigit():
        return None
    return db.session.get(User, int(user_id))


def init_app(app):
    from app.web import auth, home  # noqa: F401  (their routes attach to bp)

    login_manager.login_view = "web.login"
    login_manager.login_message = "请先登录。"
    app.register_blueprint(bp)
