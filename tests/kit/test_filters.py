"""COMPAT §4: the LoopBack filter language, on SQLite and on PostgreSQL, with identical results.

The probe tables live outside the application's metadata (so schema checks never see them) and
are created on a throwaway SQLite file and a throwaway PostgreSQL database."""

from __future__ import annotations

import json
import operator
import random
import re
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, cast

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Integer, String, Table, create_engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Mapped, mapped_column

from spaceport.kit.db import Base, Database, JSONType, Model, SoftDeleted
from spaceport.kit.errors import BadRequest
from spaceport.kit.filters import (
    Filter,
    apply_filter,
    compile_where,
    count_stmt,
    order_by,
    parse_filter,
    parse_where,
    project,
)
from spaceport.kit.wire import decode_qs
from tests.conftest import POSTGRES_URL, create_postgres_database, drop_postgres_database


class ProbeColumns:
    name: Mapped[str | None] = mapped_column(String(40))
    qty: Mapped[int | None] = mapped_column(Integer)
    amount: Mapped[Decimal | None]
    paid: Mapped[bool] = mapped_column(default=False)
    due: Mapped[datetime | None]
    place: Mapped[str | None] = mapped_column(String(40))
    client: Mapped[dict[str, Any] | None] = mapped_column(JSONType, info={"api": "_client"})
    lines: Mapped[list[Any]] = mapped_column(
        JSONType, default=list, info={"api": "_lines", "json_array": True}
    )


class Probe(ProbeColumns, SoftDeleted, Model):
    """Hand-written rows for one test per operator."""

    __tablename__ = "filter_probe"


class RandomProbe(ProbeColumns, SoftDeleted, Model):
    """Generated rows for the property test."""

    __tablename__ = "filter_probe_random"


PROBE_TABLES = [cast(Table, Probe.__table__), cast(Table, RandomProbe.__table__)]
for _table in PROBE_TABLES:
    Base.metadata.remove(_table)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


# Amounts are stored with 4 decimals; JSON numbers keep their type (int, float, bool).
PROBE_ROWS: list[dict[str, Any]] = [
    {
        "id": "p1",
        "name": "Invoice 2018-001",
        "qty": 1,
        "amount": Decimal("10.50"),
        "paid": True,
        "due": at("2018-04-01T18:30:00Z"),
        "place": "-28.1,153.536",
        "custom": {
            "n": 42,
            "s": "red",
            "flag": True,
            "loc": {"lat": -28.1, "lng": 153.536},
            "t": "ends with a\n",
        },
        "client": {"name": "Acme", "vat": "BE1"},
        "lines": [{"name": "Rocket", "qty": 2}, {"name": "Fuel", "qty": 10}],
    },
    {
        "id": "p2",
        "name": "invoice 2018-002",
        "qty": 2,
        "amount": Decimal("20"),
        "paid": False,
        "due": at("2018-05-01T00:00:00Z"),
        "place": "-28.0,153.4",
        "custom": {"n": "42", "s": "Red", "flag": "true", "t": "one\ntwo"},
        "client": {"name": "acme"},
        "lines": [{"name": "Fuel", "qty": "3"}],
    },
    {
        "id": "p3",
        "name": "Estimate 2019-001",
        "qty": 3,
        "amount": Decimal("5.25"),
        "paid": True,
        "due": at("2019-01-15T00:00:00Z"),
        "place": None,
        "custom": {"n": 7.5, "s": "blue", "o": {"k": "deep"}},
        "client": {"name": "Zeta"},
        "lines": [],
    },
    {
        "id": "p4",
        "name": None,
        "qty": None,
        "amount": None,
        "paid": False,
        "due": None,
        "place": "51.5,-0.12",
        "custom": {},
        "client": None,
        "lines": ["loose string", {"name": "Rocket"}],
    },
    {
        "id": "p5",
        "name": "Deleted 2018-003",
        "qty": 5,
        "amount": Decimal("1"),
        "paid": False,
        "due": None,
        "place": "nowhere",
        "custom": {"n": None},
        "client": {"name": None},
        "lines": [],
        "is_deleted": True,
    },
    {
        "id": "p6",
        "name": "a_b%c",
        "qty": 10,
        "amount": Decimal("100"),
        "paid": False,
        "due": at("2020-02-29T12:00:00Z"),
        "place": None,
        "custom": {"n": True, "s": "42"},
        "client": {"name": "Ωmega"},
        "lines": [{"name": "rocket", "qty": 1.5}],
    },
]


