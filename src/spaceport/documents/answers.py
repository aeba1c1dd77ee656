"""A document as the API answers it, the relations `filter[include]` may name (COMPAT §4.3),
and the event of its change (COMPAT §8.1)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pydantic import BaseModel
from sqlalchemy.orm import Session

from spaceport.clients.models import Client
from spaceport.documents import smartcodes
from spaceport.documents.lines import DocumentLine, answered_line
from spaceport.documents.models import ALL_TYPE_DATES, TYPE_DATES, Document, DocumentActivity
from spaceport.documents.payments.models import Payment
from spaceport.documents.repository import DocumentRepository
from spaceport.events import service as events
from spaceport.kit.answers import Embedded, Number, answer_model, many
from spaceport.kit.serialize import to_api
from spaceport.recurrences.models import Recurrence

PaymentAnswer = answer_model(Payment)
ActivityAnswer = answer_model(DocumentActivity, "Activity")


# COMPAT §1.13: a document as answered (the `documents` Resource's `answered`), its lines typed
# (COMPAT §6.6), with the relations `filter[include]` may add (COMPAT §4.3: payments,
# recurrences, client); a client's `include=documents` answers them without relations.
Lines = many(DocumentLine)


class DocumentParty(Embedded):
    """`_documentClient`, `_documentIssuer`: the client's or the issuer's properties with the
    caller's keys over them (COMPAT §6.4, COMPAT §6.5), and an id of their own (COMPAT §1.7)."""

    id: str
    name: str | None
    address: str | None
    address2: str | None
    city: str | None
    zip: str | None
    state: str | None
    country: str | None
    countryAlpha2Code: str | None
    taxNumber: str | None
    taxSubject: bool | None
    companyNumber: str | None
    IBAN: str | None
    bank: str | None
    SWIFT: str | None
    website: str | None
    email: str | None
    phone: str | None
    contact: str | None
    isEndCustomer: bool | None
    custom: dict[str, Any] | None


class DocumentTax(BaseModel):
    """A `_documentTaxes` (or `_documentReverseTaxes`) entry (COMPAT §6.8)."""

    tax: Number
    taxId: str | None
    base: Number
    totalTax: Number


EMBEDDED: Mapping[str, Any] = {
    "_documentItems": Lines,
    "_documentClient": DocumentParty,
    "_documentIssuer": DocumentParty,
    "_documentTaxes": many(DocumentTax),
    "_documentReverseTaxes": many(DocumentTax),
}
ANSWERED: Mapping[str, Any] = {
    **EMBEDDED,
    "payments": many(PaymentAnswer),
    "recurrences": many(answer_model(Recurrence)),
    "client": answer_model(Client, "IncludedClient"),
}
IncludedDocument = answer_model(Document, "IncludedDocument", **EMBEDDED)


def answer(document: Document, parse_smartcodes: bool = True) -> dict[str, Any]:
    """The document as the API answers it: the type's own dates only (COMPAT §6.3), smart
    codes parsed unless asked not to (COMPAT §6.10), every line in the reference's shape
    (COMPAT §6.6)."""
    body = to_api(document)
    for name in ALL_TYPE_DATES - set(TYPE_DATES[document.type]):
        body.pop(name, None)
    body["_documentItems"] = [answered_line(line) for line in body["_documentItems"]]
    return smartcodes.parse_fields(body) if parse_smartcodes else body


def parse_smartcodes(query: Mapping[str, Any]) -> bool:
    """COMPAT §6.10: `?parseSmartcodes=false` answers the smart codes as stored."""
    return str(query.get("parseSmartcodes", "true")).lower() not in ("false", "0")


def answer_for(query: Mapping[str, Any]) -> Callable[[Document], dict[str, Any]]:
    """How the query asks documents to be answered (smart codes parsed or not)."""
    parse = parse_smartcodes(query)
    return lambda document: answer(document, parse)


# -- relations of `filter[include]` (COMPAT §4.3: document → payments, recurrences, client) -----
Answers = dict[str, list[dict[str, Any]]]


def include_payments(session: Session, rows: list[Document]) -> Answers:
    """Each document's live payments, by date."""
    found = DocumentRepository(session).payments_of(rows)
    return {key: [to_api(payment) for payment in value] for key, value in found.items()}


def include_recurrences(session: Session, rows: list[Document]) -> Answers:
    """Each document's live recurrences, oldest first."""
    found = DocumentRepository(session).recurrences_of(rows)
    return {key: [to_api(recurrence) for recurrence in value] for key, value in found.items()}


def include_client(session: Session, rows: list[Document]) -> dict[str, dict[str, Any] | None]:
    """Each document's saved client (null when it has none)."""
    found = DocumentRepository(session).clients_of(rows)
    return {key: None if client is None else to_api(client) for key, client in found.items()}


INCLUDES: Mapping[str, Callable[[Session, list[Document]], Mapping[str, Any]]] = {
    "payments": include_payments,
    "client": include_client,
    "recurrences": include_recurrences,
}


def record(session: Session, document: Document, action: events.Action) -> dict[str, Any]:
    """The change's event (COMPAT §8.1), with the document as answered: that answer."""
    answered = answer(document)
    events.record(session, "document", action, document.organization_id, answered)
    return answered
