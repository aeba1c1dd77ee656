"""What a `where` or `order` key names (COMPAT §4.1): a property of the model's wire shape, or a
path inside one of its JSON columns (`custom.a.b`, `_documentClient.name`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import JSON, Column, ColumnElement, collate
from sqlalchemy.orm import ColumnProperty, InstrumentedAttribute

from spaceport.kit.db import Base
from spaceport.kit.filters.coercion import sql_text
from spaceport.kit.filters.parsing import bad
from spaceport.kit.serialize import api_columns

Expr = ColumnElement[Any]


@dataclass(frozen=True)
class Context:
    """The engine a filter runs on and the wire properties of the model it runs over."""

    dialect: str
    columns: Mapping[str, InstrumentedAttribute[Any]]

    @property
    def postgres(self) -> bool:
        return self.dialect == "postgresql"

    def code_point_order(self, text: Expr) -> Expr:
        """Text that compares by code point: PostgreSQL's locale collation orders text unlike
        SQLite's byte order (COMPAT §4.1)."""
        return collate(text, "C") if self.postgres else text


@dataclass(frozen=True)
class Target:
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

    def child(self, key: str) -> Target:
        return Target(f"{self.name}.{key}", self.column, (*self.path, _path_key(key, self.name)))


def context(model: type[Base], dialect: str) -> Context:
    if dialect not in ("sqlite", "postgresql"):
        raise ValueError(f"unsupported dialect {dialect!r}")
    return Context(dialect, api_columns(model))


def target(key: str, ctx: Context, part: str) -> Target:
    """A top-level property, or a `custom.*` / embedded JSON path (COMPAT §4.1)."""
    if key in ctx.columns:
        return Target(key, _column_of(ctx.columns[key]))
    head, _, rest = key.partition(".")
    attr = ctx.columns.get(head)
    if not rest or attr is None or not isinstance(_column_of(attr).type, JSON):
        raise bad(f"unknown property `{key}` in `{part}`")
    found = Target(head, _column_of(attr))
    for segment in rest.split("."):
        found = found.child(segment)
    return found


def _column_of(attr: InstrumentedAttribute[Any]) -> Column[Any]:
    prop = attr.property
    assert isinstance(prop, ColumnProperty)
    col = prop.columns[0]
    assert isinstance(col, Column)
    return col


def _path_key(key: str, parent: str) -> str:
    # SQLite's JSON path quotes keys with `"` and cannot escape a quote inside one.
    if not key or '"' in key or "\\" in key:
        raise bad(f"invalid path segment `{key}` under `{parent}`")
    return sql_text(key, parent)
