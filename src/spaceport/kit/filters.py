"""The LoopBack filter language (reference "Filters", COMPAT §4): a query's `filter` parsed into
a `Filter`, its `where` and `order` compiled to SQLAlchemy with identical results on SQLite and
PostgreSQL.

Where the LoopBack connectors disagree with each other, these rules hold:

- `neq`, `nin` and `nlike` follow the SQL connectors: they never match a missing value
  (`col != v`, NULL rows stay out); `neq: null` is `IS NOT NULL`, `{x: null}` is `IS NULL`.
- `like`/`nlike`: a pattern containing `%` or `_` is SQL LIKE (whole value, case-sensitive,
  `\\` escapes); any other pattern is a regular expression searched in the value, as the
  reference's `like: "2018.*"` expects. Both run as regular expressions, so SQLite's
  case-insensitive LIKE never makes the engines differ. `options: "i"` ignores case.
- Regular expressions are limited to the syntax Python's `re` (SQLite's REGEXP, registered by
  SQLAlchemy) and PostgreSQL read alike: anchors, `.`, quantifiers, classes, groups,
  alternation, `\\d \\w \\s`. Anything else is a 400 naming the part. `.` matches newlines and `$`
  means the very end on both engines.
- A JSON path (`custom.a.b`, `_documentClient.name`) holds a value of unknown type: a filter
  value `"42"` matches a stored 42 and a stored "42", `"true"` a stored true and "true", `null`
  (or `"null"`) a missing key or JSON null. `gt`/`gte`/`lt`/`lte`/`between` compare numerically
  against stored numbers when the filter value is a number, else as text against stored strings.
  Regular expressions only match stored strings.
- A path into a JSON array column (`_documentItems.name`) matches when any element matches; all
  operators given for one property must hold for the same element.
- Text orders by code point on both engines (PostgreSQL compares with COLLATE "C").
- `near` takes a point as `"lat,lng"` (or the reference's `"153.536,-28.1"`, read as lng,lat
  because 153.536 is no latitude), `[lat, lng]` or `{lat, lng}`; it filters points stored as
  `{"lat": .., "lng": ..}` or `"lat,lng"` by haversine distance (`maxDistance`, `unit`, default
  miles) and, without an `order`, sorts the results by distance. SQLite needs its math functions
  (sin, cos, asin, sqrt, radians), compiled into the SQLite that Python ships.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, NoReturn, Protocol, TypeVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    ColumnElement,
    Date,
    DateTime,
    Float,
    Integer,
    Numeric,
    Select,
    SmallInteger,
    String,
    Text,
    and_,
    bindparam,
    case,
    cast,
    collate,
    column,
    false,
    func,
    literal,
    not_,
    or_,
    select,
    true,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import ColumnProperty, InstrumentedAttribute
from sqlalchemy.types import TypeDecorator

from spaceport.kit.db import Base, Money
from spaceport.kit.errors import BadRequest
from spaceport.kit.schemas import _parse_date, _parse_datetime
from spaceport.kit.serialize import api_columns

_T = TypeVar("_T", bound=Any)
Expr = ColumnElement[Any]

_FILTER_KEYS = frozenset(
    {"where", "fields", "include", "order", "limit", "skip", "offset", "deleted"}
)
_COMPARISONS = {"gt": "__gt__", "gte": "__ge__", "lt": "__lt__", "lte": "__le__"}
_OPERATORS = frozenset(
    {"eq", "neq", "between", "inq", "nin", "like", "nlike", "ilike", "nilike", "regexp", "near"}
) | frozenset(_COMPARISONS)
_REGEX_OPERATORS = frozenset({"like", "nlike", "ilike", "nilike", "regexp"})
# the reference's JS example spells `unit` as `units`
_MODIFIERS = {"options": _REGEX_OPERATORS, "maxDistance": {"near"}, "unit": {"near"}}
_MODIFIERS["units"] = _MODIFIERS["unit"]
_MAX_INT = 2**62
# ASCII digits only: `\d` and str.isdigit() also accept digits int() and Decimal() refuse
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_INTEGER = re.compile(r"[+-]?[0-9]+")
_DIGITS = re.compile(r"[0-9]+")
_TRUE = frozenset({"true", "1"})
_FALSE = frozenset({"false", "0"})


def _bad(message: str) -> BadRequest:
    """COMPAT §4.6: a malformed filter is a 400 that names the wrong part."""
    return BadRequest(f"Invalid filter: {message}")


# --- parsing ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filter:
    where: dict[str, Any]
    fields: dict[str, bool] | None
    include: list[str | dict[str, Any]]
    order: list[tuple[str, bool]]
    limit: int | None
    skip: int
    deleted: bool


def parse_filter(query: Mapping[str, Any]) -> Filter:
    """The `filter` of a decoded query, as bracket keys or one JSON string (COMPAT §1.4)."""
    raw = _json_object(query.get("filter"), "filter")
    unknown = sorted(set(raw) - _FILTER_KEYS)
    if unknown:
        raise _bad(f"unknown clause `{unknown[0]}`")
    where = raw.get("where")
    if where is None:
        where = query.get("where")
    skip = raw.get("skip")
    return Filter(
        where=_json_object(where, "where"),
        fields=_parse_fields(raw.get("fields")),
        include=_parse_include(raw.get("include")),
        order=_parse_order(raw.get("order")),
        limit=_count_param(raw.get("limit"), "limit"),
        skip=_count_param(raw.get("offset") if skip is None else skip, "skip") or 0,
        deleted=_parse_flag(raw.get("deleted", False), "deleted"),
    )


def parse_where(query: Mapping[str, Any]) -> dict[str, Any]:
    """The `where` of a count endpoint: `where`, or the `where` of `filter` (COMPAT §4.5)."""
    if query.get("where") is not None:
        return _json_object(query["where"], "where")
    return _json_object(_json_object(query.get("filter"), "filter").get("where"), "where")


def _json_object(value: Any, part: str) -> dict[str, Any]:
    if value is None or value == "":
        return {}
    if isinstance(value, str):
        try:
            value = json.loads(value, parse_float=Decimal)
        except ValueError as exc:
            raise _bad(f"`{part}` is not valid JSON ({exc})") from exc
    if value is None:  # `filter=null`, as JSON.stringify(null) sends it
        return {}
    if not isinstance(value, Mapping):
        raise _bad(f"`{part}` must be an object")
    return dict(value)


def _count_param(value: Any, part: str) -> int | None:
    """`limit`, `skip`: non-negative integers, as numbers or strings."""
    if value is None or value == "":
        return None
    number: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
        number = int(value)
    elif isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
        number = int(value)
    if number is None or not 0 <= number <= _MAX_INT:
        raise _bad(f"`{part}` must be a non-negative integer")
    return number


def _parse_flag(value: Any, part: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower() if isinstance(value, str | int) else None
    if text in _TRUE:
        return True
    if text in _FALSE or text == "":
        return False
    raise _bad(f"`{part}` must be true or false")


def _parse_fields(value: Any) -> dict[str, bool] | None:
    """COMPAT §4.4: `{"type": true}`, `{"note": false}`, or a list of names to keep."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        value = [name.strip() for name in value.split(",")]
    if isinstance(value, Mapping) and not _is_index_map(value):
        return {str(name): _parse_flag(flag, f"fields.{name}") for name, flag in value.items()}
    names = _as_list(value, "fields")
    if not all(isinstance(name, str) and name for name in names):
        raise _bad("`fields` must name properties")
    return dict.fromkeys(names, True) or None


