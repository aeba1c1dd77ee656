"""COMPAT §4.1: filter values coerced to the column's type, or read loosely against JSON."""

from __future__ import annotations

from typing import Any

import pytest

from spaceport.kit.db import Database
from tests.kit.filters.probes import assert_refused, ids


def test_equality_coerces_bracket_strings_to_the_column_type(db: Database) -> None:
    assert ids(db, {"name": "Estimate 2019-001"}) == ["p3"]
    assert ids(db, {"qty": "2"}) == ["p2"]
    assert ids(db, {"paid": "true"}) == ["p1", "p3"]
    assert ids(db, {"paid": "0"}) == ["p2", "p4", "p5", "p6"]
    assert ids(db, {"amount": "10.5"}) == ["p1"]
    assert ids(db, {"due": "2018-05-01"}) == ["p2"]
    assert ids(db, {"id": "p6"}) == ["p6"]


def test_equality_with_null_is_is_null(db: Database) -> None:
    assert ids(db, {"name": None}) == ["p4"]
    assert ids(db, {"qty": "null"}) == ["p4"]


def test_custom_paths_match_numbers_strings_and_booleans_alike(db: Database) -> None:
    assert ids(db, {"custom.n": "42"}) == ["p1", "p2"]
    assert ids(db, {"custom.n": 42}) == ["p1", "p2"]
    assert ids(db, {"custom.s": "42"}) == ["p6"]
    assert ids(db, {"custom.flag": "true"}) == ["p1", "p2"]
    assert ids(db, {"custom.n": "true"}) == ["p6"]
    assert ids(db, {"custom.n": None}) == ["p4", "p5"]  # missing or JSON null
    assert ids(db, {"custom.n": {"neq": None}}) == ["p1", "p2", "p3", "p6"]
    assert ids(db, {"custom.n": {"neq": "42"}}) == ["p3", "p6"]
    assert ids(db, {"custom.n": {"inq": ["7.5", "true"]}}) == ["p3", "p6"]
    assert ids(db, {"custom.n": {"nin": ["7.5", "true"]}}) == ["p1", "p2"]


def test_null_as_a_string_also_matches_missing_custom_values(db: Database) -> None:
    assert ids(db, {"custom.n": "null"}) == ["p4", "p5"]
    assert ids(db, {"custom.n": {"neq": "null"}}) == ["p1", "p2", "p3", "p6"]


@pytest.mark.parametrize(
    ("where", "named"),
    [
        ({"qty": "abc"}, "`where.qty` expects an integer, got `abc`"),
        ({"qty": {"gt": "1.5"}}, "`where.qty.gt` expects an integer"),
        ({"amount": {"lt": "ten"}}, "`where.amount.lt` expects a number"),
        ({"amount": "1.00001"}, "`where.amount` expects an amount with at most 4 decimals"),
        ({"amount": "1e30"}, "`where.amount` expects an amount"),
        ({"qty": 2**31}, "`where.qty` is out of range"),  # PostgreSQL casts to its INTEGER
        ({"qty": {"inq": ["1", str(-(2**70))]}}, "`where.qty.inq` is out of range"),
        ({"name": "a\x00b"}, "`where.name` contains a NUL character"),
        ({"custom.s": "\ud800"}, "`where.custom.s` is not valid UTF-8 text"),
        ({"paid": "perhaps"}, "`where.paid` expects true or false"),
        ({"due": {"gt": "yesterday"}}, "`where.due.gt` expects a date"),
        ({"custom.a": {"inq": [{"x": 1}]}}, "`where.custom.a.inq` expects a value"),
    ],
)
def test_malformed_where_is_400_naming_the_part(where: dict[str, Any], named: str) -> None:
    assert_refused(where, named)
