"""`near` (reference "Where operators"): points filtered and sorted by distance."""

from __future__ import annotations

from typing import Any

import pytest

from spaceport.kit.db import Database
from tests.kit.filters.probes import assert_refused, ids, listed


def test_near_filters_by_distance(db: Database) -> None:
    # the reference's point, "153.536,-28.1", is longitude first
    near = {"near": "153.536,-28.1", "maxDistance": "20", "unit": "kilometers"}
    assert ids(db, {"place": near}) == ["p1", "p2"]
    assert ids(db, {"place": {**near, "maxDistance": 5}}) == ["p1"]
    assert ids(db, {"place": {"near": "-28.1,153.536", "maxDistance": 5, "units": "meters"}}) == [
        "p1"
    ]
    assert ids(db, {"place": {"near": [-28.1, 153.536]}}) == ["p1", "p2", "p4"]
    assert ids(db, {"custom.loc": {"near": {"lat": "-28", "lng": "153.5"}, "maxDistance": 20}}) == [
        "p1"
    ]


def test_near_sorts_by_distance_without_an_order(db: Database) -> None:
    near = {"place": {"near": "51.5,-0.12"}}
    assert listed(db, {"filter": {"where": near}}) == ["p4", "p2", "p1"]
    assert listed(db, {"filter": {"where": {"and": [{"paid": "false"}, near]}}}) == ["p4", "p2"]
    assert listed(db, {"filter": {"where": near, "order": "id ASC"}}) == ["p1", "p2", "p4"]


@pytest.mark.parametrize(
    ("where", "named"),
    [
        ({"place": {"near": "north"}}, "`where.place.near` must be a point"),
        ({"place": {"near": "1,2", "unit": "parsecs"}}, "unit must be one of"),
        ({"place": {"near": "100,200"}}, "is not a point on earth"),
    ],
)
def test_malformed_where_is_400_naming_the_part(where: dict[str, Any], named: str) -> None:
    assert_refused(where, named)
