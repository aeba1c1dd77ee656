"""What a document's PDF shows, gathered by the document in one short read; `pdf/` only renders
it afterwards (`Source` → bytes), outside the transaction (DESIGN)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from spaceport.documents import defaults
from spaceport.documents.answers import answer, include_payments
from spaceport.documents.models import Document
from spaceport.documents.repository import DocumentRepository
from spaceport.fiscal import hooks as fiscal
from spaceport.kit.errors import NotFound
from spaceport.organizations.models import Organization
from spaceport.pdf import images
from spaceport.pdf.labels import BABEL_LOCALES, TITLES
from spaceport.pdf.render import Image, Source


def language_of(requested: str | None, organization: Organization) -> str:
    """`l`, else the organization's locale when it is one of the seven, else English."""
    if requested in BABEL_LOCALES:
        return requested
    locale = (organization.locale or "en").replace("-", "_").split("_")[0].lower()
    flags = {babel: flag for flag, babel in BABEL_LOCALES.items()}
    return flags.get(locale, "en")


def references(session: Session, document: Document) -> list[str]:
    """`documentIds` as "<title> <number>" where the referenced document is known."""
    ids = [str(i) for i in document.document_ids or [] if isinstance(i, str)]
    found = DocumentRepository(session).referable(document.organization_id, ids)
    return [f"{found[i].type}:{found[i].number}" if i in found else i for i in ids]


def printable(session: Session, document_id: str) -> Document:
    """The live document whose PDF is asked for (COMPAT §5.1: a deleted one is gone)."""
    document = DocumentRepository(session).get(document_id)
    if document is None:
        raise NotFound(f"Unknown document id {document_id!r}")
    return document


def document_source(
    session: Session, document: Document, organization: Organization, requested: str | None
) -> Source:
    """Everything a PDF of `document` shows, read in the caller's (short) transaction."""
    language = language_of(requested, organization)
    return Source(
        document=answer(document),
        language=language,
        template=defaults.read(session, organization.id).pdf_template,
        timezone=organization.timezone,
        payments=include_payments(session, [document])[document.id],
        references=[localized(r, language) for r in references(session, document)],
        images={
            i.type: Image(i.sha256, i.content_type, i.content)
            for i in images.of_organization(session, organization.id)
        },
        fiscal=fiscal.printed(session, document),  # FISCAL §S15.1
    )


def localized(reference: str, language: str) -> str:
    kind, _, number = reference.partition(":")
    title = TITLES[language].get(kind)
    return f"{title} {number}" if title and number else reference
