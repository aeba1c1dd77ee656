"""Sending a document by email (reference "Send a Document in Email"): queued with the request,
sent by the worker after the commit with the PDF attached, retried with backoff, and every
step kept as a document activity (sent, delivered, failed, opened)."""

from __future__ import annotations

import html
import secrets
import smtplib
from typing import Any

from email_validator import EmailNotValidError, validate_email
from sqlalchemy.orm import Session

from spaceport.config import Settings
from spaceport.documents import printing, service, smartcodes
from spaceport.documents.models import Document, DocumentActivity
from spaceport.documents.repository import ActivityRepository, DocumentRepository
from spaceport.jobs import service as jobs
from spaceport.jobs.models import Job
from spaceport.jobs.retry import retry_later
from spaceport.kit.db import Database
from spaceport.kit.errors import invalid
from spaceport.kit.mail import Attachment, Mail, MailNotConfigured, send
from spaceport.organizations.repository import OrganizationRepository
from spaceport.pdf.render import cached_render

SEND = "document.send"
# A transparent 1x1 GIF: the tracking pixel (`opened`).
PIXEL = bytes.fromhex(
    "47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b"
)


def recipients_of(text: str) -> list[str]:
    """Comma-separated recipients, each a valid address (422 naming the bad one)."""
    recipients = [part.strip() for part in text.split(",") if part.strip()]
    if not recipients:
        raise invalid("recipients", "can't be blank")
    for address in recipients:
        try:
            validate_email(address, check_deliverability=False)
        except EmailNotValidError as exc:
            raise invalid("recipients", f"{address!r} is not a valid email address: {exc}") from exc
    return recipients


def activity(
    session: Session,
    document: Document,
    kind: str,
    recipients: list[str],
    detail: str | None = None,
) -> DocumentActivity:
    row = DocumentActivity(
        organization_id=document.organization_id,
        document_id=document.id,
        type=kind,
        recipients=recipients,
        detail=detail,
    )
    return ActivityRepository(session).add(row)


def queue(
    session: Session,
    document: Document,
    reply_to: str,
    language: str | None,
    given: dict[str, Any],
) -> None:
    """Record `sent` and queue the sending; it happens once this transaction commits. Replies
    go to `reply_to` (the sending account's email)."""
    recipients = recipients_of(given["recipients"])
    answer = service.answer(document)
    sent = activity(session, document, "sent", recipients)
    sent.token = secrets.token_hex(16)
    payload = {
        "documentId": document.id,
        "recipients": recipients,
        "subject": smartcodes.parse(given["subject"], answer) or "",
        "message": smartcodes.parse(given["message"], answer) or "",
        "language": language,
        "replyTo": reply_to,
        "token": sent.token,
    }
    jobs.enqueue(session, SEND, payload, organization_id=document.organization_id)


def mail_of(
    payload: dict[str, Any], organization: str, attachment: Attachment, settings: Settings
) -> Mail:
    pixel = f"{settings.public_url}/v1/t/{payload['token']}.gif"
    body = html.escape(payload["message"]).replace("\n", "<br>\n")
    return Mail(
        to=payload["recipients"],
        subject=payload["subject"],
        text=payload["message"],
        html=f'<p>{body}</p>\n<img src="{pixel}" width="1" height="1" alt="">',
        from_name=organization,
        reply_to=payload["replyTo"],
        attachments=[attachment],
    )


def send_document(database: Database, settings: Settings, job: Job) -> None:
    """The handler of `document.send` jobs: render outside any transaction, hand the mail to
    SMTP, keep what happened. A refused delivery is retried after the delays, then `failed`."""
    payload = job.payload
    with database.transaction(write=False) as session:
        document = DocumentRepository(session).get(payload["documentId"], include_deleted=True)
        organizations = OrganizationRepository(session)
        organization = organizations.get(document.organization_id) if document else None
        if document is None or organization is None:
            raise jobs.GiveUp("the document no longer exists")
        source = printing.document_source(session, document, organization, payload.get("language"))
        name = organization.name
    attachment = Attachment(
        f"{document.number or document.id}.pdf", cached_render(source), "application/pdf"
    )
    try:
        send(mail_of(payload, name, attachment, settings), settings.smtp_url, settings.mail_from)
    except (OSError, smtplib.SMTPException, MailNotConfigured) as exc:
        if not isinstance(exc, MailNotConfigured):  # no SMTP server configured: no retry
            later = retry_later(settings.mail_retry_delays, job.attempts, str(exc))
            if later is not None:
                raise later from exc
        keep(database, document.id, "failed", payload["recipients"], str(exc))
        raise jobs.GiveUp(str(exc)) from exc
    keep(database, document.id, "delivered", payload["recipients"])


def keep(
    database: Database,
    document_id: str,
    kind: str,
    recipients: list[str],
    detail: str | None = None,
) -> None:
    with database.transaction() as session:
        document = DocumentRepository(session).get(document_id, include_deleted=True)
        if document is not None:
            activity(session, document, kind, recipients, detail)


def opened(session: Session, token: str) -> None:
    """The tracking pixel was fetched: the mail of that `sent` activity was opened."""
    sent = ActivityRepository(session).by_token(token)
    if sent is None:
        return
    document = DocumentRepository(session).get(sent.document_id, include_deleted=True)
    if document is not None:
        activity(session, document, "opened", sent.recipients)


def activities_of(session: Session, document: Document) -> list[DocumentActivity]:
    return ActivityRepository(session).of_document(document.id)
