"""The filters of flow templates beyond standard Liquid's (FLOWS §F5.4, FLOWS §F5.5).

- Exact decimals: the standard math filters (`plus`, `minus`, `times`, `divided_by`, `modulo`,
  `abs`, `ceil`, `floor`, `round`, `at_least`, `at_most`, `sum`) are replaced by ones on
  `Decimal`, so `0.1 | plus: 0.2` is `0.3` (FLOWS §F5.4). Two integers stay integers, as in
  Liquid (`7 | divided_by: 2` is `3`); anything that is not a number counts as 0, as in Liquid.
- `money: currency?, locale?`, `number: places, locale?`, `date_format: "<strftime>"`, `json`
  (FLOWS §F5.5). `money` and `date_format` default to the organization's currency, locale and
  timezone, which the renderer sets for the call (`Formats`, `using`).

Every filter raises `liquid.exceptions.FilterArgumentError` on what it cannot do; the renderer
turns that into the step's error (FLOWS §F5.6)."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, DivisionByZero, InvalidOperation
from functools import wraps
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError
from babel.numbers import format_currency, format_decimal, get_currency_precision
from liquid.exceptions import FilterArgumentError
from liquid.undefined import is_undefined

from spaceport.kit import json
from spaceport.kit.money import round_to

Number = int | Decimal
MAX_PLACES = 20
Filter = Callable[..., Any]


@dataclass(frozen=True)
class Formats:
    """What `money` and `date_format` fall back to: the organization's Default `currencyId`
    and `locale`, and its timezone (FLOWS §F5.5)."""

    currency: str | None = None
    locale: str = "en"
    timezone: str = "UTC"


DEFAULT = Formats()
_formats: ContextVar[Formats | None] = ContextVar("flow_template_formats", default=None)


def current() -> Formats:
    return _formats.get() or DEFAULT


@contextmanager
def using(formats: Formats) -> Iterator[None]:
    """The formats in force while templates render in this block."""
    token = _formats.set(formats)
    try:
        yield
    finally:
        _formats.reset(token)


def fail(message: str) -> FilterArgumentError:
    return FilterArgumentError(message, token=None)


# -- exact decimals (FLOWS §F5.4) -------------------------------------------------------------
def number(value: object) -> Number:
    """A value as an exact number; what is not one counts as 0, as in Liquid."""
    if isinstance(value, bool) or value is None or is_undefined(value):
        return 0
    if isinstance(value, int | Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value)) if math.isfinite(value) else 0
    if isinstance(value, str):
        text = value.strip()
        try:
            return int(text) if text.lstrip("+-").isdigit() and len(text) < 400 else Decimal(text)
        except InvalidOperation:
            return 0
    return 0


def exact(value: Decimal) -> Number:
    """A finite result, never `NaN` or `Infinity`."""
    if not value.is_finite():
        raise fail(f"{value} is not a number")
    return value


def plus(left: object, right: object = 0) -> Number:
    return _result(number(left) + number(right))


def minus(left: object, right: object = 0) -> Number:
    return _result(number(left) - number(right))


def times(left: object, right: object = 0) -> Number:
    return _result(number(left) * number(right))


def divided_by(left: object, right: object = 0) -> Number:
    a, b = number(left), number(right)
    if b == 0:
        raise fail(f"divided_by: can't divide by {b}")
    if isinstance(a, int) and isinstance(b, int):
        return a // b
    try:
        return exact(Decimal(a) / Decimal(b))
    except (DivisionByZero, InvalidOperation) as exc:
        raise fail(f"divided_by: can't divide {a} by {b}") from exc


def modulo(left: object, right: object = 0) -> Number:
    a, b = number(left), number(right)
    if b == 0:
        raise fail(f"modulo: can't divide by {b}")
    return _result(a % b)


def abs_(value: object) -> Number:
    amount = number(value)
    return -amount if amount < 0 else amount


def ceil(value: object) -> int:
    return int(Decimal(number(value)).to_integral_value(rounding=ROUND_CEILING))


def floor(value: object) -> int:
    return int(Decimal(number(value)).to_integral_value(rounding=ROUND_FLOOR))


def round_(value: object, places: object = None) -> Number:
    """Half away from zero (`kit.money.round_to`), to `places` decimals (default 0)."""
    digits = 0 if places is None or is_undefined(places) else _places(places)
    rounded = round_to(Decimal(number(value)), max(digits, 0))
    return int(rounded) if digits <= 0 else rounded


def _places(value: object) -> int:
    places = int(number(value))
    if not 0 <= places <= MAX_PLACES:
        raise fail(f"{places} decimal places: give 0 to {MAX_PLACES}")
    return places


def at_least(value: object, other: object = 0) -> Number:
    return max(number(value), number(other))


def at_most(value: object, other: object = 0) -> Number:
    return min(number(value), number(other))


def sum_(items: object, key: object = None) -> Number:
    if not isinstance(items, Sequence) or isinstance(items, str):
        items = [items]
    if key is not None and not is_undefined(key):
        items = [item.get(key) for item in items if isinstance(item, Mapping)]
    total: Number = 0
    for item in items:
        total += number(item)
    return _result(total)


def _result(value: Number) -> Number:
    return exact(value) if isinstance(value, Decimal) else value


# -- custom formats (FLOWS §F5.5) -------------------------------------------------------------
def _locale(name: object) -> str:
    text = current().locale if name is None or is_undefined(name) else str(name)
    try:
        Locale.parse(text.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError) as exc:
        raise fail(f"{text!r} is not a known locale") from exc
    return text.replace("-", "_")


def money(value: object, currency: object = None, locale: object = None) -> str:
    """`1234.5 | money: "EUR", "sl"` → `1.234,50 €` (Babel, its no-break space), rounded half
    up to the currency's digits."""
    code = current().currency if currency is None or is_undefined(currency) else currency
    if not code:
        raise fail("money: no currency given and the organization has no default currencyId")
    code = str(code).upper()
    amount = round_to(Decimal(number(value)), get_currency_precision(code))
    return str(format_currency(amount, code, locale=_locale(locale)))


