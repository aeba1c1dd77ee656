"""A document's e-invoice (EINV §E3): the neutral view built from the document as saved, with
what it refers to read in the caller's transaction."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from spaceport.documents.models import Document
from spaceport.documents.repository import DocumentRepository
from spaceport.einvoices import eslog
from spaceport.einvoices.checks import TYPES, EInvoiceIncomplete
from spaceport.einvoices.model import EInvoice, build
from spaceport.organizations.models import Organization

PRECEDING_TYPES = ("invoice", "advance")  # EINV §E3.1 BG-3


def preceding(session: Session, document: Document) -> list[tuple[str, datetime]]:
    """BG-3: number and date of each invoice or advance in a credit note's `documentIds`."""
    if document.type != "credit-note":
        return []
    ids = [str(i) for i in document.document_ids or [] if isinstance(i, str)]
    found = DocumentRepository(session).referable(document.organization_id, ids)
    return [
        (str(found[i].number), found[i].date)
        for i in ids
        if i in found and found[i].type in PRECEDING_TYPES and found[i].number
    ]


def einvoice_of(
    session: Session,
    document: Document,
    organization: Organization,
    refused: Mapping[str, Sequence[str]] | None = None,
) -> EInvoice:
    """The e-invoice, or the one 422 of EINV §E5.1 (with `refused`, the request's own)."""
    return build(document, organization.timezone, preceding(session, document), refused)


def check_on_save(session: Session, organization: Organization, document: Document) -> None:
    """EINV §E6: `isValidEslog` is whether `format=eslog` would answer 200 for the document as
    saved; with `validateEslog` (stored, for every later save until set false) an issued
    invoice, advance or credit note that has none is refused with EINV §E5's 422 before
    anything is written. A draft is checked when it is finalized."""
    try:
        eslog.to_xml(einvoice_of(session, document, organization))
    except EInvoiceIncomplete:
        document.is_valid_eslog = False
        if document.validate_eslog and document.type in TYPES and not document.draft:
            raise
    else:
        document.is_valid_eslog = True