def random_rows(count: int) -> list[dict[str, Any]]:
    rng = random.Random(20240418)
    json_values: list[Any] = [0, 1, 2, 42, -3, 2.5, "1", "2", "42", "alpha", "Beta", "", "true"]
    json_values += [True, False, None, None, None, "2020-01-01", "zeta\n", {"x": 1}, [1, 2]]
    names: list[str | None] = [
        "alpha",
        "Alpha",
        "beta",
        "Beta",
        "a_b",
        "a%b",
        "2018-001",
        "2019-002",
        "",
        "zeta",
    ]
    names += ["Ωmega", "line\nbreak", "zeta\n", None]
    rows = []
    for index in range(count):
        custom = {key: rng.choice(json_values) for key in ("n", "s") if rng.random() < 0.75}
        if rng.random() < 0.5:
            custom["o"] = {"k": rng.choice(json_values)}
        lines: list[Any] = []
        for _ in range(rng.randrange(4)):
            line = {"name": rng.choice(names), "qty": rng.choice(json_values)}
            lines.append(rng.choice([line, line, line, "loose"]))
        rows.append(
            {
                "id": f"r{index:02d}",
                "name": rng.choice(names),
                "qty": rng.choice([-5, 0, 1, 2, 3, 10, 42, None]),
                "amount": rng.choice([None, *map(Decimal, ["0", "1.5", "2.25", "10", "-3.75"])]),
                "paid": rng.random() < 0.5,
                "due": rng.choice(
                    [None, at("2020-01-01T00:00:00Z"), at("2020-01-01T12:30:00Z")]
                    + [at("2019-12-31T23:59:59Z"), at("2021-06-15T08:00:00Z")]
                ),
                "custom": custom,
                "client": rng.choice([None, {}, {"name": rng.choice(names)}]),
                "lines": lines,
            }
        )
    return rows


RANDOM_ROWS = random_rows(40)


def create_probes(db: Database) -> None:
    for table in PROBE_TABLES:
        table.create(db.engine)
    with db.transaction() as session:
        session.add_all(Probe(**row) for row in PROBE_ROWS)
        session.add_all(RandomProbe(**row) for row in RANDOM_ROWS)


def create_human_sorting_database(base_url: str) -> str:
    """A PostgreSQL database whose default collation sorts like a dictionary ("a" < "B"),
    unlike SQLite's byte order, so text comparisons prove they do not depend on it."""
    name = f"filters_{uuid.uuid4().hex[:12]}"
    admin = create_engine(make_url(base_url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(
                text(
                    f'CREATE DATABASE "{name}" TEMPLATE template0 LOCALE_PROVIDER icu '
                    "ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'"
                )
            )
    except DBAPIError:  # no ICU (or PostgreSQL before 15): the server's default collation
        return create_postgres_database(base_url)
    finally:
        admin.dispose()
    return make_url(base_url).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="module")
def databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Database]]:
    """Every engine at once: the property test compares them."""
    sqlite = Database(f"sqlite:///{tmp_path_factory.mktemp('filters') / 'filters.db'}")
    create_probes(sqlite)
    engines = {"sqlite": sqlite}
    pg_url = create_human_sorting_database(POSTGRES_URL) if POSTGRES_URL else None
    if pg_url:
        engines["postgresql"] = Database(pg_url)
        create_probes(engines["postgresql"])
    yield engines
    for db in engines.values():
        db.dispose()
    if pg_url:
        drop_postgres_database(pg_url)


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, databases: dict[str, Database]) -> Database:
    if request.param not in databases:
        pytest.skip("SPACEPORT_TEST_POSTGRES_URL is not set")
    return databases[request.param]