def _parse_include(value: Any) -> list[str | dict[str, Any]]:
    """COMPAT §4.3: a relation name, a list, or an object (`{"tax": "taxRate"}`)."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, Mapping) and not _is_index_map(value):
        if "relation" in value:
            return [dict(value)]
        return [{str(key): scope} for key, scope in value.items()]
    items: list[str | dict[str, Any]] = []
    for item in _as_list(value, "include"):
        if isinstance(item, str) and item:
            items.append(item)
        elif isinstance(item, Mapping):
            items.extend(_parse_include(item))
        else:
            raise _bad("`include` must name relations")
    return items


def _parse_order(value: Any) -> list[tuple[str, bool]]:
    """COMPAT §4.2: `"date DESC"`, a list of such strings, or `{"date": "DESC"}`."""
    if value is None or value == "":
        return []
    if isinstance(value, Mapping) and not _is_index_map(value):
        return [(str(key), _direction(direction, key)) for key, direction in value.items()]
    entries = [value] if isinstance(value, str) else _as_list(value, "order")
    order: list[tuple[str, bool]] = []
    for entry in entries:
        if not isinstance(entry, str):
            raise _bad("`order` must be property names with ASC or DESC")
        order.extend(_order_entry(part) for part in entry.split(","))
    return order


def _order_entry(entry: str) -> tuple[str, bool]:
    words = entry.split()
    if not 1 <= len(words) <= 2:
        raise _bad(f"`order` entry `{entry.strip()}` must be `<property> [ASC|DESC]`")
    return words[0], _direction(words[1] if len(words) == 2 else "", words[0])


def _direction(value: Any, prop: str) -> bool:
    text = value.strip().upper() if isinstance(value, str) else None
    if text not in ("", "ASC", "DESC"):
        raise _bad(f"`order` direction of `{prop}` must be ASC or DESC")
    return text == "DESC"


def _is_index_map(value: Mapping[Any, Any]) -> bool:
    """qs turns `a[0]=x&a[1]=y` into a list, but big or odd indices into {"0": .., "1": ..}."""
    return bool(value) and all(isinstance(key, str) and _DIGITS.fullmatch(key) for key in value)


def _as_list(value: Any, part: str) -> list[Any]:
    if isinstance(value, list | tuple):
        return list(value)
    if isinstance(value, Mapping) and _is_index_map(value):
        return [value[key] for key in sorted(value, key=int)]
    raise _bad(f"`{part}` must be a list")


# --- where: properties ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Context:
    model: type[Base]
    dialect: str
    columns: Mapping[str, InstrumentedAttribute[Any]]

    @property
    def postgres(self) -> bool:
        return self.dialect == "postgresql"


@dataclass(frozen=True)
class _Target:
    """What a `where` key names: a column, or a path inside a JSON column."""

    name: str
    column: Column[Any]
    path: tuple[str, ...] = ()

    @property
    def is_json(self) -> bool:
        return isinstance(self.column.type, JSON)

    @property
    def is_array(self) -> bool:
        return self.is_json and bool(self.column.info.get("json_array"))

    def child(self, key: str) -> _Target:
        return _Target(f"{self.name}.{key}", self.column, (*self.path, _path_key(key, self.name)))


def _context(model: type[Base], dialect: str) -> _Context:
    if dialect not in ("sqlite", "postgresql"):
        raise ValueError(f"unsupported dialect {dialect!r}")
    return _Context(model, dialect, api_columns(model))


def _column_of(attr: InstrumentedAttribute[Any]) -> Column[Any]:
    prop = attr.property
    assert isinstance(prop, ColumnProperty)
    col = prop.columns[0]
    assert isinstance(col, Column)
    return col


def _target(key: str, ctx: _Context, part: str) -> _Target:
    """A top-level property, or a `custom.*` / embedded JSON path (COMPAT §4.1)."""
    if key in ctx.columns:
        return _Target(key, _column_of(ctx.columns[key]))
    head, _, rest = key.partition(".")
    attr = ctx.columns.get(head)
    if not rest or attr is None or not isinstance(_column_of(attr).type, JSON):
        raise _bad(f"unknown property `{key}` in `{part}`")
    target = _Target(head, _column_of(attr))
    for segment in rest.split("."):
        target = target.child(segment)
    return target


def _path_key(key: str, parent: str) -> str:
    # SQLite's JSON path quotes keys with `"` and cannot escape a quote inside one.
    if not key or '"' in key or "\\" in key:
        raise _bad(f"invalid path segment `{key}` under `{parent}`")
    return _sql_text(key, parent)


# --- where: operands --------------------------------------------------------------------------


class _Operand(Protocol):
    """One property seen by the operators: a typed column or a JSON value of unknown type."""

    def value(self, raw: Any, part: str) -> Any: ...  # the filter value coerced, None for null
    def absent(self) -> Expr: ...
    def present(self) -> Expr: ...
    def equals(self, value: Any) -> Expr: ...
    def one_of(self, values: list[Any]) -> Expr: ...
    def compare(self, op: str, value: Any) -> Expr: ...
    def text(self, part: str) -> Expr: ...  # NULL unless the value is a string
    def point(self, part: str) -> tuple[Expr, Expr]: ...  # latitude, longitude; NULL if none


def _sql_compare(left: Expr, op: str, right: Any) -> Expr:
    result: Expr = getattr(left, _COMPARISONS[op])(right)
    return result


class _Typed:
    """A top-level column: filter values are coerced to its type (COMPAT §4.1)."""

    def __init__(self, target: _Target, ctx: _Context) -> None:
        self.name = target.name
        self.col: Expr = target.column
        self.kind = _kind_of(target)
        self.ctx = ctx

    def value(self, raw: Any, part: str) -> Any:
        if raw is None or (raw == "null" and self.kind != "string"):
            return None
        return _COERCE[self.kind](raw, part)

    def absent(self) -> Expr:
        return self.col.is_(None)

    def present(self) -> Expr:
        return self.col.is_not(None)

    def equals(self, value: Any) -> Expr:
        equal: Expr = self.col == value
        return equal

    def one_of(self, values: list[Any]) -> Expr:
        return self.col.in_(values)

    def compare(self, op: str, value: Any) -> Expr:
        # bound with the column's type: SQLAlchemy refuses `> True` as a plain value
        return _sql_compare(self.ordered(), op, literal(value, self.col.type))

    def ordered(self) -> Expr:
        # PostgreSQL's locale collation orders text unlike SQLite's byte order (COMPAT §4.1).
        return collate(self.col, "C") if self.kind == "string" and self.ctx.postgres else self.col

    def text(self, part: str) -> Expr:
        if self.kind != "string":
            raise _bad(f"`{part}` needs a text property, `{self.name}` is not")
        return self.col

    def point(self, part: str) -> tuple[Expr, Expr]:
        return _parse_point_text(self.text(part), self.ctx)


def _kind_of(target: _Target) -> str:
    stored = target.column.type
    if isinstance(stored, Money):  # fixed-point integers underneath
        return "money"
    if isinstance(stored, TypeDecorator):  # UTCDateTime is a DateTime underneath
        stored = stored.impl_instance
    for sql_type, name in _KINDS:
        if isinstance(stored, sql_type):
            return name
    raise _bad(f"property `{target.name}` cannot be filtered")


_KINDS: list[tuple[type[Any], str]] = [
    (Boolean, "bool"),
    (SmallInteger, "int16"),
    (BigInteger, "int64"),
    (Integer, "int32"),
    (Numeric, "decimal"),
    (DateTime, "datetime"),
    (Date, "date"),
    (String, "string"),
]


def _coerce_bool(raw: Any, part: str) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower() if isinstance(raw, str | int) else None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise _bad(f"`{part}` expects true or false, got `{raw}`")


def _integers(bits: int) -> Callable[[Any, str], int]:
    """Integers that fit the column: PostgreSQL casts the bound value to its type."""

    def coerce(raw: Any, part: str) -> int:
        number = _coerce_int(raw, part)
        if not -(2**bits) <= number < 2**bits:
            raise _bad(f"`{part}` is out of range: `{raw}`")
        return number

    return coerce


def _coerce_int(raw: Any, part: str) -> int:
    number: int | None = None
    if isinstance(raw, int) and not isinstance(raw, bool):
        number = raw
    elif isinstance(raw, str) and _INTEGER.fullmatch(raw.strip()):
        number = int(raw)
    elif isinstance(raw, Decimal) and raw.is_finite() and raw == raw.to_integral_value():
        number = int(raw)
    if number is None:
        raise _bad(f"`{part}` expects an integer, got `{raw}`")
    return number


def _coerce_decimal(raw: Any, part: str) -> Decimal:
    number: Decimal | None = None
    if isinstance(raw, Decimal | int | float) and not isinstance(raw, bool):
        number = Decimal(str(raw))
    elif isinstance(raw, str) and _DECIMAL.fullmatch(raw.strip()):
        number = Decimal(raw.strip())
    # a bound far beyond any stored amount would overflow PostgreSQL's numeric input
    if number is None or not number.is_finite() or abs(number.adjusted()) > 100:
        raise _bad(f"`{part}` expects a number, got `{raw}`")
    return number


def _coerce_money(raw: Any, part: str) -> Decimal:
    """An amount as Money stores it: whole ten-thousandths that fit in a BIGINT."""
    number = _coerce_decimal(raw, part)
    scaled = number.scaleb(Money.SCALE)
    if scaled != scaled.to_integral_value() or abs(scaled) >= 2**63:
        raise _bad(f"`{part}` expects an amount with at most {Money.SCALE} decimals, got `{raw}`")
    return number


def _coerce_datetime(raw: Any, part: str) -> datetime:
    """Date-only means midnight UTC; a full timestamp may carry a zone (COMPAT §1.5)."""
    try:
        value = _parse_datetime(raw) if isinstance(raw, str | date) else None
    except ValueError:
        value = None
    if not isinstance(value, datetime):
        raise _bad(f"`{part}` expects a date, got `{raw}`")
    return value


def _coerce_date(raw: Any, part: str) -> date:
    try:
        value = _parse_date(raw) if isinstance(raw, str | date) else None
        value = date.fromisoformat(value.strip()) if isinstance(value, str) else value
    except ValueError:
        value = None
    if not isinstance(value, date):
        raise _bad(f"`{part}` expects a date, got `{raw}`")
    return value


def _coerce_string(raw: Any, part: str) -> str:
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, str | int | Decimal | float):
        return _sql_text(str(raw), part)
    raise _bad(f"`{part}` expects a text value, got `{raw}`")


def _sql_text(text: str, part: str) -> str:
    """Text both drivers can send: PostgreSQL refuses NUL, UTF-8 refuses lone surrogates."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise _bad(f"`{part}` is not valid UTF-8 text") from None
    if "\x00" in text:
        raise _bad(f"`{part}` contains a NUL character")
    return text


