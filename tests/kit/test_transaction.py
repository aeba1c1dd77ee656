"""The transaction belongs to the request (kit.transaction): reads read, writes write, and the
routes that write on GET declare it (`writes`): `GET /v1/accounts/confirm`, `GET
/v1/accountorganizations/:id/accept|reject`, `GET /v1/accounts/:id/send-verification`."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import event

from spaceport.kit.db import Database
from tests.conftest import Api, Inbox


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
