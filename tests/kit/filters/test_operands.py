"""COMPAT §4.1: comparisons of typed columns and of JSON values of unknown type."""

from __future__ import annotations

from typing import Any

import pytest

from spaceport.kit.db import Database
from tests.kit.filters.probes import assert_refused, ids


def test_gt_gte_lt_lte_on_dates_numbers_and_text(db: Database) -> None:
    assert ids(db, {"due": {"gt": "2018-04-01T18:30:00.000Z"}}) == ["p2", "p3", "p6"]
    assert ids(db, {"due": {"gte": "2018-04-01T18:30:00.000Z"}}) == ["p1", "p2", "p3", "p6"]
    assert ids(db, {"due": {"lt": "2019-01-15"}}) == ["p1", "p2"]  # date-only: midnight UTC
    assert ids(db, {"due": {"lte": "2019-01-15"}}) == ["p1", "p2", "p3"]
    assert ids(db, {"amount": {"gt": "10.5"}}) == ["p2", "p6"]
    assert ids(db, {"qty": {"lte": 2}}) == ["p1", "p2"]
    # text compares by code point on both engines: "a_b%c" and "invoice…" sort after "I"
    assert ids(db, {"name": {"gt": "Invoice"}}) == ["p1", "p2", "p6"]
    assert ids(db, {"name": {"lt": "a"}}) == ["p1", "p3", "p5"]


def test_custom_comparisons_are_numeric_for_numbers_and_textual_otherwise(db: Database) -> None:
    assert ids(db, {"custom.n": {"gt": "10"}}) == ["p1"]  # the string "42" is not a number
    assert ids(db, {"custom.n": {"lt": 10}}) == ["p3"]
    assert ids(db, {"custom.n": {"between": ["7", "42"]}}) == ["p1", "p3"]
    assert ids(db, {"custom.s": {"gt": "blue"}}) == ["p1"]  # "Red" and "42" sort before
    assert ids(db, {"custom.s": {"gte": "Red"}}) == ["p1", "p2", "p3"]


@pytest.mark.parametrize(
    ("where", "named"),
    [
        ({"qty": {"like": "1%"}}, "needs a text property"),
        ({"custom": "x"}, "filter on a path inside `custom`"),
    ],
)
def test_malformed_where_is_400_naming_the_part(where: dict[str, Any], named: str) -> None:
    assert_refused(where, named)
