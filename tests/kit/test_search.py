"""Search through trigram indexes (issue 13 point 5, kit/search): the index finds every row the
search's own condition could match, the migration fills it for the rows there are, and the
search reads it."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import column, create_engine, event, insert, inspect, select, table, text

from spaceport.clients.models import Client
from spaceport.clients.repository import ClientRepository
from spaceport.documents.models import Document
from spaceport.items.models import Item
from spaceport.items.repository import ItemRepository
from spaceport.kit import migrate
from spaceport.kit.db import Database, JSONType, UTCDateTime
from spaceport.kit.filters import Filter
from spaceport.kit.search import FTS_TABLES, caseless, containing, like_literal, starting_with
from spaceport.organizations.models import Organization
from tests.conftest import (
    POSTGRES_URL,
    create_postgres_database,
    drop_postgres_database,
    query_plan,
)

SPECIAL = "KΩẞſıİϑϐϕϰϱϵςΣσσẛ"  # characters re matches beyond their simple lowercase


def test_the_literal_of_a_like_pattern_is_its_longest_run() -> None:
    assert like_literal("%rocket%") == "rocket"
    assert like_literal(r"%100\%%") == "100%"
    assert like_literal(r"%a\_b%") == "a_b"
    assert like_literal(r"%a\b%") == "ab"  # an escaped character is itself
    assert like_literal("%ab\\") == "ab\\"  # so is a final backslash
    assert like_literal("%space_suit%") == "space"
    assert like_literal("%%") == ""


def test_caseless_keeps_every_case_insensitive_match_of_python_re() -> None:
    """SQLite runs search-documents' regular expression with Python's re."""
    chars = [chr(cp) for cp in range(0x600)] + list(SPECIAL)
    for char in chars:
        pattern = re.compile("(?si)" + re.escape(char))
        for other in chars:
            if pattern.fullmatch(other):
                assert caseless(other) == caseless(char), (char, other)
    assert caseless("Yılmaz ŠKODA ſtraße") == caseless("YILMAZ škoda STRAßE")
    assert len(caseless("İß")) == 2  # one character for one


def test_caseless_keeps_every_case_insensitive_match_of_postgresql(database: Database) -> None:
    """PostgreSQL's `(?i)` takes a character, its lower and its upper case."""
    if database.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's case mapping")
    query = text(
        "SELECT chr(cp), lower(chr(cp)), upper(chr(cp)) FROM generate_series(1, 196607) cp "
        "WHERE cp NOT BETWEEN 55296 AND 57343 AND (lower(chr(cp)) <> chr(cp) "
        "OR upper(chr(cp)) <> chr(cp))"
    )
    with database.engine.connect() as connection:
        cased = connection.execute(query).all()
    assert len(cased) > 2000
    assert [row for row in cased if len({caseless(c) for c in row if len(c) == 1}) > 1] == []


def test_the_search_reads_the_trigram_index(database: Database) -> None:
    dialect = database.engine.dialect.name
    for model in (Client, Item, Document):
        plan = query_plan(database, select(model.id).where(containing(model, "rocket", dialect)))
        index = f"ix_{model.__tablename__}_search_trigrams"
        assert (index if dialect == "postgresql" else "VIRTUAL TABLE") in plan, plan


def test_the_trigram_indexes_keep_no_pending_list(database: Database) -> None:
    """Migration 0016: a GIN index's pending list is read by every search; these have none."""
    if database.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's GIN indexes")
    query = text("SELECT relname, reloptions FROM pg_class WHERE relname LIKE :name")
    with database.engine.connect() as connection:
        found: dict[str, Any] = dict(
            connection.execute(query, {"name": "ix_%_search_trigrams"}).all()
        )
    assert set(found) == {f"ix_{name}_search_trigrams" for name in FTS_TABLES}
    assert all(options == ["fastupdate=off"] for options in found.values()), found


def test_starting_with_is_the_prefix_in_code_point_order(
    database: Database, organization: dict[str, Any]
) -> None:
    """kit.search.starting_with: a range from the prefix to its last character's successor,
    past the surrogates (no character), the one before when it is the last code point."""
    oid = organization["id"]
    keys = ["rock", "rocka", "rock\U0010ffffz", "rocl", "roc", "rocj\uffff", "Rock"]
    keys += ["\ud7ffa", "\ue000", "a\U0010ffffb", "b"]
    with database.transaction() as session:
        session.add_all(Client(organization_id=oid, name=key) for key in keys)
    dialect = database.engine.dialect.name

    def found(prefix: str) -> list[str]:
        query = select(Client.name).where(
            Client.organization_id == oid, *starting_with(Client.name_key, prefix, dialect)
        )
        with database.transaction(write=False) as session:
            return sorted(session.scalars(query))

    assert found("rock") == ["Rock", "rock", "rocka", "rock\U0010ffffz"]
    assert found("\ud7ff") == ["\ud7ffa"]
    assert found("a\U0010ffff") == ["a\U0010ffffb"]
    assert found("\U0010ffff") == []


