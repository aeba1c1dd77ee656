"""Clients (WEB §W5.1): the list by name, 50 a page, searched in the name, email or tax
number; New client (text inputs), saved by the clients service as `POST /v1/.../clients`
saves it; a client's page with its documents as the documents list shows them (WEB §W4.1,
`document_rows.html`)."""

from __future__ import annotations

from typing import Final

from fastapi import Request, Response

from spaceport.clients.repository import ClientRepository
from spaceport.clients.schemas import ClientCreate
from spaceport.clients.service import clients, country_code
from spaceport.documents.models import Document
from spaceport.kit.db import within_limits
from spaceport.kit.errors import ValidationFailed
from spaceport.kit.routing import Router
from spaceport.kit.transaction import Db
from spaceport.kit.wire import validate
from spaceport.web import formats
from spaceport.web.documents import STATUS_NAMES, TYPE_NAMES, listed, start_of_today
from spaceport.web.forms import REQUIRED, messages_of
from spaceport.web.guard import FormDep, PlaceDep, WritingPlaceDep
from spaceport.web.pages import PageNotFound, PageRoute, page_of, render, see_other
from spaceport.web.paging import paged, pager
from spaceport.web.repository import CatalogRepository, DocumentListRepository

router = Router(route_class=PageRoute, include_in_schema=False)

# WEB §W8: the New client form's fields, by the API's property names
FIELDS: Final = (
    ("name", "Name"),
    ("email", "Email"),
    ("address", "Address"),
    ("city", "City"),
    ("zip", "Post code"),
    ("country", "Country"),
    ("taxNumber", "Tax number"),
)


def country_name(text: str | None, language: str) -> str:
    """A client's free-text country in the page's language when it names one (COMPAT §7.1
    matching), else as written."""
    alpha2 = country_code(text)
    return formats.country(alpha2, language) if alpha2 else text or ""


@router.get("/app/o/{organization_id}/clients")
def list_clients(request: Request, session: Db, place: PlaceDep) -> Response:
    term = request.query_params.get("search", "").strip()
    listing = CatalogRepository(session)
    stmt = listing.clients(place.organization.id, term)
    pages, found = paged(request, listing, stmt)
    return render(
        request,
        "clients.html",
        clients=found,
        pager=pages,
        search=term,
        country_name=country_name,
    )


@router.get("/app/o/{organization_id}/clients/new")
def new_client(request: Request, place: WritingPlaceDep) -> Response:
    return render(request, "client_new.html", fields=FIELDS, values={}, errors={})


@router.post("/app/o/{organization_id}/clients/new")
def save_client(request: Request, session: Db, place: WritingPlaceDep, form: FormDep) -> Response:
    """As `POST /v1/organizations/:id/clients` with the fields typed; Name is required."""
    values = {name: str(form.get(name) or "").strip() for name, _ in FIELDS}
    if not values["name"]:
        errors = {"name": [page_of(request).t(REQUIRED)]}
    else:
        given = {name: value for name, value in values.items() if value}
        try:
            data = validate(ClientCreate, given)
            with within_limits(session):
                client = clients.create(session, place.organization.id, data.given_with_defaults())
        except ValidationFailed as error:
            errors = messages_of(error)
        else:
            return see_other(f"/app/o/{place.organization.id}/clients/{client.id}")
    return render(
        request, "client_new.html", status=422, fields=FIELDS, values=values, errors=errors
    )


@router.get("/app/o/{organization_id}/clients/{client_id}")
def show_client(request: Request, session: Db, place: PlaceDep, client_id: str) -> Response:
    organization = place.organization
    client = ClientRepository(session).get_in(organization.id, client_id)
    if client is None:
        raise PageNotFound()
    documents = DocumentListRepository(session)
    conditions = documents.conditions(organization.id, "", "", "", start_of_today(organization))
    conditions.append(Document.client_id == client.id)
    pages = pager(request, documents.count(conditions))
    rows = documents.page(conditions, offset=pages.offset, limit=pages.limit)
    return render(
        request,
        "client.html",
        client=client,
        country=country_name(client.country, page_of(request).language),
        rows=listed(organization, rows),
        types=TYPE_NAMES,
        statuses=STATUS_NAMES,
        pager=pages,
    )
