"""A document's page (WEB §W4.4) with its PDF and e-invoices; its actions (Cancel document,
Issue, Send by email, Record payment) are `document_actions.py`."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from fastapi import Request, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.types import Receive, Scope, Send

from spaceport.documents import printing
from spaceport.documents.lines import DocumentLine, DocumentLineTax, lines_of
from spaceport.documents.models import Document
from spaceport.documents.repository import DocumentRepository
from spaceport.einvoices import endpoints as einvoice_files
from spaceport.einvoices import service as einvoices
from spaceport.kit.routing import Router
from spaceport.kit.transaction import Db
from spaceport.organizations.calendar import local_date
from spaceport.organizations.models import Organization
from spaceport.pdf.render import cached_render
from spaceport.web import formats
from spaceport.web.documents import (
    PAYMENT_TYPES,
    STATUS_NAMES,
    TYPE_NAMES,
    start_of_today,
    status_of,
)
from spaceport.web.guard import PlaceDep
from spaceport.web.pages import PageNotFound, PageRoute, page_of, render

router = Router(route_class=PageRoute, include_in_schema=False)


def document_in(session: Session, organization: Organization, document_id: str) -> Document:
    """The organization's live document, else the 404 page (another's tells nothing)."""
    document = DocumentRepository(session).get_in(organization.id, document_id)
    if document is None:
        raise PageNotFound()
    return document


def heading_of(document: Document, t: Callable[[str], str]) -> str:
    """WEB §W4.4: "<type> <number>", "<type> (draft)" without number."""
    kind = t(TYPE_NAMES.get(document.type, document.type))
    return f"{kind} {document.number}" if document.number else f"{kind} {t('(draft)')}"


def tax_name(tax: DocumentLineTax) -> str:
    return tax.abbreviation or tax.name or ""


def tax_label(name: str, rate: Decimal, locale: str | None) -> str:
    """WEB §W1.4: "<abbreviation> <rate> %" (`DDV 9,5 %`)."""
    return f"{name} {formats.quantity(rate, locale)} %".strip()


def document_taxes(
    document: Document, lines: list[DocumentLine], locale: str | None
) -> list[tuple[str, Decimal]]:
    """Each `_documentTaxes` entry as its label and amount, named as the lines name the tax."""
    names: dict[object, str] = {}
    for line in lines:
        for tax in line.taxes:
            names.setdefault(tax.tax_id or tax.rate, tax_name(tax))
    found = []
    for summary in document.document_taxes or []:
        rate = Decimal(str(summary.get("tax") or 0))
        name = names.get(summary.get("taxId") or rate, "")
        found.append((tax_label(name, rate, locale), Decimal(str(summary.get("totalTax") or 0))))
    return found


def may_pay(document: Document) -> bool:
    """WEB §W4.4: Record payment on an invoice or advance with an amount due."""
    return document.type in ("invoice", "advance") and document.total_due > 0


@router.get("/app/o/{organization_id}/documents/{document_id}")
def show_document(request: Request, session: Db, place: PlaceDep, document_id: str) -> Response:
    organization = place.organization
    document = document_in(session, organization, document_id)
    page = page_of(request)
    lines = lines_of(document.document_items or [])
    locale = organization.locale
    return render(
        request,
        "document.html",
        document=document,
        heading=heading_of(document, page.t),
        status_name=STATUS_NAMES[status_of(document, start_of_today(organization))],
        type_name=TYPE_NAMES.get(document.type, document.type),
        date=local_date(document.date, organization),
        due=local_date(document.date_due, organization) if document.date_due else None,
        lines=lines,
        discounts=any(line.discount for line in lines),
        line_taxes=[
            ", ".join(tax_label(tax_name(tax), tax.rate, locale) for tax in line.taxes)
            for line in lines
        ],
        taxes=document_taxes(document, lines, locale),
        payments=DocumentRepository(session).payments_of([document])[document.id],
        payment_types=PAYMENT_TYPES,
        may_pay=may_pay(document),
        url=f"{page.base}/documents/{document.id}",
    )


class MadeAfterRead(Response):
    """A download made once the request's transaction has ended (DESIGN: slow work such as a
    PDF never runs inside a transaction): `make` runs in a worker thread when the answer is
    sent, after FastAPI closed the route's `Db`."""

    def __init__(self, make: Callable[[], bytes], media_type: str, filename: str) -> None:
        disposition = f'attachment; filename="{filename}"'
        super().__init__(b"", media_type=media_type, headers={"Content-Disposition": disposition})
        self.make = make

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.body = await run_in_threadpool(self.make)
        self.raw_headers = [(k, v) for k, v in self.raw_headers if k != b"content-length"]
        self.raw_headers.append((b"content-length", str(len(self.body)).encode()))
        await super().__call__(scope, receive, send)


@router.get("/app/o/{organization_id}/documents/{document_id}/pdf")
def download_pdf(request: Request, session: Db, place: PlaceDep, document_id: str) -> Response:
    """WEB §W4.4: the API's PDF (`GET /documents/:id/pdf`), as `<number>.pdf` (`draft.pdf`)."""
    document = document_in(session, place.organization, document_id)
    source = printing.document_source(session, document, place.organization, None)
    name = f"{einvoice_files.UNSAFE.sub('_', document.number)}.pdf" if document.number else ""
    return MadeAfterRead(lambda: cached_render(source), "application/pdf", name or "draft.pdf")


@router.get("/app/o/{organization_id}/documents/{document_id}/einvoice")
def download_einvoice(
    request: Request, session: Db, place: PlaceDep, document_id: str, format: str = ""
) -> Response:
    """WEB §W4.4: the API's `einvoice?format=ubl|cii|eslog` (EINV §E1.1), its refusals a page."""
    kind = format.strip().lower()
    if kind not in einvoice_files.WRITERS:
        raise PageNotFound()
    document = document_in(session, place.organization, document_id)
    invoice = einvoices.einvoice_of(session, document, place.organization)
    body = einvoice_files.WRITERS[kind](invoice)
    disposition = f'attachment; filename="{einvoice_files.filename(invoice.number, kind)}"'
    headers = {"Content-Disposition": disposition}
    return Response(body, media_type=einvoice_files.MEDIA_TYPE, headers=headers)
