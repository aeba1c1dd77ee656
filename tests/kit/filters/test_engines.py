"""COMPAT §4.1: JSON arrays read in each engine's own functions: any one element matches."""

from __future__ import annotations

from spaceport.kit.db import Database
from tests.kit.filters.probes import ids


def test_embedded_array_paths_match_any_element(db: Database) -> None:
    assert ids(db, {"_lines.name": "Fuel"}) == ["p1", "p2"]
    assert ids(db, {"_lines.name": {"inq": ["Rocket"]}}) == ["p1", "p4"]
    assert ids(db, {"_lines.qty": "3"}) == ["p2"]  # stored as the string "3"
    assert ids(db, {"_lines.qty": {"gt": "5"}}) == ["p1"]
    assert ids(db, {"_lines.name": {"like": "^rocket$", "options": "i"}}) == ["p1", "p4", "p6"]


def test_operators_of_one_array_property_hold_for_the_same_element(db: Database) -> None:
    assert ids(db, {"_lines.qty": {"gt": "1", "lt": "3"}}) == ["p1", "p6"]
    assert ids(db, {"_lines.qty": {"gt": "5", "lt": "3"}}) == []
    # two properties are two conditions: Rocket and qty 10 are different elements of p1
    assert ids(db, {"_lines.name": "Rocket", "_lines.qty": "10"}) == ["p1"]