def ids(db: Database, where: dict[str, Any], model: type[Model] = Probe) -> list[str]:
    with db.transaction(write=False) as session:
        stmt = select(model.id).where(compile_where(where, model, db.dialect))
        return sorted(session.scalars(stmt))


def listed(db: Database, query: dict[str, Any], model: type[Model] = Probe) -> list[str]:
    """The ids a list endpoint would answer for `query`, in order."""
    stmt = apply_filter(select(model.id), parse_filter(query), model, db.dialect)
    with db.transaction(write=False) as session:
        return list(session.scalars(stmt))


def query_string(text: str) -> dict[str, Any]:
    """A query string decoded as the wire decodes it (COMPAT §1.4 bracket keys)."""
    return decode_qs(text)


# --- where, one operator at a time ------------------------------------------------------------


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


def test_reference_where_examples_from_the_query_string(db: Database) -> None:
    where = query_string("filter[where][name]=Estimate 2019-001")["filter"]["where"]
    assert ids(db, where) == ["p3"]
    where = query_string("filter[where][qty][inq]=1&filter[where][qty][inq]=3")["filter"]["where"]
    assert ids(db, where) == ["p1", "p3"]
    where = query_string("filter[where][paid][neq]=false")["filter"]["where"]
    assert ids(db, where) == ["p1", "p3"]


def test_and_or_take_lists_and_index_maps(db: Database) -> None:
    assert ids(db, {"or": [{"qty": "1"}, {"qty": "3"}]}) == ["p1", "p3"]
    assert ids(db, {"or": {"0": {"qty": "1"}, "1": {"qty": "3"}}}) == ["p1", "p3"]
    assert ids(db, {"and": [{"paid": "false"}, {"qty": {"gt": "1"}}]}) == ["p2", "p5", "p6"]
    text = "filter[where][or][0][qty]=1&filter[where][or][1][name]=a_b%25c"
    assert ids(db, query_string(text)["filter"]["where"]) == ["p1", "p6"]
    assert ids(db, {"and": []}) == ["p1", "p2", "p3", "p4", "p5", "p6"]
    assert ids(db, {"or": []}) == []


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


def test_between_is_inclusive(db: Database) -> None:
    where = {"due": {"between": ["2018-04-01T18:30:00.000Z", "2019-01-15"]}}
    assert ids(db, where) == ["p1", "p2", "p3"]
    assert ids(db, {"qty": {"between": {"0": "2", "1": "5"}}}) == ["p2", "p3", "p5"]


def test_inq_and_nin(db: Database) -> None:
    assert ids(db, {"qty": {"inq": ["1", "3"]}}) == ["p1", "p3"]
    assert ids(db, {"qty": {"inq": "2"}}) == ["p2"]
    assert ids(db, {"qty": {"inq": ["2", None]}}) == ["p2", "p4"]
    assert ids(db, {"qty": {"inq": []}}) == []
    assert ids(db, {"qty": {"nin": ["1", "3"]}}) == ["p2", "p5", "p6"]  # NULL never matches
    assert ids(db, {"qty": {"nin": "1"}}) == ["p2", "p3", "p5", "p6"]
    assert ids(db, {"qty": ["1", "3"]}) == ["p1", "p3"]  # repeated bracket key: a list


def test_neq_is_sql_not_equal_and_neq_null_is_not_null(db: Database) -> None:
    assert ids(db, {"paid": {"neq": "false"}}) == ["p1", "p3"]
    assert ids(db, {"qty": {"neq": "1"}}) == ["p2", "p3", "p5", "p6"]
    assert ids(db, {"qty": {"neq": None}}) == ["p1", "p2", "p3", "p5", "p6"]


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


