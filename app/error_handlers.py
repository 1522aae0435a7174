"""Every error, in one place: a JSON body under /api/, a readable page in the
reader's language elsewhere.

API body: ``{"error": {"code": "snake_case", "message": "...", "details": {...}}}``.
The page never shows the English text of an exception: its headline and
explanation come from the status (``templates/error.html``), a service
error's sentence from its code, and field messages are made readable.
"""
import logging

from flask import jsonify, make_response, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from app.errors import LanesError

log = logging.getLogger(__name__)


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _page(status: int, code: str, details: dict, message: str | None = None):
    from app.web.auth import local_time_in
    from app.web.field_messages import error_text, readable_fields

    retry_after = details.get("retry_after")
    return render_template(
        "error.html", status=status, code=code, message=message or error_text(code) or None,
        fields=readable_fields(details.get("fields") or {}),
        retry_at=local_time_in(retry_after) if isinstance(retry_after, int) else None,
        max_mib=(request.max_content_length or 0) // (1024 * 1024)), status


def _respond(status: int, code: str, message: str, details: dict):
    if _wants_json():
        response = jsonify({"error": {"code": code, "message": message, "details": details}})
        response.status_code = status
        return response
    return _page(status, code, details)


def _code_for(exc: HTTPException) -> str:
    if isinstance(exc, CSRFError):
        return "csrf_failed"
    return (exc.name or "error").lower().replace(" ", "_").replace("'", "")


def _details_of(exc: HTTPException) -> dict:
    """webargs puts validation messages in ``exc.data["messages"]``, keyed by
    location (json, query, form, files): flatten them into ``fields``."""
    messages = (getattr(exc, "data", None) or {}).get("messages")
    if not messages:
        return {}
    fields: dict = {}
    for per_location in messages.values():
        if isinstance(per_location, dict):
            fields.update(per_location)
    return {"fields": fields}


def handle_lanes_error(exc: LanesError):
    response = make_response(_respond(exc.status, exc.code, exc.message, exc.details))
    response.headers.update(getattr(exc, "headers", {}))  # e.g. Retry-After on 429
    return response


def handle_http_exception(exc: HTTPException):
    if exc.code == 422 and _wants_json():
        return _respond(422, "validation_failed", "Some fields are invalid.", _details_of(exc))
    if isinstance(exc, CSRFError) and not _wants_json():
        from app.web.expired_sessions import after_csrf_failure

        recovered = after_csrf_failure()  # a form from an ended session: kept, and the person sent on
        if recovered is not None:
            return recovered
    response = make_response(_respond(exc.code or 500, _code_for(exc), exc.description or exc.name, _details_of(exc)))
    if exc.code == 405 and getattr(exc, "valid_methods", None):
        response.headers["Allow"] = ", ".join(exc.valid_methods)
    return response


def handle_unexpected(exc: Exception):
    log.exception("unhandled error on %s %s", request.method, request.path)
    return _respond(500, "internal_error", InternalServerError.description, {})


def init_app(app):
    app.register_error_handler(LanesError, handle_lanes_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(Exception, handle_unexpected)
