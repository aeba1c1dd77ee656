"""A `Filter` applied to a SELECT (COMPAT §4.1, COMPAT §4.2, COMPAT §4.5): its `where`, soft delete
(COMPAT §5.1), the order, `limit` and `skip`; the count of a `where` (COMPAT §4.5). Text orders by
code point on both engines (PostgreSQL compares with COLLATE "C"); without an `order`, a `near`
sorts the results by distance."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, case, func, select

from spaceport.kit.db import Base
from spaceport.kit.filters.engines import json_node
from spaceport.kit.filters.geo import distance
from spaceport.kit.filters.operands import Typed, operand
from spaceport.kit.filters.parsing import Filter, as_list, bad
from spaceport.kit.filters.targets import Context, Expr, Target, context, target
from spaceport.kit.filters.where import compile_where, where_condition

_T = TypeVar("_T", bound=Any)


def apply_filter(stmt: Select[_T], flt: Filter, model: type[Base], dialect: str) -> Select[_T]:
    """`stmt` narrowed by the filter's where, soft delete, order, limit and skip (COMPAT §4.1,
    COMPAT §4.2, COMPAT §4.5, COMPAT §5.1)."""
    ctx = context(model, dialect)
    stmt = stmt.where(where_condition(flt.where, ctx, "where"))
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


def order_by(
    order: list[tuple[str, bool]], model: type[Base], dialect: str
) -> list[ColumnElement[Any]]:
    """ORDER BY terms; `id` breaks ties so paging is stable (COMPAT §4.2). Missing values sort
    first ascending and last descending on both engines."""
    ctx = context(model, dialect)
    terms: list[ColumnElement[Any]] = []
    for name, descending in order:
        found = target(name, ctx, "order")
        keys = _json_order_keys(found, ctx) if found.is_json else [_typed_order_key(found, ctx)]
        for key, nullable in keys:
            terms.append(_direction_of(key, descending, nullable))
    terms.append(getattr(model, "id").asc())  # noqa: B009 - Base declares no id
    return terms


def _not_deleted(model: type[Base]) -> Expr | None:
    """COMPAT §5.1: soft-deleted instances leave every query unless `deleted` is asked for."""
    flag = getattr(model, "is_deleted", None)
    return None if flag is None else flag.is_(False)


def _near_distance(where: Mapping[str, Any], ctx: Context) -> Expr | None:
    """The distance of a top-level `near` (also inside a top-level `and`), to sort by."""
    for key, value in where.items():
        if key == "and" and isinstance(value, list | Mapping):
            for sub in as_list(value, "where.and"):
                found = _near_distance(sub, ctx) if isinstance(sub, Mapping) else None
                if found is not None:
                    return found
        elif isinstance(value, Mapping) and "near" in value:
            located = target(str(key), ctx, "where")
            if located.is_array:
                continue
            part = f"where.{key}.near"
            return distance(operand(located, ctx, part), value["near"], value, part)
    return None


def _direction_of(key: Expr, descending: bool, nullable: bool) -> ColumnElement[Any]:
    if descending:
        return key.desc().nulls_last() if nullable else key.desc()
    return key.asc().nulls_first() if nullable else key.asc()


def _typed_order_key(found: Target, ctx: Context) -> tuple[Expr, bool]:
    return Typed(found, ctx).ordered(), bool(found.column.nullable)


def _json_order_keys(found: Target, ctx: Context) -> list[tuple[Expr, bool]]:
    """A JSON path sorts missing/null first, then numbers, strings, false, true, the rest."""
    if found.is_array or not found.path:
        raise bad(f"`order` cannot sort by `{found.name}`")
    node = json_node(found, ctx)
    rank = case(
        (node.is_absent(), 0),
        (node.is_number(), 1),
        (node.is_string(), 2),
        (node.is_bool(False), 3),
        (node.is_bool(True), 4),
        else_=5,
    )
    return [(rank, False), (node.number(), True), (ctx.code_point_order(node.text()), True)]