def test_dot_matches_newlines_and_dollar_is_the_very_end_on_both_engines(db: Database) -> None:
    assert ids(db, {"custom.t": {"regexp": "one.two"}}) == ["p2"]
    assert ids(db, {"custom.t": {"regexp": "a$"}}) == []  # Python's own `$` would match p1
    assert ids(db, {"custom.t": {"regexp": "^two"}}) == []
    assert ids(db, {"custom.t": {"like": "%a"}}) == []
    assert ids(db, {"custom.t": {"like": "%a_"}}) == ["p1"]


def test_custom_comparisons_are_numeric_for_numbers_and_textual_otherwise(db: Database) -> None:
    assert ids(db, {"custom.n": {"gt": "10"}}) == ["p1"]  # the string "42" is not a number
    assert ids(db, {"custom.n": {"lt": 10}}) == ["p3"]
    assert ids(db, {"custom.n": {"between": ["7", "42"]}}) == ["p1", "p3"]
    assert ids(db, {"custom.s": {"gt": "blue"}}) == ["p1"]  # "Red" and "42" sort before
    assert ids(db, {"custom.s": {"gte": "Red"}}) == ["p1", "p2", "p3"]


def test_nested_custom_paths_in_dot_and_bracket_form(db: Database) -> None:
    assert ids(db, {"custom.o.k": "deep"}) == ["p3"]
    assert ids(db, query_string("filter[where][custom][o][k]=deep")["filter"]["where"]) == ["p3"]
    assert ids(db, {"custom.o.k": {"like": "^de"}}) == ["p3"]


def test_embedded_object_paths(db: Database) -> None:
    assert ids(db, {"_client.name": "Acme"}) == ["p1"]
    assert ids(db, {"_client.name": {"like": "acme", "options": "i"}}) == ["p1", "p2"]
    assert ids(db, {"_client.name": {"regexp": "^Ω"}}) == ["p6"]
    assert ids(db, {"_client.name": None}) == ["p4", "p5"]


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


# --- filter clauses ----------------------------------------------------------------------------


def test_soft_deleted_rows_leave_unless_deleted_is_asked(db: Database) -> None:
    assert listed(db, {}) == ["p1", "p2", "p3", "p4", "p6"]
    assert listed(db, query_string("filter[deleted]=true")) == ["p1", "p2", "p3", "p4", "p5", "p6"]


def test_order_forms_with_nulls_first_ascending_and_id_tiebreak(db: Database) -> None:
    def everything(order: Any) -> list[str]:
        return listed(db, {"filter": {"deleted": True, "order": order}})

    assert everything("qty DESC") == ["p6", "p5", "p3", "p2", "p1", "p4"]
    # code point order on both engines: capitals before small letters, NULL first
    assert everything({"name": "ASC"}) == ["p4", "p5", "p3", "p1", "p6", "p2"]
    assert everything(["paid DESC", "qty"]) == ["p1", "p3", "p4", "p2", "p5", "p6"]
    text = "filter[order][0]=paid ASC&filter[order][1]=due DESC&filter[deleted]=1"
    assert listed(db, query_string(text)) == ["p6", "p2", "p4", "p5", "p3", "p1"]


def test_order_by_a_custom_path_ranks_missing_numbers_strings_booleans(db: Database) -> None:
    query = {"filter": {"deleted": True, "order": "custom.n"}}
    assert listed(db, query) == ["p4", "p5", "p3", "p1", "p2", "p6"]
    query = {"filter": {"deleted": True, "order": "custom.n DESC"}}
    assert listed(db, query) == ["p6", "p2", "p1", "p3", "p4", "p5"]


def test_limit_skip_and_offset(db: Database) -> None:
    assert listed(db, query_string("filter[limit]=2")) == ["p1", "p2"]
    assert listed(db, query_string("filter[limit]=2&filter[skip]=2")) == ["p3", "p4"]
    assert listed(db, {"filter": {"offset": 4}}) == ["p6"]
    assert listed(db, {"filter": '{"limit": 1, "skip": 1, "order": "qty DESC"}'}) == ["p3"]


