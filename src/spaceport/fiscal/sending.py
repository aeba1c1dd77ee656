"""Sending a fiscalized document to FURS after its commit, and resubmitting it (FISCAL §S12).

FISCAL §S12.1: one send after the commit, in no transaction and holding no write lock; the
outcome is stored in a short transaction of its own. FISCAL §S12.2: the EOR makes it
`verified`; a refusal `failed` with FURS's code and message, never retried; unreachable
leaves it `pending`. FISCAL §S12.3: every pending record has one resubmission job, enqueued
with the record; the worker sends the same `Invoice` with `SubsequentSubmit` true under a new
Header after each delay of `SPACEPORT_FURS_RETRY_DELAYS` (the last repeats) until FURS
verifies or refuses it: one send per due retry with any number of workers (the job's lease),
across restarts (the job is a row). FISCAL §S12.4: every status change after the commit
records `document/update`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from spaceport.config import Settings
from spaceport.documents.answers import record as record_event
from spaceport.documents.models import Document
from spaceport.fiscal import client, messages
from spaceport.fiscal.credentials import Credentials
from spaceport.fiscal.issuing import furs_answer
from spaceport.fiscal.models import FiscalRecord
from spaceport.fiscal.premises import stored_credentials
from spaceport.jobs import service as jobs
from spaceport.jobs.models import Job
from spaceport.jobs.retry import retry_later
from spaceport.kit.db import Database, utcnow

RESUBMIT: Final = "fiscal.resubmit"


def enqueue_resubmission(session: Session, settings: Settings, record: FiscalRecord) -> None:
    """In the creating transaction: the record's one resubmission job, due after the first
    delay (it finds the record verified and ends if the first send was confirmed)."""
    first = settings.furs_retry_delays[0] + timedelta(seconds=settings.furs_timeout_seconds)
    jobs.enqueue(
        session,
        RESUBMIT,
        {"recordId": record.id},
        organization_id=record.organization_id,
        run_at=utcnow() + first,
        queue=f"fiscal:{record.id}",
    )


@dataclass(frozen=True)
class Pending:
    env: str
    body: messages.Message
    credentials: Credentials


def _pending(database: Database, settings: Settings, record_id: str) -> Pending | None:
    with database.transaction(write=False) as session:
        record = session.get(FiscalRecord, record_id)
        if record is None or record.status != "pending":
            return None
        credentials = stored_credentials(session, settings, record.organization_id)
        if credentials is None:
            return None
        return Pending(record.env, messages.decode(record.invoice), credentials)


@dataclass(frozen=True)
class Attempt:
    """One send and what FURS made of it: an EOR, a refusal (code, message), or nothing."""

    message_id: str
    eor: str | None = None
    error: tuple[str, str] | None = None


def attempt(
    database: Database, settings: Settings, record_id: str, *, subsequent: bool
) -> Attempt | None:
    """One send of a pending record, in no transaction; None when it is no longer pending."""
    pending = _pending(database, settings, record_id)
    if pending is None:
        return None
    request = messages.invoice_request(pending.body, utcnow(), subsequent=subsequent)
    message_id: str = request["InvoiceRequest"]["Header"]["MessageID"]
    try:
        eor = client.send_invoice(settings, pending.env, pending.credentials, request)
    except client.Refused as refused:
        return Attempt(message_id, error=(refused.code, refused.message))
    except client.Unreachable:
        return Attempt(message_id)
    return Attempt(message_id, eor=eor)


def send(database: Database, settings: Settings, record_id: str, *, subsequent: bool) -> str:
    """One send and its outcome stored; the record's status after it."""
    sent = attempt(database, settings, record_id, subsequent=subsequent)
    return status_of(database, record_id) if sent is None else store(database, record_id, sent)


def status_of(database: Database, record_id: str) -> str:
    with database.transaction(write=False) as session:
        found = session.get(FiscalRecord, record_id)
        return found.status if found else "failed"


def store(database: Database, record_id: str, sent: Attempt) -> str:
    """The outcome of `sent` in a short writing transaction (FISCAL §S12.2, FISCAL §S12.4)."""
    with database.transaction() as session:
        record = session.scalars(
            select(FiscalRecord).where(FiscalRecord.id == record_id).with_for_update()
        ).one()
        if record.status != "pending":  # another send got there first
            return record.status
        now = utcnow()
        record.message_id, record.last_sent_at = sent.message_id, now
        record.sends += 1
        if sent.eor is not None:
            record.status, record.eor, record.verified_at = "verified", sent.eor, now
        elif sent.error is not None:
            record.status = "failed"
            record.error_code, record.error_message = sent.error
        document = session.get(Document, record.document_id)
        if document is not None:
            document.furs = furs_answer(record, previous=document.furs)
            session.flush()
            if record.status != "pending":
                record_event(session, document, "update")  # FISCAL §S12.4
        return record.status


def resubmit(database: Database, settings: Settings, job: Job) -> None:
    """The worker's handler (FISCAL §S12.3): one resubmission per due retry."""
    status = send(database, settings, str(job.payload["recordId"]), subsequent=True)
    if status == "pending":
        later = retry_later(
            settings.furs_retry_delays, job.attempts + 1, "FURS unreachable", repeat_last=True
        )
        assert later is not None  # the last delay repeats
        raise later
