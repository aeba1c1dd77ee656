"""Generating the due iterations in the worker (`recurrence.tick`): copies with the iteration's
date and shifted dates, new numbers, catch-up exactly once, saveAsDraft, autoSend through a real
SMTP server, a failure activity without a client email, and the creator's notification."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from spaceport.background import TASKS
from spaceport.config import Settings
from spaceport.jobs.models import Job
from spaceport.jobs.worker import Worker
from spaceport.kit.db import Database, utcnow
from spaceport.recurrences import service
from tests.conftest import Api, Inbox
from tests.documents.test_endpoints import create

KINDS = {service.TICK, service.NOTIFY, "document.send"}


@pytest.fixture(autouse=True)
def no_leftover_ticks(database: Database) -> Iterator[None]:
    """Ticks these tests leave pending are not other tests' business."""
    yield
    with database.transaction() as session:
        session.execute(
            update(Job)
            .where(Job.kind.in_([service.TICK, service.NOTIFY]), Job.status == "pending")
            .values(status="done")
        )


def work(database: Database, settings: Settings, rounds: int = 3) -> None:
    """A tick due now (as creating a recurrence enqueues), then the worker's rounds."""
    with database.transaction() as session:
        service.ensure_tick(session)
    worker = Worker(database, settings, TASKS, kinds=KINDS)
    for _ in range(rounds):
        worker.run_once()


def original(api: Api, org_id: str, email: str | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "date": "2020-01-15",
        "dateDue": "2020-01-25",
        "dateService": "2020-01-14",
        "_documentClient": {"name": "Rocket Man", "country": "United Kingdom"},
        "_documentItems": [{"name": "Space suit", "quantity": 2, "price": "1000"}],
        "note": "Thank you for [document number]",
    }
    if email:
        data["_documentClient"]["email"] = email
    return create(api, org_id, json=data)


def recur(api: Api, document_id: str, **fields: Any) -> dict[str, Any]:
    data = {"name": "Monthly", "type": "month", "dateFirst": "2020-03-10", "numRecurrences": 3}
    response = api.post(f"/v1/documents/{document_id}/recurrence", json={**data, **fields})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def generated(api: Api, recurrence_id: str) -> list[dict[str, Any]]:
    recurrence = api.get(f"/v1/recurrences/{recurrence_id}").json()
    documents = []
    for entry in recurrence["_recurrenceDates"]:
        assert entry["documentId"], entry
        response = api.get(f"/v1/documents/{entry['documentId']}")
        assert response.status_code == 200, response.text
        documents.append(response.json())
    return documents


def documents_of(api: Api, org_id: str) -> list[dict[str, Any]]:
    body: list[dict[str, Any]] = api.get(
        f"/v1/organizations/{org_id}/documents", params={"filter[order]": "date ASC"}
    ).json()
    return body


def activities(api: Api, document_id: str) -> list[dict[str, Any]]:
    body: list[dict[str, Any]] = api.get(f"/v1/documents/{document_id}/activities").json()
    return body


def test_missed_iterations_are_caught_up_exactly_once(
    api: Api, organization: dict[str, Any], database: Database, settings: Settings, inbox: Inbox
) -> None:
    first = original(api, organization["id"])
    recurrence = recur(api, first["id"])
    work(database, settings)
    copies = generated(api, recurrence["id"])
    assert [c["date"][:10] for c in copies] == ["2020-03-10", "2020-04-10", "2020-05-10"]
    assert [c["dateDue"][:10] for c in copies] == ["2020-03-20", "2020-04-20", "2020-05-20"]
    assert [c["dateService"][:10] for c in copies] == ["2020-03-09", "2020-04-09", "2020-05-09"]
    assert [c["number"] for c in copies] == ["2020-00002", "2020-00003", "2020-00004"]
    assert [c["uniqueId"] for c in copies] == [
        f"recurrence:{recurrence['id']}:{k}" for k in (1, 2, 3)
    ]
    for copy in copies:
        assert copy["draft"] is False
        assert copy["clientId"] == first["clientId"]
        assert copy["_documentClient"]["name"] == "Rocket Man"
        assert [i["name"] for i in copy["_documentItems"]] == ["Space suit"]
        assert copy["total"] == first["total"]
        assert copy["note"] == f"Thank you for {copy['number']}"
        assert activities(api, copy["id"]) == []  # no autoSend
    dates = api.get(f"/v1/recurrences/{recurrence['id']}").json()["_recurrenceDates"]
    assert [(d["iteration"], d["documentId"]) for d in dates] == [
        (k + 1, copy["id"]) for k, copy in enumerate(copies)
    ]
    # notify (the default): the creating account hears of each copy
    notes = [m["Subject"] for m in inbox.to(api.email)]
    assert sorted(n for n in notes if "Monthly" in n) == [
        f"Recurrence Monthly: Invoice {c['number']} created" for c in copies
    ]
    # another run creates nothing more
    work(database, settings)
    assert len(documents_of(api, organization["id"])) == 4
    assert generated(api, recurrence["id"]) == copies