def test_count_takes_where_and_never_counts_deleted(db: Database) -> None:
    with db.transaction(write=False) as session:
        where = parse_where(query_string("where[paid]=false"))
        assert session.scalar(count_stmt(select(Probe), where, Probe, db.dialect)) == 3
        assert session.scalar(count_stmt(select(Probe), {}, Probe, db.dialect)) == 5


# --- parsing ----------------------------------------------------------------------------------


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


@pytest.mark.parametrize(
    ("where", "named"),
    [
        ({"nope": 1}, "unknown property `nope` in `where`"),
        ({"or": [{"nope.x": 1}]}, "unknown property `nope.x` in `where.or.0`"),
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
        ({"qty": {"between": ["1"]}}, "`where.qty.between` needs two values"),
        ({"qty": {"gt": None}}, "`where.qty.gt` needs a value"),
        ({"qty": {"great": 1}}, "`where.qty`: unknown operator `great`"),
        ({"qty": {"like": "1%"}}, "needs a text property"),
        ({"name": {"regexp": "("}}, "`where.name.regexp` is not a valid regular expression"),
        ({"name": {"regexp": "a\\bc"}}, "escapes like `\\b`"),
        ({"name": {"regexp": "(?P<x>a)"}}, "group extensions"),
        ({"name": {"regexp": "a{2,999}"}}, "repetitions above 255"),
        ({"name": {"regexp": "((a{255}){255}){255}"}}, "nested repetitions beyond 10000"),
        ({"name": {"regexp": "a*+"}}, "possessive"),
        ({"name": {"regexp": "[[:alpha:]]"}}, "`[` inside a character class"),
        ({"name": {"like": "a", "options": "x"}}, "`options` may only be `i`"),
        ({"name": {"options": "i", "eq": "a"}}, "`where.name.options` needs one of"),
        ({"place": {"near": "north"}}, "`where.place.near` must be a point"),
        ({"place": {"near": "1,2", "unit": "parsecs"}}, "unit must be one of"),
        ({"place": {"near": "100,200"}}, "is not a point on earth"),
        ({"custom": "x"}, "filter on a path inside `custom`"),
        ({"custom.a": {"inq": [{"x": 1}]}}, "`where.custom.a.inq` expects a value"),
        ({'custom.a"b': 1}, "invalid path segment"),
        ({"and": {"x": 1}}, "`where.and` must be a list"),
        ({"and": ["x"]}, "`where.and.0` must be an object"),
    ],
)
def test_malformed_where_is_400_naming_the_part(where: dict[str, Any], named: str) -> None:
    with pytest.raises(BadRequest) as raised:
        compile_where(where, Probe, "postgresql")
    assert named in raised.value.message
    with pytest.raises(BadRequest):
        compile_where(where, Probe, "sqlite")


def test_unknown_order_property_is_400() -> None:
    with pytest.raises(BadRequest, match="unknown property `nope` in `order`"):
        order_by([("nope", False)], Probe, "sqlite")
    with pytest.raises(BadRequest, match="cannot sort by `_lines"):
        order_by([("_lines.name", False)], Probe, "sqlite")


def test_project_keeps_listed_fields_and_id_or_drops_listed_ones() -> None:
    item = {"id": "x", "type": "invoice", "note": "hi", "date": "2020-01-01"}
    assert project(item, {"type": True}) == {"id": "x", "type": "invoice"}
    assert project(item, {"note": False}) == {"id": "x", "type": "invoice", "date": "2020-01-01"}
    assert project(item, None) == item


# --- property: both engines and a plain Python reading agree ----------------------------------

