"""The where language on JSON values (FLOWS §F4.1, FLOWS §F5.3 with COMPAT §4.1's operators and
JSON-path rules), what a save refuses of it (FLOWS §F3.3), and a static list narrowed by a
parsed filter (COMPAT §4.6)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from spaceport.kit.errors import BadRequest
from spaceport.kit.filters import parse_filter
from spaceport.kit.filters.memory import listed, matches, problems

DATA: dict[str, Any] = {
    "number": "2026-00017",
    "totalWithTax": Decimal("1234.50"),
    "draft": False,
    "note": None,
    "_documentClient": {"name": "ACME d.o.o.", "city": "Kranj"},
    "_documentItems": [{"name": "Rocket", "quantity": 2}, {"name": "Fuel", "quantity": 10}],
    "tags": ["vip", "eu"],
}


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ({"totalWithTax": {"gt": 1000}}, True),
        ({"totalWithTax": {"gt": "1234.5"}}, False),
        ({"totalWithTax": "1234.5"}, True),  # "42" matches a stored 42
        ({"totalWithTax": {"between": [1000, 2000]}}, True),
        ({"draft": "false"}, True),
        ({"note": None}, True),
        ({"missing": None}, True),
        ({"missing": {"neq": 1}}, False),  # missing never matches neq
        ({"missing": {"nin": [1]}}, False),
        ({"_documentClient.name": {"like": "ACME"}}, True),
        ({"_documentClient.name": {"like": "acme%"}}, False),
        ({"_documentClient.name": {"ilike": "acme%"}}, True),
        ({"_documentClient.name": {"regexp": "/^acme/i"}}, True),
        ({"_documentItems.name": "Fuel"}, True),  # any element
        ({"_documentItems.name": "Fuel", "_documentItems.quantity": {"lt": 5}}, True),
        ({"_documentItems": {"neq": None}}, True),
        ({"_documentItems.1.name": "Fuel"}, True),  # a number indexes a list
        ({"_documentItems.0.name": "Fuel"}, False),
        ({"tags": {"inq": ["eu", "us"]}}, True),
        ({"number": {"gte": "2026-00010"}}, True),  # text against strings
        ({"or": [{"draft": True}, {"_documentClient.city": "Kranj"}]}, True),
        ({"and": [{"draft": True}, {"_documentClient.city": "Kranj"}]}, False),
        ({"_documentClient.city": {"nlike": "^Lj"}}, True),
    ],
)
def test_matching(where: dict[str, Any], expected: bool) -> None:
    assert matches(where, DATA) is expected


def test_problems_name_their_place() -> None:
    assert problems({"a": {"inq": [1]}, "b": {"gt": 1, "lt": 5}}, "w") == []
    found = problems(
        {"a": {"between": [1]}, "or": [{"b": {"nope": 1}}], "c": {"options": "i"}}, "trigger.where"
    )
    assert found == [
        "`trigger.where.a.between` needs two values",
        "`trigger.where.or[0].b`: unknown operator `nope`",
        "`trigger.where.c.options` needs one of ilike, like, nilike, nlike, regexp",
    ]
    assert problems([], "w") == ["`w` must be an object"]


ROWS: list[dict[str, Any]] = [
    {"id": "EUR", "name": "Euro", "rank": 2, "homes": [{"code": "SI"}, {"code": "AT"}]},
    {"id": "BTC", "name": "Bitcoin", "rank": None, "homes": []},
    {"id": "USD", "name": "US Dollar", "rank": 1, "homes": [{"code": "US"}]},
]


def ids(query: dict[str, Any]) -> list[Any]:
    return [row["id"] for row in listed(ROWS, parse_filter(query), ROWS[0])]


def test_a_static_list_takes_where_order_paging_and_fields() -> None:
    """COMPAT §4.6 with COMPAT §4.1, COMPAT §4.2, COMPAT §4.4, COMPAT §4.5, in memory."""
    assert ids({"filter": {"where": {"homes.code": "AT"}}}) == ["EUR"]
    assert ids({"where": {"name": {"like": "^[EU]"}}}) == ["EUR", "USD"]
    assert ids({"filter": {"order": "rank"}}) == ["BTC", "USD", "EUR"]  # missing first
    assert ids({"filter": {"order": ["rank DESC"], "skip": "1", "limit": "1"}}) == ["USD"]
    flt = parse_filter({"filter": {"where": {"id": "EUR"}, "fields": {"name": True}}})
    assert listed(ROWS, flt, ROWS[0]) == [{"id": "EUR", "name": "Euro"}]


@pytest.mark.parametrize(
    ("clause", "message"),
    [
        ({"where": {"planet": "Mars"}}, "unknown property `planet` in `where`"),
        ({"where": {"or": [{"planet.x": 1}]}}, "unknown property `planet` in `where`"),
        ({"where": {"name": {"sounds": "x"}}}, "`where.name`: unknown operator `sounds`"),
        ({"order": "planet"}, "unknown property `planet` in `order`"),
        ({"order": "homes"}, "`order` cannot sort by `homes`"),
    ],
)
def test_a_static_list_refuses_a_bad_filter(clause: dict[str, Any], message: str) -> None:
    with pytest.raises(BadRequest) as refused:
        listed(ROWS, parse_filter({"filter": clause}), ROWS[0])
    assert refused.value.message == f"Invalid filter: {message}"
