"""The write session's flush check (kit.db): every value fits its column before any row is
written, on every engine alike — issue 15: a value that breaks no uniqueness rule is never a
409; COMPAT §2.2: a 422 naming the property, never a 500, nothing written. Routes that do not go
through kit.crud (organizations, documents) are checked by the same flush."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlalchemy import event, text

from spaceport.kit.db import Database, within_limits
from spaceport.kit.errors import ValidationFailed
from tests.conftest import Api, incompressible

LINE = {"name": "Suit", "price": 10}


def invalid_property(response: Any, prop: str) -> list[str]:
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["statusCode"] == 422 and error["name"] == "ValidationError"
    messages: dict[str, list[str]] = error["details"]["messages"]
    assert prop in messages, messages
    return messages[prop]


@pytest.mark.parametrize("prop", ["taxSubject", "locale", "timezone"])
def test_a_null_on_an_organization_is_a_422(
    api: Api, organization: dict[str, Any], prop: str
) -> None:
    url = f"/v1/organizations/{organization['id']}"
    assert invalid_property(api.patch(url, json={prop: None}), prop) == ["can't be blank"]
    assert api.get(url).json()[prop] == organization[prop]


@pytest.mark.parametrize(
    ("prop", "length"),
    [("number", 64), ("currencyId", 8), ("uniqueId", 200)],
)
def test_a_text_longer_than_its_column_is_a_422(
    api: Api, organization: dict[str, Any], prop: str, length: int
) -> None:
    """PostgreSQL refuses it (a 500 before), SQLite would keep it: both answer alike."""
    url = f"/v1/organizations/{organization['id']}/documents"
    body = {"_documentClient": {"name": "R"}, "_documentItems": [LINE], prop: "Y" * 300}
    messages = invalid_property(api.post(url, json=body), prop)
    assert any("longer than" in message for message in messages), messages
    assert api.get(url).json() == []


def test_long_texts_of_an_organization_are_a_422(api: Api) -> None:
    created = api.post(
        f"/v1/accounts/{api.account_id}/organizations",
        json={"name": "O", "country": "Belgium", "timezone": "T" * 300},
    )
    assert invalid_property(created, "timezone") == ["is longer than 64 characters"]
    assert api.get(f"/v1/accounts/{api.account_id}/organizations").json() == []


def test_a_duplicate_is_still_a_409_and_an_empty_unique_id_a_422(
    api: Api, organization: dict[str, Any]
) -> None:
    """COMPAT §6.11: a uniqueId used twice is a real uniqueness rule (409); `""` is no key."""
    url = f"/v1/organizations/{organization['id']}/documents"
    body = {"_documentClient": {"name": "R"}, "_documentItems": [LINE], "uniqueId": "k-1"}
    assert api.post(url, json=body).status_code == 200
    again = api.post(url, json=body)
    assert again.status_code == 409 and again.json()["error"]["statusCode"] == 409
    for _ in range(2):
        assert invalid_property(api.post(url, json={**body, "uniqueId": ""}), "uniqueId")
    assert len(api.get(url).json()) == 1


def test_empty_json_values_are_fresh_objects() -> None:
    """Issue 13: an empty list or object is decoded without the decoder, each a new one (a
    change to one instance's value never shows in another's)."""
    from decimal import Decimal

    from spaceport.kit.db import _loads

    first, second = _loads("[]"), _loads(b"[]")
    first.append(1)
    assert second == [] and _loads("{}") == {} and _loads("{}") is not _loads("{}")
    assert _loads('{"rate": 9.5}') == {"rate": Decimal("9.5")}


def test_a_block_within_limits_leaves_nothing_when_refused(database: Database) -> None:
    """`within_limits`: what the block wrote goes with its refusal, what came before stays and
    the transaction goes on; on PostgreSQL a value past an index entry's limit is the API's
    422 (WEB §W4.3: a form shows it beside what was typed)."""
    postgres = database.engine.dialect.name == "postgresql"
    with database.transaction() as session:
        session.execute(text("CREATE TEMPORARY TABLE wide (a TEXT)"))
        session.execute(text("CREATE INDEX ix_wide ON wide (a)"))
        insert = text("INSERT INTO wide (a) VALUES (:a)")
        session.execute(insert, {"a": "before"})
        with pytest.raises(ValidationFailed) as caught, within_limits(session):
            session.execute(insert, {"a": "inside"})
            if postgres:
                session.execute(insert, {"a": incompressible(9000)})
            raise ValidationFailed({"a": ["refused"]})
        session.execute(insert, {"a": "after"})
        kept = session.execute(text("SELECT a FROM wide ORDER BY a")).scalars().all()
        session.execute(text("DROP TABLE wide"))  # a temporary table outlives the commit
    assert kept == ["after", "before"]
    refused = {"body": ["holds a value too large to store"]} if postgres else {"a": ["refused"]}
    assert caught.value.details == {"messages": refused}


def test_the_databases_of_one_sqlite_file_take_one_writer_lock(database_url: str) -> None:
    """`kit.db.one_writer`: a second `Database` of the same file (the embedded worker's) waits
    for the first one's write on the process's lock, not in SQLite's busy handler: with no busy
    timeout at all, its write still waits, and then commits."""
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite has one writer")
    first, second = Database(database_url), Database(database_url)
    event.listen(second.engine, "connect", lambda dbapi, _: dbapi.execute("PRAGMA busy_timeout=0"))
    writing, wrote = threading.Event(), threading.Event()

    def write_second() -> None:
        writing.wait()
        with second.transaction() as session:
            session.execute(text("CREATE TEMPORARY TABLE second_writer (a INTEGER)"))
        wrote.set()

    thread = threading.Thread(target=write_second)
    thread.start()
    try:
        with first.transaction() as session:
            session.execute(text("CREATE TEMPORARY TABLE first_writer (a INTEGER)"))
            writing.set()
            assert not wrote.wait(0.5)  # held off while the first write is open
    finally:
        thread.join(timeout=30)
        first.dispose()
        second.dispose()
    assert wrote.is_set()
