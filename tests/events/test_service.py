"""The outbox commits and rolls back with the change it records (COMPAT §8.1)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from spaceport.defaults import service as defaults
from spaceport.events.models import Event
from spaceport.kit.db import Database
from tests.conftest import Api


def events_of(database: Database, organization_id: str) -> list[str]:
    with database.transaction(write=False) as session:
        rows = session.scalars(
            select(Event).where(Event.organization_id == organization_id).order_by(Event.id)
        )
        return [e.event for e in rows]


def test_every_default_change_records_its_event(
    api: Api, database: Database, organization: dict[str, Any]
) -> None:
    oid = organization["id"]
    created = api.post(f"/v1/organizations/{oid}/defaults", data={"name": "x", "value": "1"}).json()
    api.patch(f"/v1/defaults/{created['id']}", data={"value": "2"})
    api.delete(f"/v1/defaults/{created['id']}")
    recorded = events_of(database, oid)
    assert recorded[-3:] == ["default/create", "default/update", "default/delete"]
    with database.transaction(write=False) as session:
        last = session.scalars(
            select(Event).where(Event.organization_id == oid).order_by(Event.id.desc())
        ).first()
        assert last is not None and last.data["value"] == "2" and last.data["id"] == created["id"]


def test_a_rolled_back_change_leaves_no_event(
    database: Database, organization: dict[str, Any]
) -> None:
    oid = organization["id"]
    before = events_of(database, oid)
    with pytest.raises(RuntimeError), database.transaction() as session:
        defaults.create(session, oid, "ghost", "boo")
        raise RuntimeError("the request failed after the change")
    assert events_of(database, oid) == before
    with database.transaction(write=False) as session:
        assert defaults.find(session, oid, "ghost") is None


def test_a_failed_request_commits_neither_change_nor_event(
    api: Api, database: Database, organization: dict[str, Any]
) -> None:
    oid = organization["id"]
    before = events_of(database, oid)
    duplicate = api.post(
        f"/v1/organizations/{oid}/defaults", data={"name": "currencyId", "value": "USD"}
    )
    assert duplicate.status_code == 422
    assert events_of(database, oid) == before
