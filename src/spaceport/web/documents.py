"""Documents (WEB §W4): the list with its filter and pages (§W4.1) and statuses (§W4.2), and
the names pages share. A document's page is `document.py`, its actions `document_actions.py`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from math import ceil
from typing import Any
from urllib.parse import urlencode

from fastapi import Request, Response

from spaceport.documents.models import TYPES, Document
from spaceport.kit.routing import Router
from spaceport.kit.transaction import Db
from spaceport.organizations.calendar import local_date
from spaceport.organizations.calendar import today as today_of
from spaceport.organizations.models import Organization
from spaceport.web.dashboard import instant, timezone_of
from spaceport.web.guard import PlaceDep
from spaceport.web.pages import PageRoute, render
from spaceport.web.repository import DocumentListRepository

router = Router(route_class=PageRoute, include_in_schema=False)
PER_PAGE = 50  # WEB §W4.1

# WEB §W9: the visible names of types, statuses (WEB §W4.2, first that holds) and payment types
TYPE_NAMES = {
    "invoice": "Invoice",
    "estimate": "Estimate",
    "advance": "Advance",
    "credit-note": "Credit note",
    "delivery-note": "Delivery note",
}
STATUS_NAMES = {
    "draft": "Draft",
    "issued": "Issued",
    "paid": "Paid",
    "partly-paid": "Partly paid",
    "overdue": "Overdue",
    "canceled": "Canceled",
}
PAYMENT_TYPES = {
    "bank": "Bank transfer",
    "cash": "Cash",
    "card": "Card",
    "online": "Online",
    "paypal": "PayPal",
    "crypto": "Crypto",
    "coupon": "Coupon",
    "other": "Other",
}


def start_of_today(organization: Organization) -> datetime:
    """The instant today began in the organization's timezone: a due date before it is past."""
    return instant(today_of(organization), timezone_of(organization))


def status_of(document: Document, today_start: datetime) -> str:
    """WEB §W4.2, the first that holds (`DocumentListRepository.with_status` says it in SQL)."""
    if document.canceled:
        return "canceled"
    if document.draft:
        return "draft"
    if document.type == "invoice":
        if document.paid_in_full:
            return "paid"
        due = document.date_due
        if document.total_due > 0 and due is not None and due < today_start:
            return "overdue"
        if document.total_paid > 0:
            return "partly-paid"
    return "issued"


@dataclass(frozen=True)
class Listed:
    """A row of the documents table (WEB §W4.1)."""

    document: Document
    status: str
    day: date
    due: date | None

    @property
    def client(self) -> str:
        return str((self.document.document_client or {}).get("name") or "")


def listed(organization: Organization, rows: list[Document]) -> list[Listed]:
    start = start_of_today(organization)
    return [
        Listed(
            row,
            status_of(row, start),
            local_date(row.date, organization),
            local_date(row.date_due, organization) if row.date_due else None,
        )
        for row in rows
    ]


# -- the list (WEB §W4.1) ----------------------------------------------------------------------


@dataclass(frozen=True)
class Filter:
    """The GET filter form: Search, Type, Status, and the page asked for."""

    search: str
    type: str
    status: str
    page: int

    @classmethod
    def of(cls, query: Any) -> Filter:
        kind = str(query.get("type") or "")
        status = str(query.get("status") or "")
        try:
            page = max(1, int(str(query.get("page") or "1")))
        except ValueError:
            page = 1
        return cls(
            search=str(query.get("q") or "").strip(),
            type=kind if kind in TYPES else "",
            status=status if status in STATUS_NAMES else "",
            page=page,
        )

    def query(self, page: int) -> str:
        """The query string of page `page` of the same filter."""
        given = {"q": self.search, "type": self.type, "status": self.status}
        return urlencode({**{k: v for k, v in given.items() if v}, "page": page})


@router.get("/app/o/{organization_id}/documents")
def show_documents(request: Request, session: Db, place: PlaceDep) -> Response:
    organization = place.organization
    asked = Filter.of(request.query_params)
    repository = DocumentListRepository(session)
    conditions = repository.conditions(
        organization.id, asked.search, asked.type, asked.status, start_of_today(organization)
    )
    count = repository.count(conditions)
    pages = max(1, ceil(count / PER_PAGE))
    page = min(asked.page, pages)
    rows = repository.page(conditions, offset=(page - 1) * PER_PAGE, limit=PER_PAGE)
    return render(
        request,
        "documents.html",
        rows=listed(organization, rows),
        filter=asked,
        page_number=page,
        pages=pages,
        types=TYPE_NAMES,
        statuses=STATUS_NAMES,
    )
