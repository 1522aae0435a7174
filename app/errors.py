"""Errors a use case raises on purpose. Each carries an HTTP status and a
snake_case code; ``app/error_handlers.py`` turns them into one JSON body (API)
or one readable page (web)."""


class LanesError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, details: dict | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.details = details or {}
        if code:
            self.code = code


class AuthenticationFailed(LanesError):
    status = 401
    code = "unauthenticated"


class Forbidden(LanesError):
    status = 403
    code = "forbidden"


class NotFound(LanesError):
    status = 404
    code = "not_found"


class Conflict(LanesError):
    status = 409
    code = "conflict"


class ValidationFailed(LanesError):
    """Input that breaks a rule; ``details["fields"]`` maps field → messages."""

    status = 422
    code = "validation_failed"

    @classmethod
    def for_fields(cls, fields: dict[str, list[str]], message: str = "Some fields are invalid."):
        return cls(message, details={"fields": fields})


class TooManyAttempts(LanesError):
    """Sign-ins refused for a while after repeated failures; ``retry_after``
    is how many seconds until the next attempt is looked at."""

    status = 429
    code = "too_many_attempts"

    def __init__(self, retry_after: int):
        super().__init__(f"Too many failed sign-ins; try again in {retry_after} seconds.",
                         details={"retry_after": retry_after})
        self.retry_after = retry_after
        self.headers = {"Retry-After": str(retry_after)}
