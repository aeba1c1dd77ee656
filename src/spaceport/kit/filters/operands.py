"""One property as the operators see it (COMPAT §4.1): a typed column, whose filter values are
coerced to its type, or a JSON path, whose filter value's own type decides how it compares. A
path into a JSON array column matches when any one element matches."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any, Protocol

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Integer,
    Numeric,
    SmallInteger,
    String,
    and_,
    false,
    func,
    literal,
    not_,
    or_,
)
from sqlalchemy.types import TypeDecorator

from spaceport.kit.db import Money
from spaceport.kit.filters.coercion import COERCE, Loose, loose
from spaceport.kit.filters.engines import JsonNode, array_elements, json_node
from spaceport.kit.filters.geo import in_range, point_text
from spaceport.kit.filters.parsing import bad
from spaceport.kit.filters.targets import Context, Expr, Target

COMPARISONS = {"gt": "__gt__", "gte": "__ge__", "lt": "__lt__", "lte": "__le__"}


class Operand(Protocol):
    """One property seen by the operators: a typed column or a JSON value of unknown type."""

    def value(self, raw: Any, part: str) -> Any: ...  # the filter value coerced, None for null
    def absent(self) -> Expr: ...
    def present(self) -> Expr: ...
    def equals(self, value: Any) -> Expr: ...
    def one_of(self, values: list[Any]) -> Expr: ...
    def compare(self, op: str, value: Any) -> Expr: ...
    def text(self, part: str) -> Expr: ...  # NULL unless the value is a string
    def point(self, part: str) -> tuple[Expr, Expr]: ...  # latitude, longitude; NULL if none


def build(target: Target, ctx: Context, part: str, test: Callable[[Operand], Expr]) -> Expr:
    """`test` applied to the property; for a JSON array, to any one element (COMPAT §4.1)."""
    if target.is_array:
        elements = array_elements(target, ctx)
        return elements.any(test(_Json(elements.node, ctx)))
    return test(operand(target, ctx, part))


def operand(target: Target, ctx: Context, part: str) -> Operand:
    if not target.is_json:
        return Typed(target, ctx)
    if not target.path:
        raise bad(f"`{part}`: filter on a path inside `{target.name}`, like `{target.name}.key`")
    return _Json(json_node(target, ctx), ctx)


def _sql_compare(left: Expr, op: str, right: Any) -> Expr:
    result: Expr = getattr(left, COMPARISONS[op])(right)
    return result


class Typed:
    """A top-level column: filter values are coerced to its type (COMPAT §4.1)."""

    def __init__(self, target: Target, ctx: Context) -> None:
        self.name = target.name
        self.col: Expr = target.column
        self.kind = _kind_of(target)
        self.ctx = ctx

    def value(self, raw: Any, part: str) -> Any:
        if raw is None or (raw == "null" and self.kind != "string"):
            return None
        return COERCE[self.kind](raw, part)

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
        return self.ctx.code_point_order(self.col) if self.kind == "string" else self.col

    def text(self, part: str) -> Expr:
        if self.kind != "string":
            raise bad(f"`{part}` needs a text property, `{self.name}` is not")
        return self.col

    def point(self, part: str) -> tuple[Expr, Expr]:
        return point_text(self.text(part), self.ctx)


def _kind_of(target: Target) -> str:
    stored = target.column.type
    if isinstance(stored, Money):  # fixed-point integers underneath
        return "money"
    if isinstance(stored, TypeDecorator):  # UTCDateTime is a DateTime underneath
        stored = stored.impl_instance
    for sql_type, name in _KINDS:
        if isinstance(stored, sql_type):
            return name
    raise bad(f"property `{target.name}` cannot be filtered")


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


class _Json:
    """A JSON path: the filter value's type decides how it compares (COMPAT §4.1)."""

    def __init__(self, node: JsonNode, ctx: Context) -> None:
        self.node = node
        self.ctx = ctx

    def value(self, raw: Any, part: str) -> Any:
        return loose(raw, part)

    def absent(self) -> Expr:
        return self.node.is_absent()

    def present(self) -> Expr:
        return not_(self.node.is_absent())

    def equals(self, value: Loose) -> Expr:
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

    def one_of(self, values: list[Loose]) -> Expr:
        return or_(false(), *(self.equals(value) for value in values))

    def compare(self, op: str, value: Loose) -> Expr:
        if value.number is not None:
            return _sql_compare(self.node.number(), op, self._number(value.number))
        return _sql_compare(self.ctx.code_point_order(self.node.text()), op, value.text)

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
        lat = in_range(self.node.child("lat").number(), 90)
        lng = in_range(self.node.child("lng").number(), 180)
        text_lat, text_lng = point_text(self.node.text(), self.ctx)
        return func.coalesce(lat, text_lat), func.coalesce(lng, text_lng)
