"""COMPAT §4.6: a query's `filter` read into a `Filter`, from bracket keys (COMPAT §1.4) or JSON."""

from __future__ import annotations

import json
from typing import Any

import pytest

from spaceport.kit.errors import BadRequest
from spaceport.kit.filters import Filter, parse_filter, parse_where, project
from tests.kit.filters.probes import query_string


def test_parse_filter_defaults() -> None:
    assert parse_filter({}) == Filter({}, None, [], [], None, 0, False)
    assert parse_filter({"filter": "null"}) == parse_filter({"filter": ""}) == parse_filter({})


def test_parse_filter_from_bracket_keys_and_from_json_are_equal() -> None:
    brackets = parse_filter(
        query_string(
            "filter[where][type]=invoice&filter[include]=payments&filter[fields][type]=true"
            "&filter[limit]=5&filter[order][date]=DESC&filter[skip]=5&filter[deleted]=true"
        )
    )
    text = json.dumps(
        {
            "where": {"type": "invoice"},
            "include": "payments",
            "fields": {"type": True},
            "limit": 5,
            "order": "date DESC",
            "skip": 5,
            "deleted": True,
        }
    )
    assert parse_filter({"filter": text}) == brackets
    assert brackets == Filter(
        {"type": "invoice"}, {"type": True}, ["payments"], [("date", True)], 5, 5, True
    )


def test_parse_filter_normalizes_include_order_and_fields() -> None:
    assert parse_filter(query_string("filter[include][tax]=taxRate")).include == [
        {"tax": "taxRate"}
    ]
    assert parse_filter({"filter": {"include": ["payments", {"client": "documents"}]}}).include == [
        "payments",
        {"client": "documents"},
    ]
    assert parse_filter({"filter": {"order": ["date DESC", "number asc", "id"]}}).order == [
        ("date", True),
        ("number", False),
        ("id", False),
    ]
    assert parse_filter({"filter": {"order": {"date": "asc"}}}).order == [("date", False)]
    assert parse_filter({"filter": {"fields": {"note": "false"}}}).fields == {"note": False}
    assert parse_filter({"filter": {"fields": ["type", "date"]}}).fields == {
        "type": True,
        "date": True,
    }


def test_top_level_where_is_used_when_filter_has_none() -> None:
    assert parse_filter({"where": '{"type": "invoice"}'}).where == {"type": "invoice"}
    assert parse_filter({"where": {"a": "1"}, "filter": {"where": {"b": "2"}}}).where == {"b": "2"}
    assert parse_where({"filter": '{"where": {"type": "estimate"}}'}) == {"type": "estimate"}
    assert parse_where({}) == {}


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ({"filter": "{not json"}, "`filter` is not valid JSON"),
        ({"filter": "[1]"}, "`filter` must be an object"),
        ({"filter": {"limit": "-1"}}, "`limit` must be a non-negative integer"),
        ({"filter": {"limit": "five"}}, "`limit` must be a non-negative integer"),
        ({"filter": {"skip": "1.5"}}, "`skip` must be a non-negative integer"),
        ({"filter": {"offset": True}}, "`skip` must be a non-negative integer"),
        ({"filter": {"order": "date SIDEWAYS"}}, "`order`"),
        ({"filter": {"order": {"date": "UP"}}}, "`order` direction of `date`"),
        ({"filter": {"deleted": "maybe"}}, "`deleted` must be true or false"),
        ({"filter": {"fields": {"type": "yes"}}}, "`fields.type`"),
        ({"filter": {"include": [1]}}, "`include`"),
        ({"filter": {"where": "[]"}}, "`where` must be an object"),
        ({"filter": {"limt": 5}}, "unknown clause `limt`"),
        ({"where": "{"}, "`where` is not valid JSON"),
    ],
)
def test_malformed_filters_are_400_naming_the_part(query: dict[str, Any], named: str) -> None:
    with pytest.raises(BadRequest) as raised:
        parse_filter(query)
    assert raised.value.status_code == 400
    assert named in raised.value.message


# COMPAT §4.4: `fields` keeps the listed properties plus `id`, or drops them.
def test_project_keeps_listed_fields_and_id_or_drops_listed_ones() -> None:
    item = {"id": "x", "type": "invoice", "note": "hi", "date": "2020-01-01"}
    assert project(item, {"type": True}) == {"id": "x", "type": "invoice"}
    assert project(item, {"note": False}) == {"id": "x", "type": "invoice", "date": "2020-01-01"}
    assert project(item, None) == item
