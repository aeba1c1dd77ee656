"""COMPAT §4.1: what a key names, a property or a path inside a JSON column."""

from __future__ import annotations

from typing import Any

import pytest

from spaceport.kit.db import Database
from tests.kit.filters.probes import assert_refused, ids, query_string


def test_nested_custom_paths_in_dot_and_bracket_form(db: Database) -> None:
    assert ids(db, {"custom.o.k": "deep"}) == ["p3"]
    assert ids(db, query_string("filter[where][custom][o][k]=deep")["filter"]["where"]) == ["p3"]
    assert ids(db, {"custom.o.k": {"like": "^de"}}) == ["p3"]


def test_embedded_object_paths(db: Database) -> None:
    assert ids(db, {"_client.name": "Acme"}) == ["p1"]
    assert ids(db, {"_client.name": {"like": "acme", "options": "i"}}) == ["p1", "p2"]
    assert ids(db, {"_client.name": {"regexp": "^Ω"}}) == ["p6"]
    assert ids(db, {"_client.name": None}) == ["p4", "p5"]


@pytest.mark.parametrize(
    ("where", "named"),
    [
        ({"nope": 1}, "unknown property `nope` in `where`"),
        ({"or": [{"nope.x": 1}]}, "unknown property `nope.x` in `where.or.0`"),
        ({'custom.a"b': 1}, "invalid path segment"),
    ],
)
def test_malformed_where_is_400_naming_the_part(where: dict[str, Any], named: str) -> None:
    assert_refused(where, named)
