"""Documents: invoices, estimates, advances, credit notes and delivery notes (COMPAT §6.1)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column

from spaceport.documents.currency import AnsweredConversionRate
from spaceport.fiscal.answers import Furs
from spaceport.kit.db import Base, JSONType, Model, SoftDeleted
from spaceport.kit.search import caseless

TYPES = ("invoice", "estimate", "advance", "credit-note", "delivery-note")
# COMPAT §6.3: a property that the type does not have is absent from the answer.
TYPE_DATES = {
    "invoice": ("dateDue", "dateService", "dateServiceTo"),
    "estimate": ("dateValidTill",),
    "advance": ("datePaid",),
    "credit-note": (),
    "delivery-note": (),
}
ALL_TYPE_DATES = frozenset(d for dates in TYPE_DATES.values() for d in dates)
# the attribute of each of those API properties
DATE_ATTRIBUTES = {
    "dateDue": "date_due",
    "dateService": "date_service",
    "dateServiceTo": "date_service_to",
    "dateValidTill": "date_valid_till",
    "datePaid": "date_paid",
}


class Document(Model, SoftDeleted):
    __tablename__ = "documents"
    __table_args__ = (
        # COMPAT §6.2: a number is unique per type in the organization (in each unit's own
        # sequence when a unit issues), and never reused.
        UniqueConstraint("organization_id", "type", "numbering_unit", "number"),
        # COMPAT §6.11: a uniqueId is used once per organization.
        UniqueConstraint("organization_id", "unique_id"),
        Index("ix_documents_organization_date", "organization_id", "date"),
        Index("ix_documents_organization_client", "organization_id", "client_id"),
        # Issue 13 items 2 and 3: a type's page by date (ties by id) is put in order from here
        # without reading the type's rows, and a count of a type over dates reads no row
        # (migrations 0013, 0014).
        Index(
            "ix_documents_organization_type_date",
            "organization_id",
            "type",
            "date",
            "id",
            "is_deleted",
        ),
    )

    organization_id: Mapped[str] = mapped_column(String(24), ForeignKey("organizations.id"))
    account_id: Mapped[str | None] = mapped_column(String(24))
    unit_id: Mapped[str | None] = mapped_column(String(24))
    # the unit whose sequence numbered the document, "" for the organization's own
    numbering_unit: Mapped[str] = mapped_column(String(24), default="", info={"private": True})
    number: Mapped[str | None] = mapped_column(String(64))
    type: Mapped[str] = mapped_column(String(16), default="invoice")
    date: Mapped[datetime]
    date_due: Mapped[datetime | None]
    date_service: Mapped[datetime | None]
    date_service_to: Mapped[datetime | None]
    date_valid_till: Mapped[datetime | None]
    date_paid: Mapped[datetime | None]
    reference: Mapped[str | None]
    draft: Mapped[bool] = mapped_column(default=False)
    currency_id: Mapped[str] = mapped_column(String(8))
    canceled: Mapped[bool] = mapped_column(default=False)
    client_id: Mapped[str | None] = mapped_column(String(24))
    document_client: Mapped[dict[str, Any]] = mapped_column(
        default=dict, info={"api": "_documentClient"}
    )
    document_issuer: Mapped[dict[str, Any]] = mapped_column(
        default=dict, info={"api": "_documentIssuer"}
    )
    document_items: Mapped[list[Any]] = mapped_column(
        default=list, info={"api": "_documentItems", "json_array": True}
    )
    note: Mapped[str | None]
    signature: Mapped[str | None]
    footer: Mapped[str | None]
    document_ids: Mapped[list[Any]] = mapped_column(
        default=list, info={"api": "documentIds", "answer": list[str]}
    )
    unique_id: Mapped[str | None] = mapped_column(String(200))
    decimal_places: Mapped[int] = mapped_column(Integer, default=4)
    total: Mapped[Decimal] = mapped_column(default=Decimal(0))
    total_converted: Mapped[Decimal | None]
    total_with_tax: Mapped[Decimal] = mapped_column(default=Decimal(0))
    total_with_tax_converted: Mapped[Decimal | None]
    total_discount: Mapped[Decimal] = mapped_column(default=Decimal(0))
    total_paid: Mapped[Decimal] = mapped_column(default=Decimal(0))
    total_due: Mapped[Decimal] = mapped_column(default=Decimal(0))
    paid_in_full: Mapped[bool] = mapped_column(default=False)
    has_unit: Mapped[bool] = mapped_column(default=False)
    sent_snail_mail: Mapped[bool] = mapped_column(default=False)
    document_taxes: Mapped[list[Any]] = mapped_column(
        default=list, info={"api": "_documentTaxes", "json_array": True}
    )
    document_reverse_taxes: Mapped[list[Any]] = mapped_column(
        default=list, info={"api": "_documentReverseTaxes", "json_array": True}
    )
    document_conversion_rate: Mapped[Any] = mapped_column(
        JSONType,
        default=list,
        info={"api": "_documentConversionRate", "answer": AnsweredConversionRate},
    )
    validate_eslog: Mapped[bool | None]
    is_valid_eslog: Mapped[bool] = mapped_column(default=False)
    # FISCAL §S13: null unless fiscalized (or skipped); kept by `spaceport.fiscal`
    furs: Mapped[Any] = mapped_column(
        JSONType, default=None, nullable=True, info={"api": "_furs", "answer": Furs | None}
    )
    # Derived, never answered: what `search-documents` looks in, for its trigram index (kit/search)
    search_text: Mapped[str] = mapped_column(Text, default="", info={"private": True})


def search_text(number: str | None, reference: str | None, client: Any) -> str:
    """The number, reference and client's name and email (the strings among them) that
    `search-documents` matches, one a line, caseless (kit/search)."""
    named = client if isinstance(client, dict) else {}
    parts = (number, reference, named.get("name"), named.get("email"))
    return "\n".join(caseless(part) if isinstance(part, str) else "" for part in parts)


@event.listens_for(Document, "before_insert")
@event.listens_for(Document, "before_update")
def _refresh_search_text(_mapper: Any, _connection: Any, document: Document) -> None:
    """Every write path (the API, recurrences, the worker) keeps the searched text current."""
    document.search_text = search_text(
        document.number, document.reference, document.document_client
    )


class DocumentCounter(Base):
    """One gapless sequence per organization, type, year and unit (COMPAT §6.2), advanced with
    UPDATE ... RETURNING inside the creating transaction: never MAX(number) + 1."""

    __tablename__ = "document_counters"

    organization_id: Mapped[str] = mapped_column(String(24), primary_key=True)
    type: Mapped[str] = mapped_column(String(16), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[str] = mapped_column(String(24), primary_key=True, default="")
    last: Mapped[int] = mapped_column(Integer, default=0)


class DocumentActivity(Model):
    """What happened to a document after it was issued: `sent` (queued to the recipients),
    `delivered` (accepted by the SMTP server), `failed`, `opened` (reference "Send a Document
    in Email": "The delivery and open status ... can be tracked in the Document's Activities")."""

    __tablename__ = "document_activities"
    __table_args__ = (Index("ix_document_activities_document", "document_id", "created_at"),)

    organization_id: Mapped[str] = mapped_column(String(24), ForeignKey("organizations.id"))
    document_id: Mapped[str] = mapped_column(String(24), ForeignKey("documents.id"))
    type: Mapped[str] = mapped_column(String(16))
    recipients: Mapped[list[Any]] = mapped_column(default=list, info={"answer": list[str]})
    detail: Mapped[str | None]
    # the tracking pixel's token of a `sent` activity: /v1/t/<token>.gif
    token: Mapped[str | None] = mapped_column(String(32), unique=True, info={"private": True})
