"""Server-rendered pages for employees, analysts and auditors."""
from flask import Blueprint, g, request, session
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db, login_manager

# Not /static: the app's own (empty) static route would shadow it.
bp = Blueprint("web", __name__, template_folder="templates", static_folder="static", static_url_path="/assets")


@login_manager.user_loader
def _load_user(user_id: str):
    from app.services.sessions import user_for_session

    return user_for_session(user_id, session.get("signed_in_at"))


@bp.app_context_processor
def _navigation():
    """Task counts for the header, on every signed-in page (not the API)."""
    if request.path.startswith("/api/") or not current_user or not current_user.is_authenticated:
        return {"nav_counts": None}
    from app.services.inbox import task_counts
    from app.services.notifications import unread_count

    try:
        counts = g.get("task_counts") or task_counts(current_user)  # the inbox has counted them already
        return {"nav_counts": counts, "unread_notifications": unread_count(current_user)}
    except SQLAlchemyError:  # an error page after a failed query still renders
        db.session.rollback()
        return {"nav_counts": None}


def init_app(app):
    from app import i18n
    from app.web import expired_sessions
    from app.web import auth, inbox, language, lookups, my_requests, notifications, password, printouts, start, task_page  # noqa: F401  (routes attach to bp)
    from app.web import (audit_checkpoints, audit_controls, audit_evidence, audit_exports, audit_find,  # noqa: F401
                         audit_reexecution, audit_replay, studio, studio_compare, studio_files, studio_import,
                         studio_publish, studio_restore)
    from app.web import operate_incidents  # noqa: F401
    from app.web import operate_corrections  # noqa: F401
    from app.web import operate_waits  # noqa: F401
    from app.web import operate_home  # noqa: F401
    from app.web import operate_migrations  # noqa: F401
    from app.web import site_icon  # noqa: F401
    from app.web import reports_home  # noqa: F401
    from app.web import report_receivables  # noqa: F401
    from app.web import process_heatmap  # noqa: F401
    from app.web import report_returns  # noqa: F401
    from app.web import report_service  # noqa: F401
    from app.web import report_advances  # noqa: F401
    from app.web import report_expense_budgets  # noqa: F401
    from app.web import saved_views  # noqa: F401
    from app.web import report_monthly  # noqa: F401
    from app.web import price_master  # noqa: F401

    from app import clock
    from app.form_kinds import is_attachment, is_money
    from app.web.form_fields import option_title, options_of, shown_title, shown_value
    from app.services.step_names import process_name, step_name, task_name
    from app.web.form_fields import named_ref, reference_name, reference_text

    i18n.init_app(app)
    app.jinja_env.globals.update(now=clock.now, is_attachment=is_attachment, is_money=is_money,
                                 option_title=option_title, options_of=options_of, shown_title=shown_title,
                                 shown_value=shown_value)
    # The reader's names of processes and steps (English from the diagrams' nameEn).
    app.jinja_env.globals.update(process_name=process_name, step_name=step_name, task_name=task_name)
    from app.web.form_fields import field_title, form_title
    app.jinja_env.globals.update(field_title=field_title, form_title=form_title)  # titles in the reader's language
    app.jinja_env.globals.update(named_ref=named_ref, reference_name=reference_name, reference_text=reference_text)
    login_manager.login_view = "web.login"
    login_manager.login_message = "Please sign in first."
    login_manager.localize_callback = gettext
    login_manager.unauthorized_handler(expired_sessions.sign_in_first)
    app.register_blueprint(bp)
