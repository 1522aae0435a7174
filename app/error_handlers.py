"""Every error, in one place: a JSON body under /api/, a readable page elsewhere.

API body: ``{"error": {"code": "snake_case", "message": "...", "details": {...}}}``.
"""
import logging

from flask import jsonify, make_response, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

from app.errors import LanesError

log = logging.getLogger(__name__)


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _respond(status: int, code: str, message: str, details: dict):
    if _wants_json():
        response = jsonify({"error": {"code": code, "message": message, "details": details}})
        response.status_code = status
        return response
    return render_template("error.html", status=status, code=code, message=message, details=details), status


def _code_for(exc: HTTPException) -> str:
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
    return _respond(exc.code or 500, _code_for(exc), exc.description or exc.name, _details_of(exc))


def handle_unexpected(exc: Exception):
    log.exception("unhandled error on %s %s", request.method, request.path)
    return _respond(500, "internal_error", InternalServerError.description, {})


def init_app(app):
    app.register_error_handler(LanesError, handle_lanes_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(Exception, handle_unexpected)
