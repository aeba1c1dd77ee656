"""Documents: the resource, and the use cases that write a document's content: create
(prepared before its write, or whole), update and replace (COMPAT §6.1 through COMPAT §6.14).
What they fill in is `content`'s, numbers are `numbering`'s; delete, cancel and mark-sent are
`cancelling`'s."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from spaceport.clients import service as clients
from spaceport.config import Settings
from spaceport.documents import content, numbering
from spaceport.documents import defaults as document_defaults
from spaceport.documents.answers import ANSWERED, INCLUDES, answer_for, record
from spaceport.documents.answers import answer as answer
from spaceport.documents.errors import (
    FinalizedStaysFinal,
    LinesRequired,
    OnlyInvoicesDraft,
    TypeUnchangeable,
    UniqueIdTaken,
)
from spaceport.documents.models import DATE_ATTRIBUTES, TYPE_DATES, Document
from spaceport.documents.payments import service as payments
from spaceport.documents.repository import DocumentRepository
from spaceport.documents.schemas import DocumentCreate, DocumentUpdate
from spaceport.fiscal import hooks as fiscal
from spaceport.kit.db import utcnow
from spaceport.organizations.models import Organization
from spaceport.resources import Resource

# Listed, counted and got through the resource's routes (COMPAT §4.1, COMPAT §4.3, COMPAT §4.5);
# created and changed by the use cases below (numbering, totals, payments), deleted by
# `cancelling.delete`.
documents = Resource(
    Document,
    "document",
    "documents",
    DocumentCreate,
    DocumentUpdate,
    serialize=answer,
    serialize_for=answer_for,
    includes=INCLUDES,
    repository=DocumentRepository,
    answered=ANSWERED,
)


def search(session: Session, organization_id: str, term: str, limit: int) -> list[Document]:
    """`search-documents`: see `DocumentRepository.search`."""
    return DocumentRepository(session).search(organization_id, term, limit)


# -- checks from above --------------------------------------------------------------------------


def checked(session: Session, organization: Organization, document: Document) -> None:
    """What must hold of every saved document that documents' own rules do not say: its
    e-SLOG (EINV §E6). Runs at the end of create, update and replace, before the event; a
    refusal is a 422 and the request's transaction writes nothing. Called directly, so it holds
    in every process (API, `spaceport worker`, recurrences); the import is deferred because
    einvoices sits above documents (docs/ARCHITECTURE.md, arrows against the layers)."""
    from spaceport.einvoices.service import check_on_save

    session.flush()
    check_on_save(session, organization, document)


# -- use cases -----------------------------------------------------------------------------------


def create(
    session: Session, organization: Organization, account_id: str, data: DocumentCreate,
    server: Settings | None = None,
) -> Document:  # fmt: skip
    """In one transaction (the worker's recurrences, a fiscalized create); with the server's
    settings, fiscalized while on (FISCAL §S8, `spaceport.fiscal.hooks`)."""
    document, issue = build(session, organization, account_id, data, server, None)
    return store(session, organization, document, data, issue, server)[0]


@dataclass(frozen=True)
class Prepared:
    """A create computed before its write (`prepare`), for `store`."""

    document: Document  # built, totaled, not numbered, not in any session
    number: str | None  # the provisional number its e-SLOG was checked with
    client: dict[str, Any] | None  # the values of a new client to save with it (COMPAT §6.4)

    def still_checked(self, data: DocumentCreate) -> bool:
        """The number enters the e-SLOG only as text whose checks are of its length (BT-1, the
        note's smart codes, the payment reference): the check holds unless the number taken is
        of another length than the provisional one, or payments changed what is due (BT-113)."""
        taken = self.document.number or ""
        return not data.payments and len(taken) == len(self.number or "")


def prepare(
    session: Session, organization: Organization, account_id: str, data: DocumentCreate,
    server: Settings | None = None,
) -> Prepared | None:  # fmt: skip
    """The part of a create that only reads, run before the write and outside its turn (issue
    15 item 6: a 5,000-line document holds no other organization's write): the document built,
    totaled and its e-SLOG checked (EINV §E6) with the number it is about to take, for `store`
    to number and save in a short write. None when it is to be fiscalized: that create runs
    whole in the write (`create`), its checks and number in one transaction (FISCAL §S8.5)."""
    if any(line.save and not line.item_id for line in data.document_items or ()):
        return None  # it saves items: all in the write
    unsaved: list[dict[str, Any]] = []
    document, issue = build(session, organization, account_id, data, server, unsaved)
    if issue:
        return None
    number = numbering.provisional_number(organization, document, data.number)
    document.number = number
    checked(session, organization, document)
    document.number = None
    if session.new or session.dirty or session.deleted:  # pragma: no cover - a bug, loudly
        raise RuntimeError("preparing a document changed what the write alone may change")
    return Prepared(document, number, unsaved[0] if unsaved else None)


def build(
    session: Session, organization: Organization, account_id: str, data: DocumentCreate,
    server: Settings | None, unsaved: list[dict[str, Any]] | None,
) -> tuple[Document, Any]:  # fmt: skip
    """The unsaved document from the body: dates, currency, client, issuer, lines, totals,
    texts; and the fiscal issue it begins, if any. `unsaved`: see `content.fill_content`."""
    if data.draft and data.type != "invoice":
        raise OnlyInvoicesDraft()
    if data.document_items is None:
        raise LinesRequired()
    document = Document(
        organization_id=organization.id,
        account_id=account_id,
        type=data.type,
        date=data.date or utcnow(),
        draft=bool(data.draft),
        unique_id=data.unique_id,
        decimal_places=4 if data.decimal_places is None else data.decimal_places,
        reference=data.reference,
        document_ids=content.referenced_documents(session, organization.id, data.document_ids),
        validate_eslog=data.validate_eslog,
        custom=data.custom or {},
        total_paid=Decimal(0),
    )
    settings = document_defaults.read(session, organization.id)
    issue = server and fiscal.begin_issue(
        session, server, organization, account_id, document, data.furs,
        given_date=data.date, given_number=data.number,
        currency=data.currency_id or settings.currency_id,
    )  # fmt: skip
    content.default_dates(organization, settings, document, data.given())
    content.set_currency(organization, settings, document, data)
    content.fill_content(session, organization, settings, document, data, new=True, unsaved=unsaved)
    content.default_texts(settings, document, data)
    return document, issue


def store(
    session: Session, organization: Organization, document: Document, data: DocumentCreate,
    issue: Any = None, server: Settings | None = None, prepared: Prepared | None = None,
) -> tuple[Document, dict[str, Any]]:  # fmt: skip
    """Number and save a built document, its payments and its event, in a writing transaction;
    its e-SLOG checked here unless `prepare` checked it and that still holds. The document and
    its answer (its event's)."""
    if data.unique_id and DocumentRepository(session).unique_id_used(
        organization.id, data.unique_id
    ):
        raise UniqueIdTaken(data.unique_id)
    if prepared is not None and prepared.client is not None:
        client = clients.clients.create(session, organization.id, prepared.client)
        document.client_id = client.id
    if issue:
        fiscal.take_number(session, document, issue)
    else:
        numbering.assign_number(session, organization, document, data.number)
    if not data.payments:  # nothing paid: settled before its insert, with no query
        payments.settle(session, document)
    session.add(document)
    session.flush()
    if data.payments:  # COMPAT §6.9: in the same transaction; each one without amount pays
        paid = Decimal(0)  # what is still due
        for payment in data.payments:
            due = document.total_with_tax - paid
            paid += payments.add(session, document, payment.given(), due).amount
        payments.settle(session, document)
    if prepared is None or not prepared.still_checked(data):
        checked(session, organization, document)
    if issue and server:
        fiscal.finish_issue(session, server, document, issue)
    return document, record(session, document, "create")


def update(
    session: Session, organization: Organization, document: Document, data: DocumentUpdate,
    server: Settings | None = None, account_id: str | None = None,
) -> Document:  # fmt: skip
    """COMPAT §6.14, FISCAL §S14.1 (what stays), FISCAL §S8.1 (a finalized draft is issued)."""
    given = data.given()
    fiscal.guard_change(document, given)
    if data.type is not None and data.type != document.type:
        raise TypeUnchangeable()
    if "draft" in given and data.draft and not document.draft:
        raise FinalizedStaysFinal()
    finalizing = document.draft and data.draft is False
    if given.get("document_ids") is not None:
        content.referenced_documents(session, organization.id, given["document_ids"])
    for name in ("reference", "document_ids", "validate_eslog", "decimal_places", "custom"):
        if name in given and given[name] is not None:
            setattr(document, name, given[name])
    for name in ("date", *(DATE_ATTRIBUTES[d] for d in TYPE_DATES[document.type])):
        if name in given and given[name] is not None:
            setattr(document, name, given[name])
    settings = document_defaults.read(session, organization.id)
    if "currency_id" in given or "document_conversion_rate" in given or "date" in given:
        content.set_currency(organization, settings, document, data)
    content.fill_content(session, organization, settings, document, data, new=False)
    content.default_texts(settings, document, data)
    issue = None
    if finalizing:
        document.draft = False
        issue = server and fiscal.begin_issue(
            session, server, organization, account_id, document, data.furs,
            given_date=data.date, given_number=data.number, currency=document.currency_id,
        )  # fmt: skip
        if issue:
            fiscal.take_number(session, document, issue)
        else:
            numbering.assign_number(session, organization, document, data.number)
    elif data.number and data.number != document.number and not document.draft:
        numbering.assign_number(session, organization, document, data.number)
    payments.settle(session, document)
    checked(session, organization, document)
    if issue and server:
        session.flush()
        fiscal.finish_issue(session, server, document, issue)
    record(session, document, "update")
    return document


def replace(
    session: Session, organization: Organization, document: Document, data: DocumentCreate
) -> Document:
    """POST /documents/:id/replace: the document built anew from the body; id, type and the
    number stay unless a number is given."""
    fiscal.guard_delete(document)  # FISCAL §S14.1: never replaced
    if "type" in data.model_fields_set and data.type != document.type:
        raise TypeUnchangeable()
    if data.document_items is None:
        raise LinesRequired()
    document.date = data.date or document.date
    for name in ("note", "signature", "footer", "document_conversion_rate"):
        setattr(document, name, None)  # defaulted again below unless the body gives them
    document.reference = data.reference
    document.document_ids = content.referenced_documents(
        session, organization.id, data.document_ids
    )
    document.custom = data.custom or {}
    document.decimal_places = 4 if data.decimal_places is None else data.decimal_places
    settings = document_defaults.read(session, organization.id)
    content.default_dates(organization, settings, document, data.given())
    content.set_currency(organization, settings, document, data)
    content.fill_content(session, organization, settings, document, data, new=True)
    content.default_texts(settings, document, data)
    if data.number and data.number != document.number:
        numbering.assign_number(session, organization, document, data.number)
    payments.settle(session, document)
    checked(session, organization, document)
    record(session, document, "update")
    return document
