"""The changes that leave a document's content as it is: delete, cancel and uncancel
(COMPAT §6.13: an issued invoice is canceled, never deleted), with the credit note a fiscalized
document gets (FISCAL §S14.2, FISCAL §S14.3), and mark-sent."""

from __future__ import annotations

from sqlalchemy.orm import Session

from spaceport.config import Settings
from spaceport.documents.answers import record
from spaceport.documents.errors import IssuedInvoiceNotDeletable
from spaceport.documents.models import Document
from spaceport.documents.schemas import DocumentCreate
from spaceport.documents.service import create
from spaceport.fiscal import hooks as fiscal
from spaceport.kit.wire import validate
from spaceport.organizations.models import Organization


def delete(session: Session, document: Document) -> None:
    """COMPAT §6.13: an issued invoice is canceled, never deleted; FISCAL §S14.1 nor a
    fiscalized document."""
    fiscal.guard_delete(document)
    if document.type == "invoice" and not document.draft:
        raise IssuedInvoiceNotDeletable()
    document.soft_delete()
    session.flush()
    record(session, document, "delete")


def cancel(
    session: Session, organization: Organization, document: Document,
    server: Settings | None = None, account_id: str | None = None,
) -> str | None:  # fmt: skip
    """COMPAT §6.13; FISCAL §S14.2: a fiscalized invoice or advance stays, canceled, and a
    fiscalized negative credit note is created in the same transaction (its id answered)."""
    body = fiscal.credit_note_of(document)
    data = validate(DocumentCreate, body) if body else None
    credit = data and create(session, organization, account_id or "", data, server)
    set_flag(session, document, "canceled", True)
    return credit.id if credit else None


def uncancel(session: Session, document: Document) -> None:
    """FISCAL §S14.3: a fiscalized document's cancel stays."""
    fiscal.guard_uncancel(document)
    set_flag(session, document, "canceled", False)


def set_flag(session: Session, document: Document, name: str, value: bool) -> None:
    """cancel / uncancel (`canceled`) and mark-sent (`sentSnailMail`)."""
    setattr(document, name, value)
    session.flush()
    record(session, document, "update")