_COERCE: dict[str, Callable[[Any, str], Any]] = {
    "bool": _coerce_bool,
    "int16": _integers(15),
    "int32": _integers(31),
    "int64": _integers(63),
    "decimal": _coerce_decimal,
    "money": _coerce_money,
    "datetime": _coerce_datetime,
    "date": _coerce_date,
    "string": _coerce_string,
}


@dataclass(frozen=True)
class _Loose:
    """A filter value compared with JSON of unknown type: `"42"` is also 42, `"true"` also
    true, `"null"` also null (COMPAT §4.1)."""

    text: str
    number: Decimal | None = None
    boolean: bool | None = None
    null: bool = False


def _loose(raw: Any, part: str) -> _Loose | None:
    if raw is None:
        return None
    if isinstance(raw, bool):
        return _Loose("true" if raw else "false", boolean=raw)
    if isinstance(raw, int | float | Decimal):
        return _Loose(str(raw), number=_coerce_decimal(raw, part))
    if not isinstance(raw, str):
        raise _bad(f"`{part}` expects a value, got `{raw}`")
    _sql_text(raw, part)
    number = Decimal(raw) if _NUMBER.fullmatch(raw) else None
    if number is not None and abs(number.adjusted()) > 100:  # "1e999": only ever a string
        number = None
    boolean = {"true": True, "false": False}.get(raw)
    return _Loose(raw, number=number, boolean=boolean, null=raw == "null")


