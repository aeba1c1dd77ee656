"""The rules of connections, each a named error (COMPAT §2.1 renders them)."""

from __future__ import annotations

from spaceport.kit.errors import ApiError, InvalidProperty


class TypeFixed(InvalidProperty):
    """FLOWS §F2.2: a connection's type is fixed after create."""

    prop = "type"

    def __init__(self) -> None:
        super().__init__("is fixed after create")


class ConnectionTestFailed(ApiError):
    """FLOWS §F2.4: the provider refused the test call or could not be reached: 422 with its
    status (null if unreachable) and message, that message also the error's."""

    status_code = 422
    name = "ValidationError"

    def __init__(self, status_code: int | None, message: str) -> None:
        super().__init__(message, {"statusCode": status_code, "message": message})
