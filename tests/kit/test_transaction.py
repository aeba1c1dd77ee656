"""The transaction belongs to the request (kit.transaction): reads read, writes write, and the
routes that write on GET declare it (`writes`): `GET /v1/accounts/confirm`, `GET
/v1/accountorganizations/:id/accept|reject`, `GET /v1/accounts/:id/send-verification`. A
document's create computes before its write; on PostgreSQL writers of different
organizations do not wait for each other."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, text

from spaceport.kit.db import Database
from tests.conftest import Api, Inbox, LiveServer


@contextmanager
def transactions_begun(database: Database) -> Iterator[list[bool]]:
    """Whether each transaction begun meanwhile was a writing one."""
    begun: list[bool] = []

    def record(connection: Any) -> None:
        begun.append(bool(connection.get_execution_options().get("spaceport_write")))

    event.listen(database.engine, "begin", record)
    try:
        yield begun
    finally:
        event.remove(database.engine, "begin", record)


def test_a_read_takes_a_reading_transaction(api: Api, database: Database) -> None:
    with transactions_begun(database) as begun:
        assert api.get(f"/v1/accounts/{api.account_id}/is-verified").status_code == 200
    assert begun == [False]


def test_confirming_an_email_on_get_writes(
    client: TestClient, inbox: Inbox, database: Database
) -> None:
    api = Api(client)
    with transactions_begun(database) as begun:
        assert api.get(f"/v1/accounts/{api.account_id}/send-verification").status_code == 200
    assert begun == [True]
    message = inbox.to(api.email)[-1]
    plain = next(part for part in message.walk() if part.get_content_type() == "text/plain")
    text = plain.get_payload(decode=True)
    assert isinstance(text, bytes)
    link = re.search(r"(/v1/accounts/confirm\?\S+)", text.decode())
    assert link
    with transactions_begun(database) as begun:
        assert client.get(link.group(1)).json() == {"success": True}
    assert begun == [True]
    assert api.get(f"/v1/accounts/{api.account_id}/is-verified").json() == {"isVerified": True}


def test_accepting_and_rejecting_an_invitation_on_get_write(
    client: TestClient, database: Database
) -> None:
    admin, colleague = Api(client), Api(client)
    oid = admin.create_organization()["id"]
    response = admin.post(
        f"/v1/organizations/{oid}/invite", data={"accountId": colleague.account_id}
    )
    assert response.status_code == 200, response.text
    access = response.json()
    assert access["active"] is False
    for answer in ("reject", "accept"):
        with transactions_begun(database) as begun:
            got = colleague.get(f"/v1/accountorganizations/{access['id']}/{answer}")
            assert got.json() == {"success": True}
        assert begun == [True]
    assert colleague.get(f"/v1/organizations/{oid}").status_code == 200


def test_a_document_is_built_in_a_reading_transaction_and_saved_in_one_write(
    api: Api, database: Database
) -> None:
    """Issue 15 item 6: the caller, the scope and the whole document are read and
    computed before the write, which is one short writing transaction; the new client the
    document names is saved in that write with it (COMPAT §6.4)."""
    org_id = api.create_organization()["id"]
    body = {
        "_documentClient": {"name": "Rocket Man", "country": "Belgium"},
        "_documentItems": [{"name": "Suit", "price": 100, "_documentItemTaxes": [{"rate": 21}]}],
    }
    with transactions_begun(database) as begun:
        created = api.post(f"/v1/organizations/{org_id}/documents", json=body)
    assert created.status_code == 200, created.text
    assert begun == [False, True]
    document = created.json()
    client = api.get(f"/v1/clients/{document['clientId']}").json()
    assert client["name"] == "Rocket Man" and client["organizationId"] == org_id
    assert document["_documentClient"]["name"] == "Rocket Man"
    assert document["_documentClient"]["taxSubject"] is False  # the new client's default


def test_writers_of_two_organizations_do_not_wait_for_each_other(
    api: Api, database: Database, live_server: LiveServer
) -> None:
    """Issue 13 item 2: on PostgreSQL a writer waits only on the rows it changes. While another
    connection holds organization A's numbering counter (COMPAT §6.2), a create in B answers,
    and a create in A waits for the counter and then takes the next number. SQLite has one
    writer (the file's write lock): there every writer takes its turn."""
    if database.dialect == "sqlite":
        pytest.skip("SQLite has one writer: writers take turns (kit.transaction)")
    first, second = api.create_organization()["id"], api.create_organization()["id"]
    body = {
        "_documentClient": {"name": "Rocket Man"},
        "_documentItems": [{"name": "Suit", "price": 100, "_documentItemTaxes": [{"rate": 21}]}],
    }

    def create(org_id: str) -> httpx.Response:
        url = f"{live_server.url}/v1/organizations/{org_id}/documents"
        return httpx.post(url, headers=api.headers, json=body, timeout=60)

    assert create(first).status_code == 200  # A's counter exists
    with database.engine.connect() as holder, ThreadPoolExecutor(max_workers=1) as pool:
        holder.execute(
            text("SELECT last FROM document_counters WHERE organization_id = :org FOR UPDATE"),
            {"org": first},
        )
        waiting = pool.submit(create, first)
        other = create(second)
        assert other.status_code == 200, other.text
        assert other.json()["number"].endswith("-00001")
        time.sleep(0.5)
        assert not waiting.done()  # A's create waits for A's counter
        holder.rollback()
        answer = waiting.result(timeout=60)
    assert answer.status_code == 200, answer.text
    assert answer.json()["number"].endswith("-00002")


def test_one_phase_reads_take_turns_in_the_read_lane(settings: Any, database: Database) -> None:
    """Issue 13: at most `read_threads` one-phase reads (`read_phase`) of a process run at once;
    the others wait in the event loop, not in threads that want the GIL."""
    from spaceport.app import create_app

    app = create_app(settings.model_copy(update={"read_threads": 1}), database)
    server = LiveServer(app)
    running: set[int] = set()
    most = 0

    def begin(_connection: Any) -> None:
        nonlocal most
        running.add(threading.get_ident())
        most = max(most, len(running))
        time.sleep(0.02)  # long enough that reads sent together would overlap

    def end(_connection: Any) -> None:
        running.discard(threading.get_ident())

    try:
        api = Api(TestClient(app))
        org_id = api.create_organization()["id"]
        url = f"{server.url}/v1/organizations/{org_id}/clients"
        listeners = [("begin", begin), ("commit", end), ("rollback", end)]
        for name, listener in listeners:
            event.listen(database.engine, name, listener)
        try:
            with ThreadPoolExecutor(max_workers=8) as pool:
                answers = list(
                    pool.map(lambda _: httpx.get(url, headers=api.headers, timeout=60), range(16))
                )
        finally:
            for name, listener in listeners:
                event.remove(database.engine, name, listener)
    finally:
        server.stop()
    assert [a.status_code for a in answers] == [200] * 16
    assert most == 1
