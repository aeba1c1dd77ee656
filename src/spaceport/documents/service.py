"""Documents: create, change, replace, cancel, delete (COMPAT §6.1 through COMPAT §6.14)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from spaceport.documents import assembly, currency, numbering, repository
from spaceport.documents import defaults as document_defaults
from spaceport.documents.answers import answer as answer
from spaceport.documents.answers import record as record
from spaceport.documents.calculation import TaxSummary
from spaceport.documents.defaults import TEXTS, DocumentDefaults
from spaceport.documents.errors import (
    FinalizedStaysFinal,
    IssuedInvoiceNotDeletable,
    LinesRequired,
    NumberTaken,
    OnlyInvoicesDraft,
    TypeUnchangeable,
    UniqueIdTaken,
)
from spaceport.documents.lines import DocumentLine, lines_of, stored_lines
from spaceport.documents.models import DATE_ATTRIBUTES, TYPE_DATES, Document
from spaceport.documents.payments import service as payments
from spaceport.documents.schemas import DocumentCreate, DocumentFields, DocumentUpdate
from spaceport.kit.db import utcnow
from spaceport.kit.errors import UnknownReference
from spaceport.kit.money import round2
from spaceport.organizations.calendar import local_date, midnight
from spaceport.organizations.models import Organization

# -- dates (COMPAT §6.3) ---------------------------------------------------------------------


def default_dates(
    organization: Organization,
    settings: DocumentDefaults,
    document: Document,
    given: dict[str, Any],
) -> None:
    day = local_date(document.date, organization)
    if document.type == "invoice":
        document.date_due = given.get("date_due") or midnight(
            day + timedelta(days=settings.invoice_due_days)
        )
        document.date_service = given.get("date_service") or document.date
        document.date_service_to = given.get("date_service_to")
    elif document.type == "estimate":
        document.date_valid_till = given.get("date_valid_till") or midnight(
            day + timedelta(days=settings.estimate_valid_days)
        )
    elif document.type == "advance":
        document.date_paid = given.get("date_paid") or document.date


# -- content -----------------------------------------------------------------------------------


def fill_content(
    session: Session,
    organization: Organization,
    settings: DocumentDefaults,
    document: Document,
    data: DocumentFields,
    *,
    new: bool,
) -> None:
    """Client, issuer, lines and totals from what the caller gave (create, replace, update)."""
    given = data.model_fields_set
    if new or given & {"client_id", "document_client"}:
        client_id, client = assembly.resolve_client(
            session, organization.id, data.client_id, data.document_client
        )
        document.client_id, document.document_client = client_id, client
    if new or given & {"unit_id", "document_issuer"}:
        document.unit_id = data.unit_id if "unit_id" in given else document.unit_id
        document.document_issuer = assembly.issuer_snapshot(
            session, organization, document.unit_id, data.document_issuer
        )
    if data.document_items is not None:
        context = assembly.LineContext(
            session,
            organization.id,
            document.client_id,
            local_date(document.date, organization),
            bool(data.load),
        )
        lines = [assembly.build_line(context, item) for item in data.document_items]
    else:
        lines = lines_of(document.document_items)
    recompute(document, lines, settings)


def recompute(document: Document, lines: list[DocumentLine], settings: DocumentDefaults) -> None:
    """Totals from the lines (COMPAT §6.8); the use case settles the payments at its end."""
    totals = assembly.apply_totals(lines, document.decimal_places, settings.tax_rounding)
    document.document_items = stored_lines(lines)
    document.total = totals.total
    document.total_discount = totals.total_discount
    document.total_with_tax = totals.total_with_tax
    document.document_taxes = [summary(s) for s in totals.taxes]
    document.document_reverse_taxes = [summary(s) for s in totals.reverse_taxes]
    document.has_unit = any(line.unit for line in lines)
    convert(document)


def summary(tax: TaxSummary) -> dict[str, Any]:
    return {"tax": tax.tax, "taxId": tax.tax_id, "base": tax.base, "totalTax": tax.total_tax}


def convert(document: Document) -> None:
    """COMPAT §6.12: totals in the organization's currency when the document is in another."""
    rate = document.document_conversion_rate
    if isinstance(rate, dict) and rate.get("rate") is not None:
        factor = Decimal(rate["rate"])
        document.total_converted = round2(document.total * factor)
        document.total_with_tax_converted = round2(document.total_with_tax * factor)
    else:
        document.total_converted = document.total_with_tax_converted = None


def set_currency(
    organization: Organization, settings: DocumentDefaults, document: Document, data: DocumentFields
) -> None:
    home = settings.currency_id
    document.currency_id = (data.currency_id or document.currency_id or home).upper()
    if data.document_conversion_rate is not None:
        document.document_conversion_rate = (
            data.document_conversion_rate
        )  # "can be manually populated"
    elif document.currency_id != home:
        day = local_date(document.date, organization)
        found = currency.conversion_rate(document.currency_id, home, day)
        document.document_conversion_rate = found if found is not None else []
    else:
        document.document_conversion_rate = []


def default_texts(settings: DocumentDefaults, document: Document, data: DocumentFields) -> None:
    """COMPAT §6.10: note, signature and footer default to the `<type>_note` ... Defaults."""
    for name in TEXTS:
        if name in data.model_fields_set:
            setattr(document, name, getattr(data, name))
        elif getattr(document, name) is None:
            setattr(document, name, settings.text(document.type, name))


# -- numbering (COMPAT §6.2) -----------------------------------------------------------------