@pytest.mark.parametrize("model", [Client, Item])
def test_a_page_of_names_starting_with_the_term_comes_from_the_index_alone(
    database: Database, organization: dict[str, Any], model: type[Client | Item]
) -> None:
    """kit.search.by_name: the names starting with the term are ranked and put in order from
    the index of the organization's folded names (issue 13 item 5), never from the rows."""
    oid = organization["id"]
    with database.transaction() as session:
        for n in range(3):
            name = f"Rocket {n}"
            fields = {"tax_ids": [], "name_key": name.lower()} if model is Item else {}
            session.add(model(organization_id=oid, name=name, **fields))
    statements: list[tuple[str, Any]] = []

    def seen(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.startswith("SELECT"):
            statements.append((statement, parameters))

    flt = Filter(where={}, fields=None, include=[], order=[], limit=None, skip=0, deleted=False)
    repository = ClientRepository if model is Client else ItemRepository
    event.listen(database.engine, "before_cursor_execute", seen)
    try:
        with database.transaction(write=False) as session:
            found = repository(session).search(oid, "rock", dataclasses.replace(flt, limit=2))
    finally:
        event.remove(database.engine, "before_cursor_execute", seen)
    assert [row.name for row in found] == ["Rocket 0", "Rocket 1"]
    statement, parameters = statements[0]  # the page of names starting with the term
    dialect = database.engine.dialect.name
    if dialect == "postgresql":  # what autovacuum does: the index alone then says a row is live
        with database.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as vacuum:
            vacuum.execute(text(f"VACUUM {model.__tablename__}"))
    with database.engine.connect() as connection:
        if dialect == "postgresql":
            connection.execute(text("SET enable_seqscan = off"))
        explain = "EXPLAIN" if dialect == "postgresql" else "EXPLAIN QUERY PLAN"
        plan = " ".join(map(str, connection.exec_driver_sql(f"{explain} {statement}", parameters)))
    index = f"ix_{model.__tablename__}_organization_name_key"
    alone = "Index Only Scan using" if dialect == "postgresql" else "COVERING INDEX"
    assert f"{alone} {index}" in plan, plan


def test_short_literals_need_no_index() -> None:
    assert str(containing(Client, "ro", "sqlite")) == "true"


@pytest.fixture(params=["sqlite"] + (["postgresql"] if POSTGRES_URL else []))
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.db'}"
        return
    assert POSTGRES_URL
    url = create_postgres_database(POSTGRES_URL)
    yield url
    drop_postgres_database(url)


TIMES = ("date", "created_at", "updated_at")
# a document as revision 0011 stores it (the model has moved on since)
OLD_DOCUMENT: dict[str, Any] = {
    "id": "d1",
    "organization_id": "o1",
    "number": "2026-00001",
    "reference": "PO-7",
    "type": "invoice",
    "currency_id": "EUR",
    "numbering_unit": "",
    "document_client": {"name": "Škoda", "email": "A@B.SI"},
    **dict.fromkeys(["custom", "document_issuer"], {}),
    **dict.fromkeys(["document_items", "document_ids", "document_taxes"], []),
    **dict.fromkeys(["document_reverse_taxes", "document_conversion_rate"], []),
    **dict.fromkeys(["decimal_places", "total", "total_with_tax", "total_discount"], 0),
    **dict.fromkeys(["total_paid", "total_due"], 0),
    **dict.fromkeys(["draft", "canceled", "paid_in_full", "has_unit", "is_deleted"], False),
    **dict.fromkeys(["sent_snail_mail", "is_valid_eslog"], False),
}
OLD_DOCUMENTS = table(
    "documents",
    *(
        column(name, JSONType if isinstance(value, dict | list) else None)
        for name, value in OLD_DOCUMENT.items()
    ),
    *(column(name, UTCDateTime()) for name in TIMES),
)

# an item as it was stored before `name_key` (revision 0017)
OLD_ITEM: dict[str, Any] = {
    "id": "i1",
    "organization_id": "o1",
    "name": "Space Suit",
    "search_text": "space suit\x1fwarm\x1fss-1",
    "is_deleted": False,
    "custom": {},
    "tax_ids": [],
}
OLD_ITEMS = table(
    "items",
    *(
        column(name, JSONType if isinstance(value, dict | list) else None)
        for name, value in OLD_ITEM.items()
    ),
    *(column(name, UTCDateTime()) for name in ("created_at", "updated_at")),
)


def test_the_migration_fills_the_index_of_existing_rows(empty_url: str) -> None:
    migrate.upgrade(empty_url, "0011")
    database = Database(empty_url)
    with database.transaction() as session:
        session.add(Organization(id="o1", name="Org"))
        session.flush()
        client = Client(organization_id="o1", name="Škoda Rocket")
        session.add(client)
        session.flush()
        times = dict.fromkeys(["created_at", "updated_at"], client.created_at)
        session.execute(insert(OLD_ITEMS), [{**OLD_ITEM, **times}])
        session.execute(
            insert(OLD_DOCUMENTS),
            [
                {
                    **OLD_DOCUMENT,
                    **dict.fromkeys(["date", "created_at", "updated_at"], client.created_at),
                }
            ],
        )
    database.dispose()
    migrate.upgrade(empty_url)
    database = Database(empty_url)
    dialect = database.engine.dialect.name
    with database.transaction() as session:
        assert session.scalar(select(Document.search_text)) == caseless(
            "2026-00001\nPO-7\nŠkoda\nA@B.SI"
        )
        assert session.scalar(select(Item.name_key)) == "space suit"  # revision 0017
        # clients and items keep their text casefolded, documents caseless
        literals = ((Client, "koda roc"), (Item, "ace su"), (Document, caseless("KODA\nA@")))
        for model, literal in literals:
            found = select(model.id).where(containing(model, literal, dialect))
            assert len(session.scalars(found).all()) == 1, model
    database.dispose()
    command.downgrade(migrate.alembic_config(empty_url), "0011")  # it takes it all away
    engine = create_engine(empty_url)
    with engine.connect() as connection:
        columns = [c["name"] for c in inspect(connection).get_columns("documents")]
        assert "search_text" not in columns
        if dialect == "sqlite":
            names = connection.execute(text("SELECT name FROM sqlite_master")).scalars().all()
            assert [n for n in names if n.startswith(tuple(FTS_TABLES.values()))] == []
    engine.dispose()