def test_future_iterations_wait(
    api: Api, organization: dict[str, Any], database: Database, settings: Settings
) -> None:
    first = original(api, organization["id"])
    recurrence = recur(api, first["id"], dateFirst="2020-03-10", numRecurrences=1)
    later = api.post(
        f"/v1/documents/{first['id']}/recurrence",
        json={"name": "Later", "type": "year", "dateFirst": "2998-01-01", "numRecurrences": 2},
    ).json()
    work(database, settings)
    assert len(generated(api, recurrence["id"])) == 1
    dates = api.get(f"/v1/recurrences/{later['id']}").json()["_recurrenceDates"]
    assert [(d["date"], d["documentId"]) for d in dates] == [
        ("2998-01-01", None),
        ("2999-01-01", None),
    ]
    assert len(documents_of(api, organization["id"])) == 2


def test_deleted_recurrences_generate_nothing(
    api: Api, organization: dict[str, Any], database: Database, settings: Settings
) -> None:
    first = original(api, organization["id"])
    recurrence = recur(api, first["id"])
    api.delete(f"/v1/recurrences/{recurrence['id']}")
    work(database, settings)
    assert len(documents_of(api, organization["id"])) == 1


def test_save_as_draft(
    api: Api, organization: dict[str, Any], database: Database, settings: Settings
) -> None:
    first = original(api, organization["id"])
    recurrence = recur(api, first["id"], saveAsDraft=True, numRecurrences=2, notify=False)
    work(database, settings)
    copies = generated(api, recurrence["id"])
    assert [(c["draft"], c["number"]) for c in copies] == [(True, None), (True, None)]


def test_auto_send_mails_the_client(
    api: Api, organization: dict[str, Any], database: Database, settings: Settings, inbox: Inbox
) -> None:
    email = f"client-{uuid.uuid4().hex[:8]}@example.com"
    first = original(api, organization["id"], email=email)
    recurrence = recur(api, first["id"], autoSend=True, numRecurrences=2, notify=False)
    work(database, settings)
    copies = generated(api, recurrence["id"])
    subjects = sorted(m["Subject"] for m in inbox.to(email))
    assert subjects == [f"Invoice {c['number']}" for c in copies]
    for copy in copies:
        kinds = [a["type"] for a in activities(api, copy["id"])]
        assert kinds == ["sent", "delivered"]
    assert inbox.to(api.email) == [] or all(
        "Monthly" not in str(m["Subject"]) for m in inbox.to(api.email)
    )


def test_auto_send_without_a_client_email_is_a_failure_activity(
    api: Api, organization: dict[str, Any], database: Database, settings: Settings
) -> None:
    first = original(api, organization["id"])
    recurrence = recur(api, first["id"], autoSend=True, numRecurrences=1)
    work(database, settings)
    [copy] = generated(api, recurrence["id"])
    [failed] = activities(api, copy["id"])
    assert failed["type"] == "failed" and failed["detail"] == service.NO_EMAIL


def test_draft_copies_are_not_auto_sent(
    api: Api, organization: dict[str, Any], database: Database, settings: Settings
) -> None:
    first = original(api, organization["id"], email=f"c-{uuid.uuid4().hex[:8]}@example.com")
    recurrence = recur(api, first["id"], autoSend=True, saveAsDraft=True, numRecurrences=1)
    work(database, settings)
    [copy] = generated(api, recurrence["id"])
    assert copy["draft"] is True
    assert [(a["type"], a["detail"]) for a in activities(api, copy["id"])] == [
        ("failed", service.DRAFT)
    ]


def test_several_workers_create_each_iteration_once(
    api: Api, organization: dict[str, Any], database: Database
) -> None:
    first = original(api, organization["id"])
    recurrence = recur(api, first["id"], type="week", numRecurrences=4, notify=False)
    with ThreadPoolExecutor(max_workers=3) as pool:
        list(pool.map(lambda _: service.run_due(database), range(3)))
    copies = generated(api, recurrence["id"])
    assert len({c["id"] for c in copies}) == 4
    assert [c["date"][:10] for c in copies] == [
        "2020-03-10",
        "2020-03-17",
        "2020-03-24",
        "2020-03-31",
    ]
    assert len(documents_of(api, organization["id"])) == 5


def test_the_tick_schedules_the_next_one(
    api: Api, organization: dict[str, Any], database: Database, settings: Settings
) -> None:
    first = original(api, organization["id"])
    recur(api, first["id"], numRecurrences=1, notify=False)
    work(database, settings, rounds=1)
    with database.transaction(write=False) as session:
        pending = list(
            session.scalars(select(Job).where(Job.kind == service.TICK, Job.status == "pending"))
        )
    assert len(pending) == 1
    assert pending[0].run_at > utcnow() + timedelta(seconds=service.TICK_SECONDS - 10)
