"""List and count endpoints: the filter language applied in SQL (COMPAT §4.1, COMPAT §4.5)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from spaceport.kit.db import Base
from spaceport.kit.filters import (
    Filter,
    apply_filter,
    count_stmt,
    parse_filter,
    parse_where,
    project,
)

M = TypeVar("M", bound=Base)


def dialect_of(session: Session) -> str:
    return session.get_bind().dialect.name


def find_all(
    session: Session, model: type[M], conditions: Sequence[ColumnElement[bool]], flt: Filter
) -> list[M]:
    stmt = apply_filter(select(model).where(*conditions), flt, model, dialect_of(session))
    return list(session.scalars(stmt))


def count(
    session: Session,
    model: type[M],
    conditions: Sequence[ColumnElement[bool]],
    query: Mapping[str, Any],
) -> int:
    """COMPAT §4.5: count takes `where` only; soft-deleted instances never count."""
    base = select(model.id).where(*conditions)  # type: ignore[attr-defined]
    stmt = count_stmt(base, parse_where(query), model, dialect_of(session))
    return session.scalar(stmt) or 0


def answer_list(
    rows: Iterable[M], flt: Filter, serialize: Callable[[M], dict[str, Any]]
) -> list[dict[str, Any]]:
    return [project(serialize(row), flt.fields) for row in rows]


__all__ = ["Filter", "answer_list", "count", "dialect_of", "find_all", "parse_filter", "project"]