class _JsonNode(Protocol):
    """A value inside a JSON document, in one dialect's functions."""

    def is_string(self) -> Expr: ...
    def is_number(self) -> Expr: ...
    def is_bool(self, value: bool) -> Expr: ...
    def is_absent(self) -> Expr: ...  # missing key or JSON null
    def text(self) -> Expr: ...  # the string, NULL for any other type
    def number(self) -> Expr: ...  # the number, NULL for any other type
    def child(self, key: str) -> _JsonNode: ...


class _SqliteNode:
    """json_type / json_extract on JSON text; `path` is a JSON path, maybe built in SQL."""

    def __init__(self, doc: Expr, path: str | Expr) -> None:
        self.doc = doc
        self.path = path
        self.type = func.json_type(doc, path, type_=String)

    def is_string(self) -> Expr:
        return self.type == "text"

    def is_number(self) -> Expr:
        return self.type.in_(("integer", "real"))

    def is_bool(self, value: bool) -> Expr:
        return self.type == ("true" if value else "false")

    def is_absent(self) -> Expr:
        return or_(self.type.is_(None), self.type == "null")

    def text(self) -> Expr:
        # guarded, so REGEXP never sees a number (Python's re would raise on it)
        return case((self.is_string(), func.json_extract(self.doc, self.path)), else_=None)

    def number(self) -> Expr:
        return case((self.is_number(), func.json_extract(self.doc, self.path)), else_=None)

    def child(self, key: str) -> _JsonNode:
        return _SqliteNode(self.doc, self.path + f'."{key}"')


class _PostgresNode:
    """jsonb_typeof / `#>` / `#>>` on JSONB; never casts a value of the wrong type."""

    def __init__(self, doc: Expr, path: tuple[str, ...]) -> None:
        self.doc = doc
        self.path = path
        keys = bindparam(None, list(path), type_=ARRAY(Text))
        self.type = func.jsonb_typeof(doc.op("#>", return_type=JSONB)(keys), type_=String)
        self.raw_text = doc.op("#>>", return_type=Text)(keys)

    def is_string(self) -> Expr:
        return self.type == "string"

    def is_number(self) -> Expr:
        return self.type == "number"

    def is_bool(self, value: bool) -> Expr:
        return and_(self.type == "boolean", self.raw_text == ("true" if value else "false"))

    def is_absent(self) -> Expr:
        return or_(self.type.is_(None), self.type == "null")

    def text(self) -> Expr:
        return case((self.is_string(), self.raw_text), else_=None)

    def number(self) -> Expr:
        return case((self.is_number(), cast(self.raw_text, Numeric)), else_=None)

    def child(self, key: str) -> _JsonNode:
        return _PostgresNode(self.doc, (*self.path, key))


class _Json:
    """A JSON path: the filter value's type decides how it compares (COMPAT §4.1)."""

    def __init__(self, node: _JsonNode, ctx: _Context) -> None:
        self.node = node
        self.ctx = ctx

    def value(self, raw: Any, part: str) -> Any:
        return _loose(raw, part)

    def absent(self) -> Expr:
        return self.node.is_absent()

    def present(self) -> Expr:
        return not_(self.node.is_absent())

    def equals(self, value: _Loose) -> Expr:
        node = self.node
        # every branch guarded by the stored type, so the result is never NULL (`neq` negates it)
        matches = [and_(node.is_string(), node.text() == value.text)]
        if value.number is not None:
            number = self._number(value.number)
            matches.append(and_(node.is_number(), node.number() == number))
        if value.boolean is not None:
            matches.append(node.is_bool(value.boolean))
        if value.null:
            matches.append(node.is_absent())
        return or_(*matches)

    def one_of(self, values: list[_Loose]) -> Expr:
        return or_(false(), *(self.equals(value) for value in values))

    def compare(self, op: str, value: _Loose) -> Expr:
        if value.number is not None:
            return _sql_compare(self.node.number(), op, self._number(value.number))
        text = collate(self.node.text(), "C") if self.ctx.postgres else self.node.text()
        return _sql_compare(text, op, value.text)

    def _number(self, value: Decimal) -> Any:
        if self.ctx.postgres:
            return value
        # SQLite's JSON numbers are 64-bit integers or doubles: bind the same kind
        if value == value.to_integral_value() and abs(value) < 2**63:
            return int(value)
        return float(value)

    def text(self, part: str) -> Expr:
        return self.node.text()

    def point(self, part: str) -> tuple[Expr, Expr]:
        """A GeoPoint stored as `{"lat": .., "lng": ..}` or as the string `"lat,lng"`."""
        lat = _in_range(self.node.child("lat").number(), 90)
        lng = _in_range(self.node.child("lng").number(), 180)
        text_lat, text_lng = _parse_point_text(self.node.text(), self.ctx)
        return func.coalesce(lat, text_lat), func.coalesce(lng, text_lng)


