"""Search served by a trigram index (issue 13 point 5): the index only narrows the candidates, the
search's own condition (a LIKE or a regular expression, unchanged) still decides each match.

A searchable table keeps its folded text in `search_text`. On PostgreSQL a GIN index of
`pg_trgm` (`gin_trgm_ops`) over it serves `search_text LIKE '%literal%'`; on SQLite an FTS5
table `<table>_search` with the trigram tokenizer holds the same text under the row's rowid
(triggers keep it in step with every insert, update and delete; VACUUM keeps the rowids of
tables that declare none, as it copies rows as they are) and serves `MATCH '"literal"'`. Both
find exactly the rows whose text contains the literal; a literal shorter than three characters
has no trigram, and the search scans as it always did.
"""

from __future__ import annotations

import _sre  # type: ignore[import-not-found]  # the case mapping Python's re itself uses
import re
from functools import cache
from typing import Any, Final

from sqlalchemy import ColumnElement, Select, case, func, literal_column, select, table, true
from sqlalchemy.orm import QueryableAttribute, Session

from spaceport.kit.filters import Filter
from spaceport.kit.repository import M, Repository

# searchable table -> the FTS5 table that indexes its `search_text` on SQLite
FTS_TABLES: Final = {
    "clients": "clients_search",
    "items": "items_search",
    "documents": "documents_search",
}


def is_index_table(name: str | None) -> bool:
    """An FTS5 table of the search or one of its shadow tables (`<fts>_data`, ...): made by
    the migrations, never declared as a model."""
    found = name or ""
    return any(found == fts or found.startswith(f"{fts}_") for fts in FTS_TABLES.values())


SHORTEST: Final = 3  # a trigram's length: shorter literals have nothing to look up


def escape_like(text: str) -> str:
    """`text` as a literal inside a LIKE pattern whose escape character is a backslash."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _phrase_rows(model: type[Any], literal: str) -> Select[Any]:
    """The rowids SQLite's FTS5 table of `model` finds for `literal`, as one phrase."""
    fts = FTS_TABLES[model.__tablename__]
    phrase = '"' + literal.replace('"', '""') + '"'  # FTS5: one string, its trigrams in a row
    return (
        select(literal_column("rowid"))
        .select_from(table(fts))
        .where(literal_column(fts).op("MATCH")(phrase))
    )


def holding(model: type[Any], literal: str) -> ColumnElement[bool]:
    """`search_text LIKE '%literal%'`: exactly the rows whose text contains `literal`."""
    column: ColumnElement[str] = model.search_text
    return column.like(f"%{escape_like(literal)}%", escape="\\")


def containing(model: type[Any], literal: str, dialect: str) -> ColumnElement[bool]:
    """The rows of `model` whose `search_text` contains `literal`, found through the trigram
    index; every row when the literal is too short to have a trigram."""
    if len(literal) < SHORTEST:
        return true()
    if dialect == "postgresql":
        return holding(model, literal)  # the GIN index of pg_trgm serves this LIKE
    return literal_column(f"{model.__tablename__}.rowid").in_(_phrase_rows(model, literal))


LAST_CODE_POINT: Final = 0x10FFFF
SURROGATES: Final = range(0xD800, 0xE000)  # no character: never in a text, nor its successor


def starting_with(
    column: QueryableAttribute[str], prefix: str, dialect: str
) -> list[ColumnElement[bool]]:
    """The rows whose `column` starts with `prefix` (not empty), as a range of the column that a
    B-tree index serves: from `prefix` up to the first text past every text starting with it,
    in code point order. SQLite compares texts as UTF-8 bytes (BINARY), which is that order;
    PostgreSQL's `~>=~` and `~<~` compare bytes whatever the collation, served by an index
    with `text_pattern_ops`."""
    postgres = dialect == "postgresql"
    ranges = [column.op("~>=~")(prefix) if postgres else column >= prefix]
    bound = past(prefix)
    if bound is not None:
        ranges.append(column.op("~<~")(bound) if postgres else column < bound)
    return ranges


def past(prefix: str) -> str | None:
    """The least text greater than every text starting with `prefix`: its last character that
    has a successor, made that successor (the surrogates are no characters); None when every
    character is the last code point."""
    kept = prefix.rstrip(chr(LAST_CODE_POINT))
    if not kept:
        return None
    successor = ord(kept[-1]) + 1
    return kept[:-1] + chr(SURROGATES.stop if successor in SURROGATES else successor)


