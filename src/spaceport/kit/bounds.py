"""Bounds on every input, stated once (COMPAT §2.2: "500 never on bad input"). Anything outside
them is a 4xx in the LoopBack envelope naming the property, and nothing is written:

- money and quantities: finite, |value| < 10^13, cut to 4 decimals (what a `Money` column
  holds: whole ten-thousandths in 64 bits, about 9.2 × 10^14; sums of many lines stay inside);
- amounts the server computes from them (totals) must fit their `Money` column as well;
- integers: within 64 bits, everywhere, also inside `custom`;
- other JSON numbers (inside `custom`): within what a float64 holds, as JavaScript reads them;
- dates: years 1900 to 2999;
- JSON nesting: at most 32 levels; bodies: at most 10 MiB (413 beyond);
- strings: valid UTF-8, no NUL character, no lone UTF-16 surrogate."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from spaceport.kit.errors import ApiError, ValidationFailed

AMOUNT_LIMIT = Decimal(10) ** 13
AMOUNT_DECIMALS = 4
STORED_AMOUNT_LIMIT = Decimal(2**63 - 1).scaleb(-AMOUNT_DECIMALS)  # a Money column's reach
INT_MIN, INT_MAX = -(2**63), 2**63 - 1
NUMBER_EXPONENTS = range(-324, 309)  # adjusted exponents of a finite, non-zero float64
FIRST_YEAR, LAST_YEAR = 1900, 2999
MAX_DEPTH = 32
MAX_BODY_BYTES = 10 * 1024 * 1024

AMOUNT_MESSAGE = f"must be a finite number between -{AMOUNT_LIMIT:E} and {AMOUNT_LIMIT:E}"
DATE_MESSAGE = f"must be a date between the years {FIRST_YEAR} and {LAST_YEAR}"


class PayloadTooLarge(ApiError):
    status_code = 413
    name = "PayloadTooLargeError"

    def __init__(self) -> None:
        super().__init__(f"The request body is larger than {MAX_BODY_BYTES} bytes")


def amount_in_range(value: Decimal) -> bool:
    return value.is_finite() and abs(value) < AMOUNT_LIMIT


def date_in_range(value: date) -> bool:
    return FIRST_YEAR <= value.year <= LAST_YEAR


def number_problem(value: Any) -> str | None:
    """Why a JSON number may not be taken, or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return None if INT_MIN <= value <= INT_MAX else "must be an integer within 64 bits"
    if isinstance(value, float | Decimal):
        number = Decimal(value)
        if not number.is_finite():
            return "must be a finite number"
        if number and number.adjusted() not in NUMBER_EXPONENTS:
            return "must be a number a float64 can hold"
    return None


def string_problem(value: str) -> str | None:
    """Why a string may not be taken (PostgreSQL refuses NUL; a lone surrogate is no UTF-8)."""
    if "\x00" in value:
        return "must not contain NUL characters"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "must be valid UTF-8 (no lone surrogates)"
    return None


def problems(value: Any, path: str = "", depth: int = 1) -> dict[str, list[str]]:
    """Every property of a decoded body or query that is outside the bounds, by path
    (`_documentItems.0.price`, `custom.a`), in the shape of `details.messages`."""
    found: dict[str, list[str]] = {}
    if isinstance(value, Mapping | list) and depth > MAX_DEPTH:
        return {path or "body": [f"nests deeper than {MAX_DEPTH} levels"]}
    children: Any = ()
    if isinstance(value, Mapping):
        children = value.items()
    elif isinstance(value, list):
        children = enumerate(value)
    for key, child in children:
        key_problem = string_problem(str(key))
        child_path = f"{path}.{key}" if path else str(key)
        if key_problem:
            found.setdefault(path or "body", []).append(f"has a key that {key_problem}")
            continue
        found.update(problems(child, child_path, depth + 1))
    problem = string_problem(value) if isinstance(value, str) else number_problem(value)
    if problem:
        found[path or "body"] = [problem]
    return found


def check(value: Any) -> None:
    """Raise the 422 naming every property outside the bounds."""
    found = problems(value)
    if found:
        raise ValidationFailed(found)