def _build(target: _Target, ctx: _Context, part: str, test: Callable[[_Operand], Expr]) -> Expr:
    """`test` applied to the property; for a JSON array, to any one element (COMPAT §4.1)."""
    if target.is_array:
        return _any_element(target, ctx, test)
    return test(_operand(target, ctx, part))


def _operand(target: _Target, ctx: _Context, part: str) -> _Operand:
    if not target.is_json:
        return _Typed(target, ctx)
    if not target.path:
        raise _bad(f"`{part}`: filter on a path inside `{target.name}`, like `{target.name}.key`")
    return _Json(_json_node(target, ctx), ctx)


def _json_node(target: _Target, ctx: _Context) -> _JsonNode:
    if ctx.postgres:
        return _PostgresNode(target.column, target.path)
    return _SqliteNode(target.column, _sqlite_path(target.path))


def _sqlite_path(path: tuple[str, ...], root: str = "$") -> str:
    return root + "".join(f'."{key}"' for key in path)


def _any_element(target: _Target, ctx: _Context, test: Callable[[_Operand], Expr]) -> Expr:
    doc = target.column
    if ctx.postgres:
        # jsonb_array_elements raises on a non-array: feed it an empty array instead
        array = case((func.jsonb_typeof(doc) == "array", doc), else_=func.jsonb_build_array())
        elements = func.jsonb_array_elements(array).table_valued(column("value", JSONB)).alias()
        node: _JsonNode = _PostgresNode(elements.c.value, target.path)
        guard: Expr = true()
    else:
        # address each element through the whole document: json_each's `value` of a string
        # element is bare text that the JSON functions would reject
        elements = func.json_each(doc).table_valued(column("fullkey", String)).alias()
        node = _SqliteNode(doc, elements.c.fullkey + _sqlite_path(target.path, ""))
        guard = func.json_type(doc) == "array"
    found = select(elements.c[0]).where(test(_Json(node, ctx))).exists()
    return and_(guard, found)


# --- where: operators -------------------------------------------------------------------------


def compile_where(where: Mapping[str, Any], model: type[Base], dialect: str) -> ColumnElement[bool]:
    """`where` as one SQL condition over `model` (COMPAT §4.1)."""
    return _where(where, _context(model, dialect), "where")


def _where(where: Any, ctx: _Context, part: str) -> Expr:
    if not isinstance(where, Mapping):
        raise _bad(f"`{part}` must be an object")
    return and_(true(), *(_clause(str(key), value, ctx, part) for key, value in where.items()))


def _clause(key: str, value: Any, ctx: _Context, parent: str) -> Expr:
    part = f"{parent}.{key}"
    if key in ("and", "or"):
        subs = [_where(sub, ctx, f"{part}.{i}") for i, sub in enumerate(_as_list(value, part))]
        return and_(true(), *subs) if key == "and" else or_(false(), *subs)
    return _condition(_target(key, ctx, parent), value, ctx, part)


def _condition(target: _Target, value: Any, ctx: _Context, part: str) -> Expr:
    if isinstance(value, Mapping) and not _is_index_map(value):
        if not any(key in _OPERATORS for key in value):
            return _nested(target, value, ctx, part)
        _check_modifiers(value, part)
        ops = [(str(op), arg) for op, arg in value.items() if op in _OPERATORS]
        return _build(target, ctx, part, lambda o: _all_ops(o, ops, value, ctx, part))
    if isinstance(value, list | Mapping):
        return _build(target, ctx, part, lambda o: _inq(o, value, part))
    return _build(target, ctx, part, lambda o: _eq(o, value, part))


def _nested(target: _Target, value: Mapping[str, Any], ctx: _Context, part: str) -> Expr:
    """`{"custom": {"a": "1"}}` (what bracket keys `[custom][a]=1` give) means `custom.a`."""
    if not value:
        raise _bad(f"`{part}` has no condition")
    if not target.is_json or target.is_array:
        raise _bad(f"`{part}`: unknown operator `{next(iter(value))}`")
    return and_(
        *(_condition(target.child(str(k)), v, ctx, f"{part}.{k}") for k, v in value.items())
    )


def _check_modifiers(value: Mapping[str, Any], part: str) -> None:
    for key in value:
        if key in _OPERATORS:
            continue
        if key not in _MODIFIERS:
            raise _bad(f"`{part}`: unknown operator `{key}`")
        if not _MODIFIERS[key] & set(value):
            raise _bad(f"`{part}.{key}` needs one of {', '.join(sorted(_MODIFIERS[key]))}")


def _all_ops(
    operand: _Operand, ops: list[tuple[str, Any]], mods: Mapping[str, Any], ctx: _Context, part: str
) -> Expr:
    return and_(*(_operator(operand, op, arg, mods, ctx, f"{part}.{op}") for op, arg in ops))


def _operator(
    operand: _Operand, op: str, arg: Any, mods: Mapping[str, Any], ctx: _Context, part: str
) -> Expr:
    if op in _COMPARISONS:
        return operand.compare(op, _required(operand, arg, part))
    if op in _REGEX_OPERATORS:
        return _regex_op(operand, op, arg, mods, part)
    if op == "near":
        return _near(operand, arg, mods, ctx, part)
    return _SIMPLE_OPERATORS[op](operand, arg, part)