MISSING = object()
TYPED = {"name": "string", "qty": "int", "amount": "decimal", "paid": "bool", "due": "datetime"}
JSON_PATHS = ["custom.n", "custom.s", "custom.o.k", "_client.name", "_lines.name", "_lines.qty"]
TEXT_VALUES = ["alpha", "Alpha", "beta", "a_b", "2018-001", "", "zeta", "Ωmega", "true", "1"]
JSON_FILTER_VALUES: list[Any] = ["0", "1", "2", "42", "-3", "2.5", "alpha", "Beta", "", "true"]
JSON_FILTER_VALUES += ["false", "null", "2020-01-01", 1, 42, Decimal("2.5"), True, False]
TYPED_VALUES: dict[str, list[Any]] = {
    "string": TEXT_VALUES,
    "int": ["-5", "0", "1", "3", "42", 2, 10],
    "decimal": ["0", "1.5", "2.25", "-3.75", Decimal("10"), 2],
    "bool": ["true", "false", "1", "0", True, False],
    "datetime": ["2020-01-01", "2020-01-01T12:30:00.000Z", "2019-12-31T23:59:59Z", "2021-06-15"],
}
REGEXPS = ["^a", "a$", "^[ab]", "l.h", "a|e", "^\\d", "ta$", "^A", "[0-9]+-", "^$", "(al|be)t"]
REGEXPS += ["a.*a", "\\w\\W", "e\\nb", "e.b", "[^a-z]", "^.{4}$", "/^B/i"]
LIKES = ["a%", "%a", "%a_", "_eta", "%\\_%", "A%", "2018%", "a\\%b", "al.*", "%", "%e_", "beta"]


def coerce_typed(kind: str, raw: Any) -> Any:
    if raw is None or (raw == "null" and kind != "string"):
        return None
    if kind == "int":
        return int(raw)
    if kind == "decimal":
        return Decimal(str(raw))
    if kind == "bool":
        return raw if isinstance(raw, bool) else raw in ("true", "1")
    if kind == "datetime":
        text = raw if len(raw) > 10 else raw + "T00:00:00Z"
        return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)
    return raw


def loose(raw: Any) -> dict[str, Any]:
    """The reading of a filter value against JSON of unknown type (COMPAT §4.1)."""
    if isinstance(raw, bool):
        return {"text": str(raw).lower(), "number": None, "bool": raw, "null": False}
    if isinstance(raw, int | Decimal):
        return {"text": str(raw), "number": Decimal(raw), "bool": None, "null": False}
    number = Decimal(raw) if re.fullmatch(r"-?\d+(\.\d+)?", raw) else None
    boolean = {"true": True, "false": False}.get(raw)
    return {"text": raw, "number": number, "bool": boolean, "null": raw == "null"}


def is_number(value: Any) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def py_regex(op: str, pattern: str, ignore_case: bool) -> re.Pattern[str]:
    """`like` with `%`/`_` as SQL LIKE, anything else as a regular expression where `.` also
    matches a newline and `$` only the very end."""
    flags = re.S | (re.I if ignore_case else 0)
    literal = re.fullmatch(r"/(.*)/([a-z]*)", pattern)
    if op == "regexp" and literal:
        pattern, flags = literal.group(1), flags | (re.I if "i" in literal.group(2) else 0)
    if op == "regexp" or ("%" not in pattern and "_" not in pattern):
        return re.compile(pattern.replace("$", r"\Z"), flags)
    out, escaped = "", False
    for char in pattern:
        if escaped:
            out, escaped = out + re.escape(char), False
        elif char == "\\":
            escaped = True
        else:
            out += {"%": ".*", "_": "."}.get(char, re.escape(char))
    return re.compile("^" + out + r"\Z", flags)


COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "gt": operator.gt,
    "gte": operator.ge,
    "lt": operator.lt,
    "lte": operator.le,
}