def by_name(repository: Repository[M], organization_id: str, key: str, flt: Filter) -> list[M]:
    """COMPAT §1.11's search of clients and items: the organization's rows whose `search_text`
    contains `key` (folded), best first: the name (its folded `name_key`) equal to the key, then
    starting with it, then containing it, then the rest; within a rank the filter's order.

    The names starting with the key come first: when they fill the page they are the page, put
    in order from an index of `name_key` alone (issue 13 item 5: a common term matches thousands
    of rows, and ranking them all read every one)."""
    model, dialect = repository.model, repository.dialect
    name: QueryableAttribute[str] = getattr(model, "name_key")  # noqa: B009 - not every model has it
    rank = case(
        (name == key, 0),
        (name.startswith(key, autoescape=True), 1),
        (name.contains(key, autoescape=True), 2),
        else_=3,
    )
    if key:
        starting = starting_with(name, key, dialect)
        ours = repository.in_organization(organization_id)
        page = repository.find(flt, ours, *starting, ranked=[rank])
        if len(page) == flt.limit:
            return page
    found = searched(model, organization_id, key, dialect)
    return repository.find(flt, *found, ranked=[rank])


COMMON: Final = 1000  # rows the FTS5 table finds beyond which a literal is common


def is_common(session: Session, model: type[Any], literal: str) -> bool:
    """Whether SQLite's FTS5 table finds more than `COMMON` rows holding `literal` (of every
    organization): then walking an index in the answer's order meets a page of them sooner than
    looking up every row found. Read up to `COMMON` rowids, a fraction of a millisecond."""
    if len(literal) < SHORTEST:
        return True
    found = _phrase_rows(model, literal).limit(COMMON + 1).subquery()
    return (session.scalar(select(func.count()).select_from(found)) or 0) > COMMON


def searched(
    model: type[Any], organization_id: str, literal: str, dialect: str, *, walk: bool = False
) -> list[ColumnElement[bool]]:
    """The organization's rows of `model` whose `search_text` contains `literal`: the LIKE
    decides, once (on PostgreSQL the trigram index serves that LIKE itself), `containing`
    narrows. On SQLite without statistics the planner takes an equality on an indexed column
    (the organization) for a handful of rows and would walk them all; compared as an
    expression it leaves the planner the rowids the FTS5 table found, unless asked to `walk`
    the organization's rows (in an index's order, for a literal `is_common`)."""
    column: ColumnElement[str] = model.organization_id
    if dialect == "postgresql" or len(literal) < SHORTEST:
        return [column == organization_id, holding(model, literal)]
    if not walk:
        column = column + ""  # `organization_id || ''`: the same value, no index
    return [column == organization_id, containing(model, literal, dialect), holding(model, literal)]


def like_literal(pattern: str) -> str:
    """The longest run of literal characters of a LIKE pattern (backslash escapes, as
    `kit/filters/regex` reads it: an escaped character is itself, a final backslash too): a
    value the pattern matches contains it."""
    runs, run, escaped = [], [], False
    for char in pattern:
        if escaped or char not in "%_\\":
            run.append(char)
            escaped = False
        elif char == "\\":
            escaped = True
        else:
            runs.append("".join(run))
            run = []
    if escaped:
        run.append("\\")
    runs.append("".join(run))
    return max(runs, key=len)


def caseless(text: str) -> str:
    """`text` with every character replaced by one representative of the characters a
    case-insensitive regular expression takes for it (Python's `re`, which SQLite's REGEXP
    runs, and PostgreSQL's `~` with `(?i)`; tests/kit/test_search.py checks both), one
    character for one: so a case-insensitive match of a literal in a value is a plain substring
    of `caseless(value)`."""
    return text.translate(_representatives())


@cache
def _representatives() -> dict[int, int]:
    """Code point -> its class's smallest member, for the characters not their own. A class is
    what Python's re matches alike: one simple lowercase, joined by re's extra cases (`ſ` and
    `s`, `ı` and `i`, ...)."""
    parent: dict[int, int] = {}

    def root(cp: int) -> int:
        while parent.get(cp, cp) != cp:
            cp = parent[cp]
        return cp

    def join(a: int, b: int) -> None:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    for cp in range(_CASED_BELOW):
        lower = _sre.unicode_tolower(cp)
        if lower != cp:
            join(cp, lower)
    for cp, extras in _extra_cases().items():
        for extra in extras:
            join(cp, extra)
    return {cp: root(cp) for cp in parent if root(cp) != cp}


_CASED_BELOW: Final = 0x20000  # no character from here on has a case (Unicode 15)


def _extra_cases() -> dict[int, tuple[int, ...]]:
    """re's own additions to the simple case mapping (`re._casefix`, Python 3.11+)."""
    casefix = getattr(re, "_casefix", None)
    extra: dict[int, tuple[int, ...]] = getattr(casefix, "_EXTRA_CASES", {})
    return extra
