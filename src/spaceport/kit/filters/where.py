"""`where` compiled to one SQL condition (COMPAT §4.1), with identical results on SQLite and
PostgreSQL. Where the LoopBack connectors disagree with each other, these rules hold:

- `neq`, `nin` and `nlike` follow the SQL connectors: they never match a missing value
  (`col != v`, NULL rows stay out); `neq: null` is `IS NOT NULL`, `{x: null}` is `IS NULL`.
- `like`/`nlike`: a pattern containing `%` or `_` is SQL LIKE (whole value, case-sensitive,
  `\\` escapes); any other pattern is a regular expression searched in the value, as the
  reference's `like: "2018.*"` expects. Both run as regular expressions (see `regex`), so
  SQLite's case-insensitive LIKE never makes the engines differ. `options: "i"` ignores case.
- A JSON path (`custom.a.b`, `_documentClient.name`) holds a value of unknown type: a filter
  value `"42"` matches a stored 42 and a stored "42", `"true"` a stored true and "true", `null`
  (or `"null"`) a missing key or JSON null. `gt`/`gte`/`lt`/`lte`/`between` compare numerically
  against stored numbers when the filter value is a number, else as text against stored strings.
  Regular expressions only match stored strings.
- A path into a JSON array column (`_documentItems.name`) matches when any element matches; all
  operators given for one property must hold for the same element.
- `near` takes a point as `"lat,lng"` (or the reference's `"153.536,-28.1"`, read as lng,lat
  because 153.536 is no latitude), `[lat, lng]` or `{lat, lng}`; it filters points stored as
  `{"lat": .., "lng": ..}` or `"lat,lng"` by haversine distance (`maxDistance`, `unit`, default
  miles); see `geo`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import ColumnElement, and_, false, not_, or_, true

from spaceport.kit.db import Base
from spaceport.kit.filters import regex
from spaceport.kit.filters.geo import near
from spaceport.kit.filters.operands import COMPARISONS, Operand, build
from spaceport.kit.filters.parsing import as_list, bad, is_index_map
from spaceport.kit.filters.targets import Context, Expr, Target, context, target

_REGEX_OPERATORS = frozenset({"like", "nlike", "ilike", "nilike", "regexp"})
_OPERATORS = frozenset(
    {"eq", "neq", "between", "inq", "nin", "near", *_REGEX_OPERATORS, *COMPARISONS}
)
# the reference's JS example spells `unit` as `units`
_MODIFIERS = {"options": _REGEX_OPERATORS, "maxDistance": {"near"}, "unit": {"near"}}
_MODIFIERS["units"] = _MODIFIERS["unit"]


def compile_where(where: Mapping[str, Any], model: type[Base], dialect: str) -> ColumnElement[bool]:
    """`where` as one SQL condition over `model` (COMPAT §4.1)."""
    return where_condition(where, context(model, dialect), "where")


def where_condition(where: Any, ctx: Context, part: str) -> Expr:
    if not isinstance(where, Mapping):
        raise bad(f"`{part}` must be an object")
    return and_(true(), *(_clause(str(key), value, ctx, part) for key, value in where.items()))


def _clause(key: str, value: Any, ctx: Context, parent: str) -> Expr:
    part = f"{parent}.{key}"
    if key in ("and", "or"):
        subs = [
            where_condition(sub, ctx, f"{part}.{i}") for i, sub in enumerate(as_list(value, part))
        ]
        return and_(true(), *subs) if key == "and" else or_(false(), *subs)
    return _condition(target(key, ctx, parent), value, ctx, part)


def _condition(found: Target, value: Any, ctx: Context, part: str) -> Expr:
    if isinstance(value, Mapping) and not is_index_map(value):
        if not any(key in _OPERATORS for key in value):
            return _nested(found, value, ctx, part)
        _check_modifiers(value, part)
        ops = [(str(op), arg) for op, arg in value.items() if op in _OPERATORS]
        return build(found, ctx, part, lambda o: _all_ops(o, ops, value, part))
    if isinstance(value, list | Mapping):
        return build(found, ctx, part, lambda o: _inq(o, value, part))
    return build(found, ctx, part, lambda o: _eq(o, value, part))


def _nested(found: Target, value: Mapping[str, Any], ctx: Context, part: str) -> Expr:
    """`{"custom": {"a": "1"}}` (what bracket keys `[custom][a]=1` give) means `custom.a`."""
    if not value:
        raise bad(f"`{part}` has no condition")
    if not found.is_json or found.is_array:
        raise bad(f"`{part}`: unknown operator `{next(iter(value))}`")
    return and_(*(_condition(found.child(str(k)), v, ctx, f"{part}.{k}") for k, v in value.items()))


def _check_modifiers(value: Mapping[str, Any], part: str) -> None:
    for key in value:
        if key in _OPERATORS:
            continue
        if key not in _MODIFIERS:
            raise bad(f"`{part}`: unknown operator `{key}`")
        if not _MODIFIERS[key] & set(value):
            raise bad(f"`{part}.{key}` needs one of {', '.join(sorted(_MODIFIERS[key]))}")


def _all_ops(
    operand: Operand, ops: list[tuple[str, Any]], mods: Mapping[str, Any], part: str
) -> Expr:
    return and_(*(_operator(operand, op, arg, mods, f"{part}.{op}") for op, arg in ops))


def _operator(operand: Operand, op: str, arg: Any, mods: Mapping[str, Any], part: str) -> Expr:
    if op in COMPARISONS:
        return operand.compare(op, _required(operand, arg, part))
    if op in _REGEX_OPERATORS:
        return _regex_op(operand, op, arg, mods, part)
    if op == "near":
        return near(operand, arg, mods, part)
    return _SIMPLE_OPERATORS[op](operand, arg, part)


def _required(operand: Operand, arg: Any, part: str) -> Any:
    value = operand.value(arg, part)
    if value is None:
        raise bad(f"`{part}` needs a value, not null")
    return value


def _eq(operand: Operand, arg: Any, part: str) -> Expr:
    value = operand.value(arg, part)
    return operand.absent() if value is None else operand.equals(value)


def _neq(operand: Operand, arg: Any, part: str) -> Expr:
    """`neq` never matches a missing value, as in LoopBack's SQL connectors (`col != v`)."""
    value = operand.value(arg, part)
    if value is None:
        return operand.present()
    return and_(operand.present(), not_(operand.equals(value)))