def _required(operand: _Operand, arg: Any, part: str) -> Any:
    value = operand.value(arg, part)
    if value is None:
        raise _bad(f"`{part}` needs a value, not null")
    return value


def _eq(operand: _Operand, arg: Any, part: str) -> Expr:
    value = operand.value(arg, part)
    return operand.absent() if value is None else operand.equals(value)


def _neq(operand: _Operand, arg: Any, part: str) -> Expr:
    """`neq` never matches a missing value, as in LoopBack's SQL connectors (`col != v`)."""
    value = operand.value(arg, part)
    if value is None:
        return operand.present()
    return and_(operand.present(), not_(operand.equals(value)))


def _between(operand: _Operand, arg: Any, part: str) -> Expr:
    bounds = _as_list(arg, part)
    if len(bounds) != 2:
        raise _bad(f"`{part}` needs two values")
    low, high = (_required(operand, bound, part) for bound in bounds)
    return and_(operand.compare("gte", low), operand.compare("lte", high))


def _listed(operand: _Operand, arg: Any, part: str) -> tuple[list[Any], bool]:
    """The values of `inq`/`nin` (a single value counts as a list of one) and whether null is one
    of them."""
    raw = _as_list(arg, part) if isinstance(arg, list | tuple | Mapping) else [arg]
    values = [operand.value(item, part) for item in raw]
    return [value for value in values if value is not None], None in values


def _inq(operand: _Operand, arg: Any, part: str) -> Expr:
    values, null = _listed(operand, arg, part)
    found = operand.one_of(values) if values else false()
    return or_(found, operand.absent()) if null else found


def _nin(operand: _Operand, arg: Any, part: str) -> Expr:
    values, _null = _listed(operand, arg, part)
    if not values:
        return operand.present()
    return and_(operand.present(), not_(operand.one_of(values)))


_SIMPLE_OPERATORS: dict[str, Callable[[_Operand, Any, str], Expr]] = {
    "eq": _eq,
    "neq": _neq,
    "between": _between,
    "inq": _inq,
    "nin": _nin,
}


def _regex_op(operand: _Operand, op: str, arg: Any, mods: Mapping[str, Any], part: str) -> Expr:
    if not isinstance(arg, str | int | Decimal) or isinstance(arg, bool):
        raise _bad(f"`{part}` needs a pattern")
    _sql_text(str(arg), part)
    ignore_case = _ignore_case(mods.get("options"), part) or op in ("ilike", "nilike")
    if op == "regexp":
        pattern = _regexp_pattern(str(arg), ignore_case, part)
    else:
        pattern = _like_pattern(str(arg), ignore_case, part)
    text = operand.text(part)
    matched = text.regexp_match(pattern)
    if op in ("nlike", "nilike"):
        return and_(text.is_not(None), not_(matched))
    return matched


def _ignore_case(options: Any, part: str) -> bool:
    if options is None or options == "":
        return False
    if not isinstance(options, str) or set(options) - {"i", "g"}:
        raise _bad(f"`{part}`: `options` may only be `i`")
    return "i" in options


# --- regular expressions ----------------------------------------------------------------------

_REGEX_SPECIAL = frozenset(".^$*+?{}[]\\|()")
_ESCAPES = frozenset("dDwWsSAZntrfv")  # meaning the same to Python's re and PostgreSQL
_CLASS_ESCAPES = frozenset("dwsntrfv")
_REPEAT = re.compile(r"\{([0-9]+)(?:,([0-9]*))?\}")
_MAX_COPIES = 10_000
_JS_LITERAL = re.compile(r"/(.*)/([a-z]*)", re.DOTALL)


def _regexp_pattern(text: str, ignore_case: bool, part: str) -> str:
    """`regexp`: `"^2018"` or a JS literal `"/^2018/i"` (COMPAT §4.1)."""
    literal = _JS_LITERAL.fullmatch(text)
    if literal:
        text = literal.group(1)
        ignore_case = _ignore_case(literal.group(2), part) or ignore_case
    return _flags(ignore_case) + _portable_regex(text, part)


def _like_pattern(text: str, ignore_case: bool, part: str) -> str:
    """`like`: SQL LIKE when the pattern has `%` or `_`, else a regular expression ("2018.*")."""
    if "%" not in text and "_" not in text:
        return _flags(ignore_case) + _portable_regex(text, part)
    pieces, escaped = ["^"], False
    for char in text:
        if escaped or char not in "%_\\":
            pieces.append("\\" + char if char in _REGEX_SPECIAL else char)
            escaped = False
        elif char == "\\":
            escaped = True
        else:
            pieces.append(".*" if char == "%" else ".")
    if escaped:
        pieces.append("\\\\")
    return _flags(ignore_case) + "".join(pieces) + "\\Z"


def _flags(ignore_case: bool) -> str:
    # `s`: `.` matches newlines, PostgreSQL's default and an opt-in for Python's re
    return "(?si)" if ignore_case else "(?s)"


def _portable_regex(text: str, part: str) -> str:
    """`text` checked against the syntax both engines read alike; `$` becomes `\\Z`, the very
    end of the value on both (Python's `$` also matches before a final newline)."""
    if len(text) > 1000:
        raise _bad(f"`{part}` pattern is too long")
    portable = _RegexScanner(text, part).rewrite()  # first: it rejects what re would warn about
    try:
        re.compile(text)
    except re.error as exc:
        raise _bad(f"`{part}` is not a valid regular expression ({exc})") from exc
    return portable