def assign_number(
    session: Session, organization: Organization, document: Document, number: str | None
) -> None:
    document.numbering_unit = document.unit_id or ""
    if document.draft:
        document.number = None
        return
    if number:
        unique = is_unique_number(
            session, organization.id, document.type, number, document.unit_id, document.id
        )
        if not unique:
            raise NumberTaken(number, document.type)
        numbering.follow_given_number(
            session, organization.id, document.type, document.unit_id, number
        )
        document.number = number
        return
    year = local_date(document.date, organization).year
    document.number = numbering.issue_number(
        session, organization.id, document.type, year, document.unit_id
    )


def is_unique_number(
    session: Session,
    organization_id: str,
    type_: str,
    number: str,
    unit_id: str | None = None,
    except_id: str | None = None,
) -> bool:
    return not repository.number_used(session, organization_id, type_, number, unit_id, except_id)


def referenced_documents(
    session: Session, organization_id: str, ids: list[str] | None
) -> list[str]:
    """No reference across organizations: every id in `documentIds` names a document of the same
    organization (422 otherwise, revealing nothing about other organizations)."""
    given = ids or []
    found = repository.ids_in_organization(session, organization_id, given)
    unknown = next((i for i in given if i not in found), None)
    if unknown is not None:
        raise UnknownReference("documentIds", "document", unknown)
    return given


# -- use cases -----------------------------------------------------------------------------------


def create(
    session: Session, organization: Organization, account_id: str, data: DocumentCreate
) -> Document:
    if data.draft and data.type != "invoice":
        raise OnlyInvoicesDraft()
    if data.unique_id and repository.unique_id_used(session, organization.id, data.unique_id):
        raise UniqueIdTaken(data.unique_id)
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
        document_ids=referenced_documents(session, organization.id, data.document_ids),
        validate_eslog=data.validate_eslog,
        custom=data.custom or {},
        total_paid=Decimal(0),
    )
    settings = document_defaults.read(session, organization.id)
    default_dates(organization, settings, document, data.given())
    set_currency(organization, settings, document, data)
    fill_content(session, organization, settings, document, data, new=True)
    default_texts(settings, document, data)
    assign_number(session, organization, document, data.number)
    session.add(document)
    session.flush()
    # COMPAT §6.9: in the same transaction; each one without amount pays what is still due
    paid = Decimal(0)
    for payment in data.payments:
        due = document.total_with_tax - paid
        paid += payments.add(session, document, payment.given(), due).amount
    payments.settle(session, document)
    record(session, document, "create")
    return document


def update(
    session: Session, organization: Organization, document: Document, data: DocumentUpdate
) -> Document:
    """COMPAT §6.14: PUT and PATCH update what is given and recompute the totals."""
    given = data.given()
    if data.type is not None and data.type != document.type:
        raise TypeUnchangeable()
    if "draft" in given and data.draft and not document.draft:
        raise FinalizedStaysFinal()
    finalizing = document.draft and data.draft is False
    if given.get("document_ids") is not None:
        referenced_documents(session, organization.id, given["document_ids"])
    for name in ("reference", "document_ids", "validate_eslog", "decimal_places", "custom"):
        if name in given and given[name] is not None:
            setattr(document, name, given[name])
    for name in ("date", *(DATE_ATTRIBUTES[d] for d in TYPE_DATES[document.type])):
        if name in given and given[name] is not None:
            setattr(document, name, given[name])
    settings = document_defaults.read(session, organization.id)
    if "currency_id" in given or "document_conversion_rate" in given or "date" in given:
        set_currency(organization, settings, document, data)
    fill_content(session, organization, settings, document, data, new=False)
    default_texts(settings, document, data)
    if finalizing:
        document.draft = False
        assign_number(session, organization, document, data.number)
    elif data.number and data.number != document.number and not document.draft:
        assign_number(session, organization, document, data.number)
    payments.settle(session, document)
    record(session, document, "update")
    return document


def replace(
    session: Session, organization: Organization, document: Document, data: DocumentCreate
) -> Document:
    """POST /documents/:id/replace: the document built anew from the body; id, type and the
    number stay unless a number is given."""
    if "type" in data.model_fields_set and data.type != document.type:
        raise TypeUnchangeable()
    if data.document_items is None:
        raise LinesRequired()
    document.date = data.date or document.date
    for name in ("note", "signature", "footer", "document_conversion_rate"):
        setattr(document, name, None)  # defaulted again below unless the body gives them
    document.reference = data.reference
    document.document_ids = referenced_documents(session, organization.id, data.document_ids)
    document.custom = data.custom or {}
    document.decimal_places = 4 if data.decimal_places is None else data.decimal_places
    settings = document_defaults.read(session, organization.id)
    default_dates(organization, settings, document, data.given())
    set_currency(organization, settings, document, data)
    fill_content(session, organization, settings, document, data, new=True)
    default_texts(settings, document, data)
    if data.number and data.number != document.number:
        assign_number(session, organization, document, data.number)
    payments.settle(session, document)
    record(session, document, "update")
    return document


def delete(session: Session, document: Document) -> None:
    """COMPAT §6.13: an issued invoice is canceled, never deleted."""
    if document.type == "invoice" and not document.draft:
        raise IssuedInvoiceNotDeletable()
    document.soft_delete()
    session.flush()
    record(session, document, "delete")


def set_flag(session: Session, document: Document, name: str, value: bool) -> None:
    """cancel / uncancel (`canceled`) and mark-sent (`sentSnailMail`)."""
    setattr(document, name, value)
    session.flush()
    record(session, document, "update")
