"""The resource routes (kit.routes): a read (get, find, count, and a parent's children) and a
write (create, in the organization or in a parent, update, delete) run in one phase each, the
caller, the scope, the body and the answer in one thread (issue 13: each hop between the event
loop and a thread costs more than a query), and keep COMPAT §2.2's order of answers."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import anyio.to_thread
import pytest
from sqlalchemy import event

from spaceport.kit.db import Database
from tests.access.test_authorization import read_code
from tests.conftest import Api

BODY = {
    "_documentClient": {"name": "Rocket Man"},
    "_documentItems": [{"name": "Suit", "price": 100, "_documentItemTaxes": [{"rate": 21}]}],
}


@pytest.fixture
def hops(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The name of each function sent to a thread meanwhile (Starlette and FastAPI send theirs
    through `anyio.to_thread.run_sync`, as `kit.transaction` does)."""
    sent: list[str] = []
    run_sync = anyio.to_thread.run_sync

    async def counted(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        sent.append(getattr(function, "__qualname__", repr(function)))
        return await run_sync(function, *args, **kwargs)

    monkeypatch.setattr(anyio.to_thread, "run_sync", counted)
    yield sent


@pytest.mark.parametrize(
    "path",
    [
        "/v1/documents/{document}",
        "/v1/documents/{document}?filter[include]=payments",
        "/v1/organizations/{org}/documents?filter[where][type]=invoice&filter[order]=date DESC",
        "/v1/organizations/{org}/documents/count?where[type]=invoice",
        "/v1/documents/{document}/payments",
        "/v1/documents/{document}/payments/count",
    ],
)
def test_a_read_is_one_hop_to_a_thread(api: Api, hops: list[str], path: str) -> None:
    org_id = api.create_organization()["id"]
    document = api.post(f"/v1/organizations/{org_id}/documents", json=BODY).json()
    hops.clear()
    answer = api.get(path.format(org=org_id, document=document["id"]))
    assert answer.status_code == 200, answer.text
    assert len(hops) == 1, hops


def test_a_read_answers_as_before(api: Api) -> None:
    org_id = api.create_organization()["id"]
    document = api.post(f"/v1/organizations/{org_id}/documents", json=BODY).json()
    assert api.get(f"/v1/documents/{document['id']}").json() == document
    listed = api.get(f"/v1/organizations/{org_id}/documents").json()
    assert [d["id"] for d in listed] == [document["id"]]
    assert api.get(f"/v1/organizations/{org_id}/documents/count").json() == {"count": 1}
    # COMPAT §1.3: a GET's JSON body may carry the filter
    fields = api.client.request(
        "GET",
        f"/v1/documents/{document['id']}",
        headers={**api.headers, "Content-Type": "application/json"},
        content=b'{"filter": {"fields": ["id", "number"]}}',
    )
    assert fields.json() == {"id": document["id"], "number": document["number"]}


def test_the_caller_is_judged_before_the_path_and_the_query(api: Api, client: Any) -> None:
    """COMPAT §2.2: no launch code is a 401 whatever the query; an unknown id is a 404; another
    organization's document is a 401; a bad filter is a 400 once the caller may read."""
    org_id = api.create_organization()["id"]
    document = api.post(f"/v1/organizations/{org_id}/documents", json=BODY).json()
    path = f"/v1/documents/{document['id']}"
    assert client.get(f"{path}?filter={{bad").status_code == 401
    assert client.get(f"/v1/organizations/{org_id}/documents?filter={{bad").status_code == 401
    assert api.get(f"{path}?filter={{bad").status_code == 400
    assert api.get(f"/v1/organizations/{org_id}/documents?filter={{bad").status_code == 400
    assert api.get("/v1/documents/nothing-here").status_code == 404
    stranger = Api(client)
    assert stranger.get(path).status_code == 401
    assert stranger.get(f"/v1/organizations/{org_id}/documents/count").status_code == 401
    client_id = api.post(f"/v1/organizations/{org_id}/clients", data={"name": "Gone"}).json()["id"]
    assert api.delete(f"/v1/clients/{client_id}").status_code == 200
    assert api.get(f"/v1/clients/{client_id}").status_code == 404  # COMPAT §5.1: deleted


def test_a_read_by_id_asks_two_queries(api: Api, database: Database) -> None:
    """Issue 13: the launch code's account, then the instance with its organization and the
    caller's access (`OrganizationRepository.via_with_access`), then nothing more."""
    org_id = api.create_organization()["id"]
    document = api.post(f"/v1/organizations/{org_id}/documents", json=BODY).json()
    selects: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            selects.append(statement)

    event.listen(database.engine, "before_cursor_execute", record)
    try:
        answer = api.get(f"/v1/documents/{document['id']}")
    finally:
        event.remove(database.engine, "before_cursor_execute", record)
    assert answer.status_code == 200, answer.text
    assert len(selects) == 2, selects


WRITES: list[tuple[str, str, Any]] = [
    ("POST", "/v1/organizations/{org}/clients", {"name": "Rocket Man"}),
    ("PATCH", "/v1/clients/{client}", {"city": "Ljubljana"}),
    ("PUT", "/v1/clients/{client}", {"city": "Maribor"}),
    ("DELETE", "/v1/clients/{client}", None),
    ("POST", "/v1/pricelists/{pricelist}/prices", {"itemId": "{item}", "price": 9}),
]


# A document's own writes (its update, its payments), one phase each too.
DOCUMENT_WRITES: list[tuple[str, str, Any]] = [
    ("PATCH", "/v1/documents/{document}", {"note": "Thanks"}),
    ("POST", "/v1/documents/{document}/payments", {"type": "bank", "amount": 1}),
    ("POST", "/v1/organizations/{org}/payments", {"type": "bank", "documentId": "{document}"}),
    ("POST", "/v1/documents/{document}/mark-sent", None),
]


def _write_targets(api: Api) -> dict[str, str]:
    org_id = api.create_organization()["id"]
    made = {
        "client": api.post(f"/v1/organizations/{org_id}/clients", json={"name": "Orbit"}),
        "item": api.post(f"/v1/organizations/{org_id}/items", json={"name": "Suit", "price": 1}),
        "pricelist": api.post(f"/v1/organizations/{org_id}/pricelists", json={"name": "Retail"}),
    }
    targets = {"org": org_id, **{name: answer.json()["id"] for name, answer in made.items()}}
    document = {"clientId": targets["client"], "_documentItems": BODY["_documentItems"]}
    created = api.post(f"/v1/organizations/{org_id}/documents", json=document)
    return {**targets, "document": created.json()["id"]}


def _filled(body: Any, targets: dict[str, str]) -> Any:
    return None if body is None else {k: str(v).format(**targets) for k, v in body.items()}


@pytest.mark.parametrize(("method", "path", "body"), WRITES + DOCUMENT_WRITES)
def test_a_write_is_one_hop_to_a_thread(
    api: Api, hops: list[str], method: str, path: str, body: Any
) -> None:
    """Issue 13: the caller, the scope, the body's validation, the write and its answer in the
    thread of one writing transaction (`Binding.write`)."""
    targets = _write_targets(api)
    hops.clear()
    answer = api.client.request(
        method, path.format(**targets), headers=api.headers, json=_filled(body, targets)
    )
    assert answer.status_code == 200, answer.text
    assert len(hops) == 1, hops


def test_a_document_is_created_in_two_hops(api: Api, hops: list[str]) -> None:
    """Built in a reading phase, saved in a writing one (issue 15 item 6), and nothing else."""
    org_id = api.create_organization()["id"]
    hops.clear()
    created = api.post(f"/v1/organizations/{org_id}/documents", json=BODY)
    assert created.status_code == 200, created.text
    assert len(hops) == 2, hops


@pytest.mark.parametrize(("method", "path", "body"), WRITES)
def test_a_write_judges_the_caller_and_the_path_before_the_body(
    api: Api, client: Any, method: str, path: str, body: Any
) -> None:
    """COMPAT §2.2: no launch code is a 401 whatever the body; another organization's path is a
    401 and an unknown id a 404 before the body is read; a code scoped to reading is a 403; a
    bad body is a 400 or 422 once the caller may write, and nothing is written."""
    targets = _write_targets(api)
    url = path.format(**targets)
    bad = {"name": {"nested": ["x"]}, "city": 12, "price": "many", "itemId": []}
    malformed = {"content": b"{not json", "headers": {"Content-Type": "application/json"}}
    assert client.request(method, url, json=bad).status_code == 401
    assert client.request(method, url, **malformed).status_code == 401
    no_boundary = {"Content-Type": "multipart/form-data"}  # a multipart body that cannot be read
    assert client.request(method, url, headers=no_boundary, content=b"x").status_code == 401
    stranger = Api(client)
    assert client.request(method, url, headers=stranger.headers, json=bad).status_code == 401
    if "{org}" not in path:
        unknown = re.sub(r"/v1/(\w+)/[^/]+", r"/v1/\1/nothing-here", url, count=1)
        answer = api.client.request(method, unknown, headers=api.headers, json=bad)
        assert answer.status_code == 404, answer.text
    reader = {"Authorization": read_code(api)}
    assert client.request(method, url, headers=reader, json=bad).status_code == 403
    if body is not None:
        refused = api.client.request(method, url, headers=api.headers, json=bad)
        assert refused.status_code == 422, refused.text
        assert refused.json()["error"]["statusCode"] == 422
        json_type = {**api.headers, "Content-Type": "application/json"}
        garbled = api.client.request(method, url, headers=json_type, content=b"{not json")
        assert garbled.status_code == 400, garbled.text
        unreadable = {**api.headers, **no_boundary}
        answer = api.client.request(method, url, headers=unreadable, content=b"x")
        assert answer.status_code == 400, answer.text
        assert answer.json()["error"]["statusCode"] == 400
    assert api.get(f"/v1/clients/{targets['client']}").json()["name"] == "Orbit"
    assert api.get(f"/v1/organizations/{targets['org']}/clients/count").json() == {"count": 1}
    prices = api.get(f"/v1/pricelists/{targets['pricelist']}/prices/count").json()
    assert prices == {"count": 0}


@pytest.mark.parametrize(
    "query",
    [
        "filter=" + "[" * 5000 + "]" * 5000,  # deep nesting
        "filter[where][" + "][".join("a" * 30) + "]=1",
        "filter[limit]=1" + "0" * 400,  # a huge number
        "filter[where][date][gt]=99999-01-01",  # a far date
        "filter[where][totalWithTax][gt]=not-a-number",
        "filter[order]=" + "x" * 20_000,  # a long string
        "filter[include]=nothing-of-the-kind",
        "filter=" + '{"limit": "many", "skip": -1}',
        "where=" + '{"number": {"like": ' + "[" * 3000 + "]" * 3000 + "}}",
    ],
)
def test_a_bad_query_of_a_read_is_a_4xx(api: Api, query: str) -> None:
    """Decoded in the read's own thread (`_read`), a query still meets COMPAT §2's bounds:
    a clear 4xx in the LoopBack envelope, never a 500."""
    org_id = api.create_organization()["id"]
    document = api.post(f"/v1/organizations/{org_id}/documents", json=BODY).json()
    for path in (
        f"/v1/documents/{document['id']}",
        f"/v1/organizations/{org_id}/documents",
        f"/v1/organizations/{org_id}/documents/count",
        f"/v1/documents/{document['id']}/payments",
    ):
        answer = api.get(f"{path}?{query}")
        assert answer.status_code < 500, (path, answer.text[:300])
        if answer.status_code >= 400:
            assert answer.json()["error"]["statusCode"] == answer.status_code
    body = api.client.request(
        "GET",
        f"/v1/organizations/{org_id}/documents",
        headers={**api.headers, "Content-Type": "application/json"},
        content=b'{"filter": ' + b"[" * 5000 + b"]" * 5000 + b"}",
    )
    assert 400 <= body.status_code < 500, body.text[:300]
