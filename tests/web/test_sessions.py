"""Sessions end after 7 days unused, and each use moves their end (WEB §W2.3)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from spaceport.accounts.models import WebSession
from spaceport.kit.db import Database, utcnow
from spaceport.web.sessions import token_hash
from tests.conftest import Api
from tests.web.conftest import signed_in


def age(database: Database, token: str, by: timedelta) -> None:
    with database.transaction() as session:
        stored = session.get(WebSession, token_hash(token))
        assert stored is not None
        stored.last_seen = utcnow() - by


def last_seen_age(database: Database, token: str) -> timedelta:
    with database.transaction(write=False) as session:
        stored = session.get(WebSession, token_hash(token))
        assert stored is not None
        return utcnow() - stored.last_seen


def test_a_session_unused_for_7_days_has_ended(app: Any, api: Api, database: Database) -> None:
    client = signed_in(app, api)
    token = client.cookies.get("spaceport_session") or ""
    age(database, token, timedelta(days=7, minutes=1))
    answer = client.get("/app/", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"].startswith("/app/login")


def test_using_a_session_moves_its_end(app: Any, api: Api, database: Database) -> None:
    """Sliding: a use after an hour stores the new `last_seen` and gives the cookie again."""
    client = signed_in(app, api)
    token = client.cookies.get("spaceport_session") or ""
    age(database, token, timedelta(days=6, hours=23))
    answer = client.get("/app/")
    assert answer.status_code == 200
    assert last_seen_age(database, token) < timedelta(minutes=1)
    assert "spaceport_session=" in " ".join(answer.headers.get_list("set-cookie"))
    age(database, token, timedelta(minutes=5))  # used a moment ago: nothing is written
    client.get("/app/")
    assert last_seen_age(database, token) >= timedelta(minutes=5)