class PyValue:
    """One stored value and the operators on it, read in plain Python."""

    def __init__(self, value: Any, kind: str | None) -> None:
        self.value = value
        self.kind = kind  # None: JSON of unknown type

    def absent(self) -> bool:
        return self.value is None or self.value is MISSING

    def equals(self, raw: Any) -> bool:
        if self.kind is not None:
            return bool(self.value == coerce_typed(self.kind, raw))
        want, value = loose(raw), self.value
        return (
            (isinstance(value, str) and value == want["text"])
            or (
                want["number"] is not None
                and is_number(value)
                and Decimal(str(value)) == want["number"]
            )
            or (want["bool"] is not None and value is want["bool"])
            or (want["null"] and self.absent())
        )

    def test(self, op: str, raw: Any, options: str | None) -> bool:
        if op == "eq":
            return self.absent() if raw is None else self.equals(raw)
        if op == "neq":
            return not self.absent() and (raw is None or not self.equals(raw))
        if op in ("inq", "nin"):
            values = raw if isinstance(raw, list) else [raw]
            found = any(self.test("eq", value, None) for value in values)
            return found if op == "inq" else not self.absent() and not found
        if op in COMPARE:
            return self.compare(op, raw)
        if op == "between":
            return self.compare("gte", raw[0]) and self.compare("lte", raw[1])
        if not isinstance(self.value, str):
            return False
        found = bool(py_regex(op, raw, options == "i").search(self.value))
        return not found if op == "nlike" else found

    def compare(self, op: str, raw: Any) -> bool:
        if self.kind is not None:
            wanted = coerce_typed(self.kind, raw)
            return self.value is not None and COMPARE[op](self.value, wanted)
        want = loose(raw)
        if want["number"] is not None:
            return is_number(self.value) and COMPARE[op](Decimal(str(self.value)), want["number"])
        return isinstance(self.value, str) and COMPARE[op](self.value, want["text"])


def json_get(document: Any, path: list[str]) -> Any:
    for key in path:
        if not isinstance(document, dict) or key not in document:
            return MISSING
        document = document[key]
    return document


def py_values(row: dict[str, Any], prop: str) -> list[PyValue]:
    """The values a property names in a row: one, or one per array element."""
    if prop in TYPED:
        return [PyValue(row.get(prop), TYPED[prop])]
    head, *path = prop.split(".")
    if head == "_lines":
        return [PyValue(json_get(line, path), None) for line in row["lines"]]
    document = row["custom"] if head == "custom" else row["client"]
    return [PyValue(json_get(document, path), None)]


def py_match(row: dict[str, Any], where: dict[str, Any]) -> bool:
    for key, condition in where.items():
        if key in ("and", "or"):
            subs = condition.values() if isinstance(condition, dict) else condition
            results = [py_match(row, sub) for sub in subs]
            if not (all(results) if key == "and" else any(results)):
                return False
            continue
        ops = condition if isinstance(condition, dict) else {"eq": condition}
        options = ops.get("options")
        if not any(
            all(value.test(op, raw, options) for op, raw in ops.items() if op != "options")
            for value in py_values(row, key)
        ):
            return False
    return True


OPERATORS = ["bare", "eq", "neq", "gt", "gte", "lt", "lte", "between", "inq", "nin", "range"]
TEXT_OPERATORS = ["like", "nlike", "regexp"]


def leaf(prop: str, op: str) -> st.SearchStrategy[dict[str, Any]]:
    """One condition on `prop`; values are strings (bracket keys) or JSON-typed values."""
    kind = TYPED.get(prop)
    values = st.sampled_from(TYPED_VALUES[kind] if kind else JSON_FILTER_VALUES)
    nullable = st.one_of(st.none(), values)
    if op == "bare":
        return nullable.map(lambda v: {prop: v})
    if op in ("eq", "neq"):
        return nullable.map(lambda v: {prop: {op: v}})
    if op in ("inq", "nin"):
        return st.lists(nullable, max_size=3).map(lambda vs: {prop: {op: vs}})
    if op == "between":
        return st.lists(values, min_size=2, max_size=2).map(lambda b: {prop: {op: b}})
    if op == "range":  # two operators on one property: the same element of an array
        return st.tuples(values, values).map(lambda t: {prop: {"gte": t[0], "lt": t[1]}})
    if op in COMPARE:
        return values.map(lambda v: {prop: {op: v}})
    patterns = st.sampled_from(REGEXPS if op == "regexp" else LIKES + REGEXPS[:-1])
    options = st.sampled_from([{}, {"options": "i"}])
    return st.tuples(patterns, options).map(lambda t: {prop: {op: t[0], **t[1]}})


