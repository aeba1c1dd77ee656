"""Filter values, mostly bracket-key strings, coerced to what they are compared with
(COMPAT §4.1): the type of a column, or a loose reading for JSON of unknown type."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from spaceport.kit.db import Money
from spaceport.kit.filters.parsing import bad, read_flag, read_integer
from spaceport.kit.schemas import _parse_date, _parse_datetime

# ASCII digits only: `\d` and str.isdigit() also accept digits int() and Decimal() refuse
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def sql_text(text: str, part: str) -> str:
    """Text both drivers can send: PostgreSQL refuses NUL, UTF-8 refuses lone surrogates."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise bad(f"`{part}` is not valid UTF-8 text") from None
    if "\x00" in text:
        raise bad(f"`{part}` contains a NUL character")
    return text


def coerce_decimal(raw: Any, part: str) -> Decimal:
    number: Decimal | None = None
    if isinstance(raw, Decimal | int | float) and not isinstance(raw, bool):
        number = Decimal(str(raw))
    elif isinstance(raw, str) and _DECIMAL.fullmatch(raw.strip()):
        number = Decimal(raw.strip())
    # a bound far beyond any stored amount would overflow PostgreSQL's numeric input
    if number is None or not number.is_finite() or abs(number.adjusted()) > 100:
        raise bad(f"`{part}` expects a number, got `{raw}`")
    return number


def _coerce_bool(raw: Any, part: str) -> bool:
    flag = read_flag(raw)
    if flag is None:
        raise bad(f"`{part}` expects true or false, got `{raw}`")
    return flag


def _integers(bits: int) -> Callable[[Any, str], int]:
    """Integers that fit the column: PostgreSQL casts the bound value to its type."""

    def coerce(raw: Any, part: str) -> int:
        number = read_integer(raw)
        if number is None:
            raise bad(f"`{part}` expects an integer, got `{raw}`")
        if not -(2**bits) <= number < 2**bits:
            raise bad(f"`{part}` is out of range: `{raw}`")
        return number

    return coerce


def _coerce_money(raw: Any, part: str) -> Decimal:
    """An amount as Money stores it: whole ten-thousandths that fit in a BIGINT."""
    number = coerce_decimal(raw, part)
    scaled = number.scaleb(Money.SCALE)
    if scaled != scaled.to_integral_value() or abs(scaled) >= 2**63:
        raise bad(f"`{part}` expects an amount with at most {Money.SCALE} decimals, got `{raw}`")
    return number


def _coerce_datetime(raw: Any, part: str) -> datetime:
    """Date-only means midnight UTC; a full timestamp may carry a zone (COMPAT §1.5)."""
    try:
        value = _parse_datetime(raw) if isinstance(raw, str | date) else None
    except ValueError:
        value = None
    if not isinstance(value, datetime):
        raise bad(f"`{part}` expects a date, got `{raw}`")
    return value


def _coerce_date(raw: Any, part: str) -> date:
    try:
        value = _parse_date(raw) if isinstance(raw, str | date) else None
        value = date.fromisoformat(value.strip()) if isinstance(value, str) else value
    except ValueError:
        value = None
    if not isinstance(value, date):
        raise bad(f"`{part}` expects a date, got `{raw}`")
    return value


def _coerce_string(raw: Any, part: str) -> str:
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, str | int | Decimal | float):
        return sql_text(str(raw), part)
    raise bad(f"`{part}` expects a text value, got `{raw}`")


# per kind of column (see `operands.kind_of`), the coercion of a filter value
COERCE: dict[str, Callable[[Any, str], Any]] = {
    "bool": _coerce_bool,
    "int16": _integers(15),
    "int32": _integers(31),
    "int64": _integers(63),
    "decimal": coerce_decimal,
    "money": _coerce_money,
    "datetime": _coerce_datetime,
    "date": _coerce_date,
    "string": _coerce_string,
}


@dataclass(frozen=True)
class Loose:
    """A filter value compared with JSON of unknown type: `"42"` is also 42, `"true"` also
    true, `"null"` also null (COMPAT §4.1)."""

    text: str
    number: Decimal | None = None
    boolean: bool | None = None
    null: bool = False


def loose(raw: Any, part: str) -> Loose | None:
    if raw is None:
        return None
    if isinstance(raw, bool):
        return Loose("true" if raw else "false", boolean=raw)
    if isinstance(raw, int | float | Decimal):
        return Loose(str(raw), number=coerce_decimal(raw, part))
    if not isinstance(raw, str):
        raise bad(f"`{part}` expects a value, got `{raw}`")
    sql_text(raw, part)
    number = Decimal(raw) if _NUMBER.fullmatch(raw) else None
    if number is not None and abs(number.adjusted()) > 100:  # "1e999": only ever a string
        number = None
    boolean = {"true": True, "false": False}.get(raw)
    return Loose(raw, number=number, boolean=boolean, null=raw == "null")