class _RegexScanner:
    """One pass over a pattern: rejects what the engines read differently, rewrites `$`, and
    bounds the copies that nested `{m,n}` expand to (PostgreSQL refuses a "too complex" one)."""

    def __init__(self, text: str, part: str) -> None:
        self.text = text
        self.part = part
        self.out: list[str] = []
        self.pos = 0
        self.after_quantifier = False
        self.groups: list[int] = []  # per open group: the most copies of one atom inside
        self.copies = 1  # copies of the atom just read

    def rewrite(self) -> str:
        while self.pos < len(self.text):
            char = self.text[self.pos]
            quantifier = char in "*+?{"
            if char == "+" and self.after_quantifier:
                self._reject("possessive quantifiers")
            if char == "\\":
                self._escape(_ESCAPES)
            elif char == "[":
                self._char_class()
            elif char == "{":
                self._repeat()
            elif char == "(":
                self._open_group()
            elif char == ")":
                self._emit(")", 1)
                self._atom(self.groups.pop() if self.groups else 1)
            else:
                self._emit("\\Z" if char == "$" else char, 1)
                if not quantifier:
                    self._atom(1)
            self.after_quantifier = quantifier
        return "".join(self.out)

    def _emit(self, piece: str, length: int) -> None:
        self.out.append(piece)
        self.pos += length

    def _atom(self, copies: int) -> None:
        self.copies = copies
        if self.groups:
            self.groups[-1] = max(self.groups[-1], copies)

    def _reject(self, what: str) -> NoReturn:
        raise _bad(f"`{self.part}`: {what} are not supported in regular expressions")

    def _invalid(self, why: str) -> NoReturn:
        raise _bad(f"`{self.part}` is not a valid regular expression ({why})")

    def _escape(self, allowed: frozenset[str]) -> None:
        escaped = self.text[self.pos + 1 : self.pos + 2]
        if not escaped:
            self._invalid("it ends with a lone backslash")
        if escaped.isalnum() and escaped not in allowed:
            self._reject(f"escapes like `\\{escaped}`")
        self._emit(self.text[self.pos : self.pos + 2], 2)
        self._atom(1)

    def _char_class(self) -> None:
        start = self.pos
        self.pos += 1
        self.pos += self.text.startswith("^", self.pos)
        self.pos += self.text.startswith("]", self.pos)  # a leading `]` is a literal
        self.out.append(self.text[start : self.pos])
        while self.text[self.pos : self.pos + 1] != "]":
            if self.pos >= len(self.text):
                self._invalid("a character class is not closed")
            if self.text[self.pos] == "\\":
                self._escape(_CLASS_ESCAPES)
            elif self.text[self.pos] == "[":  # PostgreSQL reads `[:`, `[.`, `[=` inside a class
                self._reject("`[` inside a character class")
            else:
                self._emit(self.text[self.pos], 1)
        self._emit("]", 1)
        self._atom(1)

    def _repeat(self) -> None:
        match = _REPEAT.match(self.text, self.pos)
        if match is None:  # Python reads a stray `{` as a literal, PostgreSQL may not
            self._reject("`{` outside a repetition like `{2,3}`")
        bounds = [int(bound) for bound in match.groups() if bound]
        if max(bounds) > 255:
            self._reject("repetitions above 255")
        self._atom(self.copies * max(bounds))
        if self.copies > _MAX_COPIES:
            self._reject(f"nested repetitions beyond {_MAX_COPIES} copies")
        self._emit(match.group(0), len(match.group(0)))

    def _open_group(self) -> None:
        opening = "(?:" if self.text.startswith("(?:", self.pos) else "("
        if opening == "(" and self.text.startswith("(?", self.pos):
            self._reject("group extensions other than `(?:`")
        self._emit(opening, len(opening))
        self.groups.append(1)


# --- near -------------------------------------------------------------------------------------

# LoopBack's geo.js radii of the earth, per unit
_EARTH_RADIUS = {
    "miles": 3958.75,
    "kilometers": 6370.99056,
    "meters": 6370990.56,
    "feet": 20902200.0,
    "radians": 1.0,
    "degrees": 57.29577951308,
}
_POINT_TEXT = r"^ *-?[0-9]{1,3}(\.[0-9]{1,20})? *, *-?[0-9]{1,3}(\.[0-9]{1,20})? *\Z"


def _near(operand: _Operand, arg: Any, mods: Mapping[str, Any], ctx: _Context, part: str) -> Expr:
    """`near` with optional `maxDistance` and `unit` (reference "Where operators")."""
    distance = _distance(operand, arg, mods, ctx, part)
    limit = mods.get("maxDistance")
    if limit is None or limit == "":
        return distance.is_not(None)
    maximum = float(_coerce_decimal(limit, f"{part}.maxDistance"))
    if maximum < 0:
        raise _bad(f"`{part}.maxDistance` must not be negative")
    return distance <= maximum


def _distance(
    operand: _Operand, arg: Any, mods: Mapping[str, Any], ctx: _Context, part: str
) -> Expr:
    unit = mods.get("unit", mods.get("units")) or "miles"
    if unit not in _EARTH_RADIUS:
        raise _bad(f"`{part}` unit must be one of {', '.join(_EARTH_RADIUS)}")
    lat, lng = operand.point(part)
    return _haversine(lat, lng, _geo_point(arg, part), _EARTH_RADIUS[unit], ctx)


def _geo_point(value: Any, part: str) -> tuple[float, float]:
    if isinstance(value, str):
        parts: list[Any] = value.split(",")
    elif isinstance(value, Mapping) and not _is_index_map(value):
        parts = [value.get("lat"), value.get("lng")]
    else:
        parts = _as_list(value, part)
    if len(parts) != 2:
        raise _bad(f"`{part}` must be a point `lat,lng`")
    first, second = (float(_coerce_decimal(p, part)) for p in parts)
    # the reference's own example, "153.536,-28.1", is longitude first
    lat, lng = (second, first) if abs(first) > 90 >= abs(second) else (first, second)
    if abs(lat) > 90 or abs(lng) > 180:
        raise _bad(f"`{part}` is not a point on earth")
    return lat, lng


def _in_range(value: Expr, limit: int) -> Expr:
    """The value as a double when it is a possible coordinate (a cast could overflow else)."""
    return case((value.between(-limit, limit), cast(value, Float)), else_=None)


