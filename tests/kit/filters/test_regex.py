"""COMPAT §4.1: `like` and `regexp` patterns mean the same on both engines."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spaceport.kit.db import Database
from spaceport.kit.errors import BadRequest
from tests.kit.filters.probes import RandomProbe, assert_refused, ids


def test_like_is_a_regular_expression_without_wildcards(db: Database) -> None:
    assert ids(db, {"name": {"like": "2018.*"}}) == ["p1", "p2", "p5"]
    assert ids(db, {"name": {"like": "^invoice", "options": "i"}}) == ["p1", "p2"]
    assert ids(db, {"name": {"nlike": "2018.*"}}) == ["p3", "p6"]


def test_like_with_percent_or_underscore_is_sql_like(db: Database) -> None:
    assert ids(db, {"name": {"like": "Invoice%"}}) == ["p1"]  # case-sensitive on SQLite too
    assert ids(db, {"name": {"like": "invoice%", "options": "i"}}) == ["p1", "p2"]
    assert ids(db, {"name": {"ilike": "INVOICE 2018-00_"}}) == ["p1", "p2"]
    assert ids(db, {"name": {"like": "a\\_b\\%c"}}) == ["p6"]
    assert ids(db, {"name": {"like": "%2018%"}}) == ["p1", "p2", "p5"]
    assert ids(db, {"name": {"nlike": "%2018%"}}) == ["p3", "p6"]


def test_regexp_takes_plain_and_js_literal_patterns(db: Database) -> None:
    assert ids(db, {"name": {"regexp": "^invoice"}}) == ["p2"]
    assert ids(db, {"name": {"regexp": "/^invoice/i"}}) == ["p1", "p2"]
    assert ids(db, {"name": {"regexp": "^INVOICE", "options": "i"}}) == ["p1", "p2"]
    assert ids(db, {"name": {"regexp": "00[12]$"}}) == ["p1", "p2", "p3"]
    assert ids(db, {"name": {"regexp": "^(Estimate|Deleted) \\d{4}"}}) == ["p3", "p5"]


def test_dot_matches_newlines_and_dollar_is_the_very_end_on_both_engines(db: Database) -> None:
    assert ids(db, {"custom.t": {"regexp": "one.two"}}) == ["p2"]
    assert ids(db, {"custom.t": {"regexp": "a$"}}) == []  # Python's own `$` would match p1
    assert ids(db, {"custom.t": {"regexp": "^two"}}) == []
    assert ids(db, {"custom.t": {"like": "%a"}}) == []
    assert ids(db, {"custom.t": {"like": "%a_"}}) == ["p1"]


@pytest.mark.parametrize(
    ("where", "named"),
    [
        ({"name": {"regexp": "("}}, "`where.name.regexp` is not a valid regular expression"),
        ({"name": {"regexp": "a\\bc"}}, "escapes like `\\b`"),
        ({"name": {"regexp": "(?P<x>a)"}}, "group extensions"),
        ({"name": {"regexp": "a{2,999}"}}, "repetitions above 255"),
        ({"name": {"regexp": "((a{255}){255}){255}"}}, "nested repetitions beyond 10000"),
        ({"name": {"regexp": "a*+"}}, "possessive"),
        ({"name": {"regexp": "[[:alpha:]]"}}, "`[` inside a character class"),
        ({"name": {"like": "a", "options": "x"}}, "`options` may only be `i`"),
    ],
)
def test_malformed_where_is_400_naming_the_part(where: dict[str, Any], named: str) -> None:
    assert_refused(where, named)


# --- property: accepted patterns match alike ---------------------------------------------------

PATTERN_PIECES = list("abeltzAB.*+?|()[]^$-{}0123,\\dwsWDSZAnbv:=!<>P _%")
PATTERN_PIECES += ["(?:", "{2}", "{1,3}", "[a-z]", "é", "\n", "Ω", "[^a]", "\\.", "\\$"]
PATTERNS = st.lists(st.sampled_from(PATTERN_PIECES), max_size=12).map("".join)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    pattern=PATTERNS,
    op=st.sampled_from(["regexp", "like", "nlike"]),
    prop=st.sampled_from(["name", "custom.s", "_lines.name"]),
    options=st.sampled_from([{}, {"options": "i"}]),
)
def test_accepted_patterns_mean_the_same_on_both_engines(
    databases: dict[str, Database], pattern: str, op: str, prop: str, options: dict[str, str]
) -> None:
    """COMPAT §4.1: a pattern is refused with a 400 or matches the same rows everywhere."""
    where = {prop: {op: pattern, **options}}
    try:
        found = {name: ids(db, where, RandomProbe) for name, db in databases.items()}
    except BadRequest:
        return
    assert len(set(map(tuple, found.values()))) == 1, found