def number_format(value: object, places: object = 2, locale: object = None) -> str:
    """`1234.5 | number: 2` → `1234.50`; with `"sl"` → `1.234,50` (half up)."""
    digits = _places(places)
    amount = round_to(Decimal(number(value)), digits)
    if locale is None or is_undefined(locale):
        return f"{amount:f}"
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return str(format_decimal(amount, format=pattern, locale=_locale(locale)))


def date_format(value: object, pattern: object = "%Y-%m-%d") -> str:
    """An ISO date, or a datetime shown in the organization's timezone, by `strftime`:
    `"2026-03-04T10:00:00Z" | date_format: "%d.%m.%Y %H:%M"` → `04.03.2026 11:00` in Brussels.
    Empty stays empty; anything else that is not a date fails the step."""
    if value is None or value == "" or is_undefined(value):
        return ""
    moment = _moment(value)
    if isinstance(moment, datetime):
        moment = moment.astimezone(_zone(current().timezone))
    try:
        return moment.strftime(str(pattern))
    except ValueError as exc:
        raise fail(f"date_format: {pattern!r} is not a strftime format") from exc


def _moment(value: object) -> date | datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return value
    text = str(value).strip() if isinstance(value, str) else ""
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise fail(f"date_format: {value!r} is not an ISO date or datetime") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def json_(value: object) -> str:
    """Compact JSON, non-ASCII kept: `["a","b"]`."""
    return json.dumps(plain(value)).decode()


def plain(value: object) -> Any:
    """A template value as JSON-able data: Liquid's undefined is null, a range a list."""
    if value is None or is_undefined(value):
        return None
    if isinstance(value, Mapping):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple | range):
        return [plain(item) for item in value]
    if isinstance(value, float):
        return number(value)
    return value


FILTERS: dict[str, Filter] = {
    "plus": plus,
    "minus": minus,
    "times": times,
    "divided_by": divided_by,
    "modulo": modulo,
    "abs": abs_,
    "ceil": ceil,
    "floor": floor,
    "round": round_,
    "at_least": at_least,
    "at_most": at_most,
    "sum": sum_,
    "money": money,
    "number": number_format,
    "date_format": date_format,
    "json": json_,
}


def bounded(function: Filter, limit: int) -> Filter:
    """A filter that refuses a range literal longer than the loop limit (`(1..100000000) |
    join`) before it turns it into a list (FLOWS §F5.6)."""

    @wraps(function)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        for value in (*args, *kwargs.values()):
            if isinstance(value, range) and len(value) > limit:
                raise LoopLimit()
        return function(*args, **kwargs)

    return guarded


class LoopLimit(FilterArgumentError):
    def __init__(self) -> None:
        super().__init__("loop limit exceeded", token=None)