def _parse_point_text(text: Expr, ctx: _Context) -> tuple[Expr, Expr]:
    """Latitude and longitude of a `"lat,lng"` string; NULL for any other text."""
    if ctx.postgres:
        lat: Expr = func.split_part(text, ",", 1)
        lng: Expr = func.split_part(text, ",", 2)
    else:
        comma = func.instr(text, ",")
        lat, lng = func.substr(text, 1, comma - 1), func.substr(text, comma + 1)
    valid = text.regexp_match(_POINT_TEXT)
    return (
        _in_range(case((valid, cast(lat, Float)), else_=None), 90),
        _in_range(case((valid, cast(lng, Float)), else_=None), 180),
    )


def _haversine(
    lat: Expr, lng: Expr, point: tuple[float, float], radius: float, ctx: _Context
) -> Expr:
    def fn(name: str, *args: Any) -> Expr:
        result: Expr = getattr(func, name)(*args, type_=Float)
        return result

    lat0, lng0 = point
    half_lat = fn("sin", fn("radians", lat - lat0) / 2)
    half_lng = fn("sin", fn("radians", lng - lng0) / 2)
    cosines = fn("cos", fn("radians", lat)) * math.cos(math.radians(lat0))
    chord = half_lat * half_lat + cosines * half_lng * half_lng
    # clamped into [0, 1]: rounding must never hand asin or sqrt a value out of its domain
    # (CASE, not LEAST: PostgreSQL's LEAST skips NULLs, a missing point must stay NULL)
    clamped = case((chord > 1.0, 1.0), (chord < 0.0, 0.0), else_=chord)
    return 2 * radius * fn("asin", fn("sqrt", clamped))


def _near_distance(where: Mapping[str, Any], ctx: _Context) -> Expr | None:
    """The distance of a top-level `near` (also inside a top-level `and`), to sort by."""
    for key, value in where.items():
        if key == "and" and isinstance(value, list | Mapping):
            for sub in _as_list(value, "where.and"):
                found = _near_distance(sub, ctx) if isinstance(sub, Mapping) else None
                if found is not None:
                    return found
        elif isinstance(value, Mapping) and "near" in value:
            target = _target(str(key), ctx, "where")
            if target.is_array:
                continue
            part = f"where.{key}.near"
            return _distance(_operand(target, ctx, part), value["near"], value, ctx, part)
    return None


# --- order, statements, projection ------------------------------------------------------------


def order_by(
    order: list[tuple[str, bool]], model: type[Base], dialect: str
) -> list[ColumnElement[Any]]:
    """ORDER BY terms; `id` breaks ties so paging is stable (COMPAT §4.2). Missing values sort
    first ascending and last descending on both engines."""
    ctx = _context(model, dialect)
    terms: list[ColumnElement[Any]] = []
    for name, descending in order:
        target = _target(name, ctx, "order")
        keys = _json_order_keys(target, ctx) if target.is_json else [_typed_order_key(target, ctx)]
        for key, nullable in keys:
            terms.append(_direction_of(key, descending, nullable))
    terms.append(getattr(model, "id").asc())  # noqa: B009 - Base declares no id
    return terms


def _direction_of(key: Expr, descending: bool, nullable: bool) -> ColumnElement[Any]:
    if descending:
        return key.desc().nulls_last() if nullable else key.desc()
    return key.asc().nulls_first() if nullable else key.asc()


def _typed_order_key(target: _Target, ctx: _Context) -> tuple[Expr, bool]:
    typed = _Typed(target, ctx)
    return typed.ordered(), bool(target.column.nullable)


def _json_order_keys(target: _Target, ctx: _Context) -> list[tuple[Expr, bool]]:
    """A JSON path sorts missing/null first, then numbers, strings, false, true, the rest."""
    if target.is_array or not target.path:
        raise _bad(f"`order` cannot sort by `{target.name}`")
    node = _json_node(target, ctx)
    rank = case(
        (node.is_absent(), 0),
        (node.is_number(), 1),
        (node.is_string(), 2),
        (node.is_bool(False), 3),
        (node.is_bool(True), 4),
        else_=5,
    )
    text = collate(node.text(), "C") if ctx.postgres else node.text()
    return [(rank, False), (node.number(), True), (text, True)]


def _not_deleted(model: type[Base]) -> Expr | None:
    """COMPAT §5.1: soft-deleted instances leave every query unless `deleted` is asked for."""
    flag = getattr(model, "is_deleted", None)
    return None if flag is None else flag.is_(False)


def apply_filter(stmt: Select[_T], flt: Filter, model: type[Base], dialect: str) -> Select[_T]:
    """`stmt` narrowed by the filter's where, soft delete, order, limit and skip (COMPAT §4)."""
    ctx = _context(model, dialect)
    stmt = stmt.where(_where(flt.where, ctx, "where"))
    hidden = None if flt.deleted else _not_deleted(model)
    if hidden is not None:
        stmt = stmt.where(hidden)
    near = None if flt.order else _near_distance(flt.where, ctx)
    if near is not None:
        stmt = stmt.order_by(near)
    stmt = stmt.order_by(*order_by(flt.order, model, dialect))
    if flt.limit is not None:
        stmt = stmt.limit(flt.limit)
    return stmt.offset(flt.skip) if flt.skip else stmt


def count_stmt(
    stmt: Select[Any], where: Mapping[str, Any], model: type[Base], dialect: str
) -> Select[int]:
    """`SELECT count(*)` of `stmt` narrowed by `where`; soft-deleted instances never count
    (reference "Soft delete": `deleted` can't be used in the count request)."""
    stmt = stmt.where(compile_where(where, model, dialect)).order_by(None)
    hidden = _not_deleted(model)
    if hidden is not None:
        stmt = stmt.where(hidden)
    return select(func.count()).select_from(stmt.subquery())


def project(item: dict[str, Any], fields: dict[str, bool] | None) -> dict[str, Any]:
    """COMPAT §4.4: `{"type": true}` keeps the listed properties and `id`; `{"note": false}`
    drops the listed ones."""
    if not fields:
        return item
    if any(fields.values()):
        return {key: value for key, value in item.items() if fields.get(key) or key == "id"}
    return {key: value for key, value in item.items() if fields.get(key, True)}
