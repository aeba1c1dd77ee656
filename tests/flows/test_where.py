"""The where language on JSON values (FLOWS §F4.1, FLOWS §F5.3 with COMPAT §4.1's operators and
JSON-path rules), and what a save refuses of it (FLOWS §F3.3)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from spaceport.flows.where import matches, problems

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
