"""Domain errors with their status codes, rendered once in LoopBack's envelope
(COMPAT §2.1, COMPAT §2.2)."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect
from starlette.responses import Response

from spaceport.kit.json import ApiResponse

log = logging.getLogger("spaceport")


class ApiError(Exception):
    status_code = 500
    name = "Error"

    def __init__(self, message: str, details: Mapping[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = dict(details) if details else None

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {
            "statusCode": self.status_code,
            "name": self.name,
            "message": self.message,
        }
        if self.details is not None:
            error["details"] = self.details
        return {"error": error}


class BadRequest(ApiError):
    status_code = 400
    name = "BadRequestError"


class Unauthorized(ApiError):
    status_code = 401
    name = "Error"

    def __init__(self, message: str = "Authorization Required") -> None:
        super().__init__(message)


class Forbidden(ApiError):
    status_code = 403
    name = "Error"


class NotFound(ApiError):
    status_code = 404
    name = "Error"


class Conflict(ApiError):
    status_code = 409
    name = "Error"


class ValidationFailed(ApiError):
    """422 with `details.messages` mapping each property to its messages (COMPAT §2.2)."""

    status_code = 422
    name = "ValidationError"

    def __init__(self, messages: Mapping[str, Sequence[str]]) -> None:
        summary = "; ".join(f"`{key}` {'; '.join(msgs)}" for key, msgs in messages.items())
        super().__init__(
            f"The instance is not valid. Details: {summary}.",
            {"messages": {key: list(msgs) for key, msgs in messages.items()}},
        )


def invalid(prop: str, message: str) -> ValidationFailed:
    """A 422 about one property of the input (a shape the schema could not state)."""
    return ValidationFailed({prop: [message]})


# -- the bases of named domain errors ------------------------------------------------------------
# A domain names each rule it enforces as a subclass of one of these in its `errors.py` and its
# services raise it; the class carries the status, `install_error_handlers` renders it once in
# the envelope above, and the classes of a route are what its OpenAPI error responses list.


class InvalidProperty(ValidationFailed):
    """A named 422 about one property (`prop`), e.g. a number already taken."""

    prop = "body"

    def __init__(self, message: str, prop: str | None = None) -> None:
        super().__init__({prop or self.prop: [message]})


class UnknownReference(InvalidProperty):
    """An id in a body that names nothing live in the caller's organization: 422, and the
    message says no more than that (another organization's ids are not revealed)."""

    def __init__(self, prop: str, what: str, given: object) -> None:
        super().__init__(f"No {what} {given!r} in this organization", prop)


class TooManyRequests(ApiError):
    status_code = 429
    name = "Error"

    def __init__(self, retry_after: int) -> None:
        super().__init__("Too many requests, please try again later.")
        self.retry_after = retry_after


def error_response(error: ApiError) -> Response:
    response = ApiResponse(error.body(), status_code=error.status_code)
    if isinstance(error, TooManyRequests):
        response.headers["Retry-After"] = str(error.retry_after)
    return response


def validation_messages(errors: Sequence[Any]) -> dict[str, list[str]]:
    """Pydantic's errors as LoopBack's `details.messages`, keyed by the property path."""
    messages: dict[str, list[str]] = {}
    for err in errors:
        loc = [str(part) for part in err.get("loc", ()) if part not in ("body", "query")]
        key = ".".join(loc) or "body"
        messages.setdefault(key, []).append(str(err.get("msg", "is invalid")))
    return messages


UNIQUE_VIOLATIONS = frozenset(
    {
        "23505",  # PostgreSQL's unique_violation
        "SQLITE_CONSTRAINT_UNIQUE",
        "SQLITE_CONSTRAINT_PRIMARYKEY",
    }
)


def is_unique_violation(exc: IntegrityError) -> bool:
    """True when the database refused a write for breaking a uniqueness rule (psycopg's
    `sqlstate`, sqlite3's `sqlite_errorname`), not for a NOT NULL, foreign key or CHECK."""
    code = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "sqlite_errorname", None)
    return code in UNIQUE_VIOLATIONS


TOO_LARGE = "holds a value too large to store"  # is_limit_exceeded, as the 422 says it


def is_limit_exceeded(exc: OperationalError) -> bool:
    """True when PostgreSQL refused a value past one of its limits (SQLSTATE class 54,
    program_limit_exceeded): a text too long for an index entry, whose limit depends on the
    bytes a value compresses to, so no schema bound can say it beforehand."""
    return str(getattr(exc.orig, "sqlstate", None) or "").startswith("54")


def integrity_error(exc: IntegrityError) -> ApiError:
    """409 only for a uniqueness rule, a race the service's own check could not see. Any other
    constraint is bad input that the checks before the write (`kit.db`'s flush check,
    `kit.crud`'s references) should have named: a 422, logged so the missing check is found."""
    if is_unique_violation(exc):
        log.info("unique violation: %s", exc)
        return Conflict("The request conflicts with an existing record")
    log.warning("integrity error no check caught: %s", exc)
    return ValidationFailed({"body": ["breaks a rule of the stored data"]})


def install_error_handlers(app: FastAPI) -> None:
    async def api_error(_request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ApiError)
        return error_response(exc)

    async def request_validation(_request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        return error_response(ValidationFailed(validation_messages(exc.errors())))

    async def http_error(_request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        error = ApiError(str(exc.detail))
        error.status_code = exc.status_code
        error.name = "Error"
        if exc.status_code == 404:
            error.message = "There is no method to handle this route"
        if exc.status_code == 405:
            error.status_code, error.message = 404, "There is no method to handle this route"
        return error_response(error)

    async def integrity(_request: Request, exc: Exception) -> Response:
        assert isinstance(exc, IntegrityError)
        return error_response(integrity_error(exc))

    async def data(_request: Request, exc: Exception) -> Response:
        # A value the database refused that no check before the write saw (bad input, not
        # a server fault: COMPAT §2.2).
        log.warning("data error no check caught: %s", exc)
        return error_response(ValidationFailed({"body": ["holds a value the database refuses"]}))

    async def disconnected(_request: Request, _exc: Exception) -> Response:
        # The client went away while sending its body: nobody reads this answer, no error.
        return Response(status_code=400)

    async def unexpected(_request: Request, exc: Exception) -> Response:
        log.exception("unhandled error", exc_info=exc)
        return error_response(ApiError("Internal Server Error"))

    async def operational(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, OperationalError)
        if not is_limit_exceeded(exc):
            return await unexpected(request, exc)
        log.warning("value past a database limit: %s", exc.orig)  # bad input (COMPAT §2.2)
        return error_response(ValidationFailed({"body": [TOO_LARGE]}))

    app.add_exception_handler(ApiError, api_error)
    app.add_exception_handler(RequestValidationError, request_validation)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(IntegrityError, integrity)
    app.add_exception_handler(DataError, data)
    app.add_exception_handler(OperationalError, operational)
    app.add_exception_handler(ClientDisconnect, disconnected)
    app.add_exception_handler(Exception, unexpected)
