"""JSON on the wire: orjson, Decimals as exact numbers, ISO dates with milliseconds
(COMPAT §1.5, §1.6)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import orjson
from starlette.responses import JSONResponse


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return orjson.Fragment(format_decimal(value))
    if isinstance(value, datetime):
        return iso_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def format_decimal(value: Decimal) -> str:
    """A Decimal as a plain JSON number: no exponent, no trailing zeros (COMPAT §1.6)."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


def iso_datetime(value: datetime) -> str:
    """ISO 8601 UTC with milliseconds: 2020-04-18T07:59:37.938Z (COMPAT §1.5)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def dumps(value: Any) -> bytes:
    return orjson.dumps(value, default=_json_default, option=orjson.OPT_PASSTHROUGH_DATETIME)


class ApiResponse(JSONResponse):
    media_type = "application/json; charset=utf-8"

    def render(self, content: Any) -> bytes:
        return dumps(content)
