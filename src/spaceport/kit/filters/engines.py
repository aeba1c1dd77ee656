"""A value inside a JSON column, in each engine's own functions: SQLite's json_type /
json_extract on JSON text, PostgreSQL's jsonb_typeof / `#>` / `#>>` on JSONB. Each answers
the same questions (its type, its text, its number) without casting a value of the wrong type,
so the engines agree on every JSON path (COMPAT §4.1)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import (
    Numeric,
    String,
    Text,
    and_,
    bindparam,
    case,
    cast,
    column,
    func,
    or_,
    select,
    true,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.sql.selectable import TableValuedAlias

from spaceport.kit.filters.targets import Context, Expr, Target


class JsonNode(Protocol):
    """A value inside a JSON document, in one dialect's functions."""

    def is_string(self) -> Expr: ...
    def is_number(self) -> Expr: ...
    def is_bool(self, value: bool) -> Expr: ...
    def is_absent(self) -> Expr: ...  # missing key or JSON null
    def text(self) -> Expr: ...  # the string, NULL for any other type
    def number(self) -> Expr: ...  # the number, NULL for any other type
    def child(self, key: str) -> JsonNode: ...


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

    def child(self, key: str) -> JsonNode:
        return _SqliteNode(self.doc, self.path + _sqlite_path((key,), ""))


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

    def child(self, key: str) -> JsonNode:
        return _PostgresNode(self.doc, (*self.path, key))


def json_node(target: Target, ctx: Context) -> JsonNode:
    """The value at the target's path inside its JSON column."""
    if ctx.postgres:
        return _PostgresNode(target.column, target.path)
    return _SqliteNode(target.column, _sqlite_path(target.path))


@dataclass(frozen=True)
class Elements:
    """The elements of a JSON array column as rows, to ask whether any one of them matches."""

    rows: TableValuedAlias
    node: JsonNode  # the target's path inside the element of the current row
    guard: Expr  # the column holds an array

    def any(self, condition: Expr) -> Expr:
        return and_(self.guard, select(self.rows.c[0]).where(condition).exists())


def array_elements(target: Target, ctx: Context) -> Elements:
    doc = target.column
    if ctx.postgres:
        # jsonb_array_elements raises on a non-array: feed it an empty array instead
        array = case((func.jsonb_typeof(doc) == "array", doc), else_=func.jsonb_build_array())
        rows = func.jsonb_array_elements(array).table_valued(column("value", JSONB)).alias()
        return Elements(rows, _PostgresNode(rows.c.value, target.path), true())
    # address each element through the whole document: json_each's `value` of a string
    # element is bare text that the JSON functions would reject
    rows = func.json_each(doc).table_valued(column("fullkey", String)).alias()
    node = _SqliteNode(doc, rows.c.fullkey + _sqlite_path(target.path, ""))
    return Elements(rows, node, func.json_type(doc) == "array")


def _sqlite_path(path: tuple[str, ...], root: str = "$") -> str:
    return root + "".join(f'."{key}"' for key in path)
