"""JSON on the wire: orjson, Decimals as exact numbers, ISO dates with milliseconds
(COMPAT §1.5, COMPAT §1.6)."""

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
    """Never fails on what a model may hold: orjson refuses integers beyond 64 bits (stored
    before the bounds of kit.bounds applied), so those are written as exact numbers instead."""
    try:
        return orjson.dumps(value, default=_json_default, option=orjson.OPT_PASSTHROUGH_DATETIME)
    except orjson.JSONEncodeError:
        return orjson.dumps(
            _wide_integers(value), default=_json_default, option=orjson.OPT_PASSTHROUGH_DATETIME
        )


def _wide_integers(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool) and not -(2**63) <= value < 2**64:
        return orjson.Fragment(str(value))
    if isinstance(value, dict):
        return {key: _wide_integers(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_wide_integers(item) for item in value]
    return value


class ApiResponse(JSONResponse):
    media_type = "application/json; charset=utf-8"

    def render(self, content: Any) -> bytes:
        return dumps(content)
