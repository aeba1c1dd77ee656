"""What create, update and replace fill in from a body, on the document itself: its dates
(COMPAT §6.3), currency and conversion (COMPAT §6.12), client, issuer, lines and totals
(`assembly`: COMPAT §6.4 to COMPAT §6.8), the texts its Defaults give (COMPAT §6.10), and the
documents it references."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from spaceport.documents import assembly, currency
from spaceport.documents.calculation import TaxSummary
from spaceport.documents.defaults import TEXTS, DocumentDefaults
from spaceport.documents.lines import DocumentLine, lines_of, stored_lines
from spaceport.documents.models import Document
from spaceport.documents.repository import DocumentRepository
from spaceport.documents.schemas import DocumentFields
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
    unsaved: list[dict[str, Any]] | None = None,
) -> None:
    """Client, issuer, lines and totals from what the caller gave (create, replace, update);
    with `unsaved`, a new client is left there to save (`assembly.resolve_client`)."""
    given = data.model_fields_set
    if new or given & {"client_id", "document_client"}:
        client_id, client = assembly.resolve_client(
            session, organization.id, data.client_id, data.document_client, unsaved
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
        document.document_conversion_rate = data.document_conversion_rate.stored()
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


def referenced_documents(
    session: Session, organization_id: str, ids: list[str] | None
) -> list[str]:
    """No reference across organizations: every id in `documentIds` names a document of the same
    organization (422 otherwise, revealing nothing about other organizations)."""
    given = ids or []
    found = DocumentRepository(session).referable(organization_id, given)
    unknown = next((i for i in given if i not in found), None)
    if unknown is not None:
        raise UnknownReference("documentIds", "document", unknown)
    return given