def _between(operand: Operand, arg: Any, part: str) -> Expr:
    bounds = as_list(arg, part)
    if len(bounds) != 2:
        raise bad(f"`{part}` needs two values")
    low, high = (_required(operand, bound, part) for bound in bounds)
    return and_(operand.compare("gte", low), operand.compare("lte", high))


def _listed(operand: Operand, arg: Any, part: str) -> tuple[list[Any], bool]:
    """The values of `inq`/`nin` (a single value counts as a list of one) and whether null is one
    of them."""
    raw = as_list(arg, part) if isinstance(arg, list | tuple | Mapping) else [arg]
    values = [operand.value(item, part) for item in raw]
    return [value for value in values if value is not None], None in values


def _inq(operand: Operand, arg: Any, part: str) -> Expr:
    values, null = _listed(operand, arg, part)
    found = operand.one_of(values) if values else false()
    return or_(found, operand.absent()) if null else found


def _nin(operand: Operand, arg: Any, part: str) -> Expr:
    values, _null = _listed(operand, arg, part)
    if not values:
        return operand.present()
    return and_(operand.present(), not_(operand.one_of(values)))


_SIMPLE_OPERATORS: dict[str, Callable[[Operand, Any, str], Expr]] = {
    "eq": _eq,
    "neq": _neq,
    "between": _between,
    "inq": _inq,
    "nin": _nin,
}


def _regex_op(operand: Operand, op: str, arg: Any, mods: Mapping[str, Any], part: str) -> Expr:
    pattern = regex.pattern(op, arg, mods.get("options"), part)
    text = operand.text(part)
    matched = text.regexp_match(pattern)
    if op in ("nlike", "nilike"):
        return and_(text.is_not(None), not_(matched))
    return matched
