"""The probe tables of the filter tests (COMPAT §4.1) and the helpers that query them.

The probe tables live outside the application's metadata (so schema checks never see them) and
are created on a throwaway SQLite file and a throwaway PostgreSQL database (see `conftest.py`)."""

from __future__ import annotations

import operator
import random
import uuid
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any, cast

import pytest
from sqlalchemy import Integer, String, Table, create_engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Mapped, mapped_column

from spaceport.kit.db import Base, Database, JSONType, Model, SoftDeleted
from spaceport.kit.errors import BadRequest
from spaceport.kit.filters import apply_filter, compile_where, parse_filter
from spaceport.kit.wire import decode_qs
from tests.conftest import create_postgres_database


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


def assert_refused(where: dict[str, Any], named: str) -> None:
    """COMPAT §4.6: a malformed `where` is a 400 naming the wrong part, on both engines."""
    with pytest.raises(BadRequest) as raised:
        compile_where(where, Probe, "postgresql")
    assert named in raised.value.message
    with pytest.raises(BadRequest):
        compile_where(where, Probe, "sqlite")


# the probe's properties and the operators the property tests combine
TYPED = {"name": "string", "qty": "int", "amount": "decimal", "paid": "bool", "due": "datetime"}
JSON_PATHS = ["custom.n", "custom.s", "custom.o.k", "_client.name", "_lines.name", "_lines.qty"]
TEXT_OPERATORS = ["like", "nlike", "regexp"]


COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "gt": operator.gt,
    "gte": operator.ge,
    "lt": operator.lt,
    "lte": operator.le,
}
