"""FISCAL §S12 through HTTP and the worker: FURS down → pending → resubmitted with
`SubsequentSubmit` after the delays until verified; a refusal recorded, never retried; every
status change after the commit a `document/update` event."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from spaceport.background import TASKS
from spaceport.config import Settings
from spaceport.fiscal.sending import RESUBMIT
from spaceport.jobs.models import Job
from spaceport.jobs.worker import Worker
from spaceport.kit.db import Database
from tests.conftest import Api
from tests.fiscal.conftest import INVOICE
from tests.fiscal.furs import FursServer

DELAYS = (timedelta(seconds=0.2), timedelta(seconds=0.4))


@pytest.fixture
def worker(
    database: Database, fiscal_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> Worker:
    monkeypatch.setattr(fiscal_settings, "furs_retry_delays", DELAYS)
    monkeypatch.setattr(fiscal_settings, "furs_timeout_seconds", 1.0)
    return Worker(database, fiscal_settings, TASKS, kinds={RESUBMIT})


def run_until(worker: Worker, done: Any, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        assert time.monotonic() < deadline, "the worker did not get there in time"
        worker.run_once()
        time.sleep(0.05)


def sent(furs: FursServer, zoi: str) -> list[Any]:
    """What FURS received for one document (the worker also resubmits other tests' records)."""
    return [r for r in furs.invoices() if r.invoice["ProtectedID"] == zoi]


def updates(api: Api, oid: str, document_id: str) -> list[dict[str, Any]]:
    found = api.get(f"/v1/organizations/{oid}/events").json()
    return [e for e in found if e["event"] == "document/update" and e["data"]["id"] == document_id]


def test_furs_down_at_lunchtime_pending_then_resubmitted_until_verified(
    api: Api, verifying: dict[str, Any], furs: FursServer, worker: Worker, database: Database
) -> None:
    """FISCAL §S12.2: unreachable → pending, `eor: null`, still 200; FISCAL §S12.3: the worker
    resubmits after each delay (the last repeats) with `SubsequentSubmit` true, the same
    `Invoice` under a new Header; FISCAL §S12.4: number and ZOI unchanged, the change recorded."""
    oid = verifying["id"]
    furs.down()
    created = api.post(f"/v1/organizations/{oid}/documents", json=INVOICE)
    assert created.status_code == 200, created.text
    document = created.json()
    assert document["_furs"]["status"] == "pending" and document["_furs"]["eor"] is None
    zoi = document["_furs"]["zoi"]

    def failed_twice() -> bool:  # two resubmissions while FURS is down, the last delay repeating
        with database.transaction(write=False) as session:
            mine = select(Job).where(Job.kind == RESUBMIT, Job.organization_id == oid)
            return any(job.attempts >= 2 for job in session.scalars(mine))

    run_until(worker, failed_twice)
    assert furs.invoices() == []
    furs.up()

    def verified() -> bool:
        found = api.get(f"/v1/documents/{document['id']}").json()["_furs"]
        return bool(found["status"] == "verified")

    run_until(worker, verified)
    now = api.get(f"/v1/documents/{document['id']}").json()
    (received,) = sent(furs, zoi)
    assert received.invoice["SubsequentSubmit"] is True
    assert received.invoice["ProtectedID"] == zoi == now["_furs"]["zoi"]
    assert now["number"] == document["number"] and now["date"] == document["date"]
    assert (
        now["_furs"]["eor"] == furs.eor_of[received.message_id]
    )  # the worker also resends others'
    assert now["_furs"]["messageId"] == received.message_id
    assert [u["data"]["_furs"]["status"] for u in updates(api, oid, document["id"])] == ["verified"]
    worker.run_once()
    assert len(sent(furs, zoi)) == 1  # verified: nothing more is sent
    with database.transaction(write=False) as session:
        mine = select(Job).where(Job.kind == RESUBMIT, Job.organization_id == oid)
        (job,) = session.scalars(mine).all()
        assert job.status == "done" and job.attempts >= 3


def test_a_refusal_is_recorded_and_never_retried(
    api: Api, verifying: dict[str, Any], furs: FursServer, worker: Worker
) -> None:
    """FISCAL §S12.2: `failed`, `error {code, message}` as FURS gave them, never retried;
    FISCAL §S12.4: the EOR-less outcome the create receives is recorded too."""
    oid = verifying["id"]
    furs.mode = "refuse"
    document = api.post(f"/v1/organizations/{oid}/documents", json=INVOICE).json()
    code, message = furs.refusal
    assert document["_furs"]["status"] == "failed"
    assert document["_furs"]["error"] == {"code": code, "message": message}
    assert document["number"] == "P1-D1-1"
    furs.mode = "accept"
    time.sleep(0.5)
    worker.run_once()
    assert len(sent(furs, document["_furs"]["zoi"])) == 1
    assert [u["data"]["_furs"]["status"] for u in updates(api, oid, document["id"])] == ["failed"]


def test_turning_it_off_still_resubmits_the_pending(
    api: Api, verifying: dict[str, Any], furs: FursServer, worker: Worker
) -> None:
    """FISCAL §S7.2: turning it off stops new fiscalizations; pending ones are still resubmitted."""
    oid = verifying["id"]
    furs.down()
    document = api.post(f"/v1/organizations/{oid}/documents", json=INVOICE).json()
    defaults = api.get(f"/v1/organizations/{oid}/defaults").json()
    default_id = next(d["id"] for d in defaults if d["name"] == "furs_verifying")
    assert api.patch(f"/v1/defaults/{default_id}", json={"value": False}).status_code == 200
    assert api.post(f"/v1/organizations/{oid}/documents", json=INVOICE).json()["_furs"] is None
    furs.up()
    run_until(worker, lambda: len(sent(furs, document["_furs"]["zoi"])) == 1)
    found = api.get(f"/v1/documents/{document['id']}").json()["_furs"]
    assert found["status"] == "verified"