def leaves(prop: str) -> st.SearchStrategy[dict[str, Any]]:
    text = TYPED.get(prop) in (None, "string")
    return st.sampled_from(OPERATORS + TEXT_OPERATORS * text).flatmap(lambda op: leaf(prop, op))


LEAVES = st.sampled_from([*TYPED, *JSON_PATHS]).flatmap(leaves)


def combine(children: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
    both = st.lists(children, min_size=1, max_size=3)
    return st.one_of(
        both.map(lambda subs: {"and": subs}),
        both.map(lambda subs: {"or": subs}),
        both.map(lambda subs: {"or": {str(i): sub for i, sub in enumerate(subs)}}),
        st.tuples(children, children).map(lambda pair: {**pair[1], **pair[0]}),
    )


WHERES = st.recursive(LEAVES, combine, max_leaves=6)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(where=WHERES)
def test_engines_and_python_agree_on_random_wheres(
    databases: dict[str, Database], where: dict[str, Any]
) -> None:
    expected = sorted(row["id"] for row in RANDOM_ROWS if py_match(row, where))
    for name, db in databases.items():
        assert ids(db, where, RandomProbe) == expected, name


JUNK_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.decimals(),
    st.floats(),
    st.text(max_size=6),
    st.sampled_from(["1", "true", "null", "2020-01-01", "1,2", "153.5,-28", "/a/i", "%", "("]),
    st.sampled_from(["[", "\\", "a{", "ASC", "name DESC", "custom.n", "\ud800", "1e999"]),
    st.sampled_from([2**31, -(2**31) - 1, 2**63, 10**30, "2147483648", "1.00001", "x{9}{9}"]),
)
JUNK_KEYS = st.sampled_from(
    [*TYPED, *JSON_PATHS, "custom", "_lines", "_client", "place", "id", "custom.loc", "nope"]
    + ["and", "or", "eq", "neq", "gt", "between", "inq", "nin", "like", "nlike", "regexp", "near"]
    + ["options", "maxDistance", "unit", "0", "1", "relation"]
)
JUNK = st.recursive(
    JUNK_SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(JUNK_KEYS, inner, max_size=3)
    ),
    max_leaves=12,
)
PROPERTIES = [*TYPED, *JSON_PATHS, "custom.loc", "place", "id", "_lines", "and", "or"]
OPERATORS_AND_MODIFIERS = [*COMPARE, "eq", "neq", "between", "inq", "nin", *TEXT_OPERATORS, "near"]
OPERATORS_AND_MODIFIERS += ["options", "maxDistance", "unit"]
JUNK_CONDITIONS = st.one_of(
    JUNK,
    st.dictionaries(st.sampled_from(OPERATORS_AND_MODIFIERS), JUNK_SCALARS, min_size=1, max_size=3),
    st.lists(st.dictionaries(st.sampled_from(PROPERTIES), JUNK, max_size=2), max_size=2),
)
JUNK_WHERES = st.dictionaries(st.sampled_from(PROPERTIES), JUNK_CONDITIONS, max_size=3)
CLAUSES = ["order", "limit", "skip", "offset", "fields", "include", "deleted"]
JUNK_FILTERS = st.one_of(
    st.dictionaries(st.sampled_from(CLAUSES), JUNK, max_size=4),
    JUNK_WHERES.map(lambda where: {"where": where}),
)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(flt=JUNK_FILTERS)
def test_any_filter_is_answered_or_refused_with_a_400_never_a_crash(
    databases: dict[str, Database], flt: dict[str, Any]
) -> None:
    """COMPAT §2.2, §4.6: whatever a client sends, the engines answer or the filter is a 400."""
    for db in databases.values():
        try:
            listed(db, {"filter": flt}, RandomProbe)
        except BadRequest:
            pass


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
