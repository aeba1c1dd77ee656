"""Items (WEB §W5.2): the list by name (Name, Price, Unit, Tax), and New item (Price net, Tax
as the new invoice offers it, WEB §W4.3) saved by the items service as `POST /v1/.../items`
saves it, then back to the list."""

from __future__ import annotations

from typing import Any, Final

from fastapi import Request, Response
from sqlalchemy.orm import Session

from spaceport.documents import defaults as document_defaults
from spaceport.items.schemas import ItemCreate
from spaceport.items.service import items
from spaceport.kit.db import within_limits
from spaceport.kit.errors import ValidationFailed
from spaceport.kit.routing import Router
from spaceport.kit.transaction import Db
from spaceport.kit.wire import validate
from spaceport.organizations import calendar
from spaceport.organizations.models import Organization
from spaceport.taxes import service as taxes
from spaceport.web.forms import NOT_A_NUMBER, REQUIRED, decimal_of, messages_of
from spaceport.web.guard import FormDep, PlaceDep, WritingPlaceDep
from spaceport.web.pages import PageRoute, page_of, render, see_other
from spaceport.web.paging import paged
from spaceport.web.repository import CatalogRepository
from spaceport.web.taxes import preselected, tax_of, tax_options

router = Router(route_class=PageRoute, include_in_schema=False)
FIELDS: Final = ("name", "price", "unit", "taxIds")  # the API's properties


@router.get("/app/o/{organization_id}/items")
def list_items(request: Request, session: Db, place: PlaceDep) -> Response:
    organization = place.organization
    listing = CatalogRepository(session)
    pages, rows = paged(request, listing, listing.items(organization.id))
    today = calendar.today(organization)
    book = taxes.taxes_by_id(session, organization.id, {i for row in rows for i in row.tax_ids})

    def taxes_of(tax_ids: list[str]) -> str:
        """WEB §W1.4: each of the item's taxes at its rate in force today."""
        labels = []
        for tax_id in tax_ids:
            tax = book.get(tax_id)
            rate = taxes.rate_in_force(tax, today) if tax is not None else None
            if tax is not None and rate is not None:
                labels.append(tax_of(tax, rate, organization.locale))
        return ", ".join(labels)

    return render(
        request,
        "items.html",
        items=rows,
        pager=pages,
        currency=document_defaults.read(session, organization.id).currency_id,
        taxes_of=taxes_of,
    )


def form_page(
    request: Request,
    session: Session,
    organization: Organization,
    values: dict[str, str],
    errors: dict[str, list[str]],
    status: int = 200,
) -> Response:
    """The form with the taxes in force today, the standard one chosen unless another was."""
    today = calendar.today(organization)
    options = tax_options(session, organization.id, today, organization.locale)
    values = {"taxIds": preselected(options), **values}
    choices = [("", "No tax"), *((option.tax_id, option.label) for option in options)]
    return render(
        request, "item_new.html", status=status, values=values, errors=errors, taxes=choices
    )


@router.get("/app/o/{organization_id}/items/new")
def new_item(request: Request, session: Db, place: WritingPlaceDep) -> Response:
    return form_page(request, session, place.organization, {}, {})


@router.post("/app/o/{organization_id}/items/new")
def save_item(request: Request, session: Db, place: WritingPlaceDep, form: FormDep) -> Response:
    """As `POST /v1/organizations/:id/items` with `price` (net) and one tax or none."""
    organization = place.organization
    t = page_of(request).t
    values = {name: str(form.get(name) or "").strip() for name in FIELDS}
    errors: dict[str, list[str]] = {}
    if not values["name"]:
        errors["name"] = [t(REQUIRED)]
    price = decimal_of(values["price"]) if values["price"] else None
    if values["price"] and price is None:
        errors["price"] = [t(NOT_A_NUMBER)]
    if errors:
        return form_page(request, session, organization, values, errors, status=422)
    given: dict[str, Any] = {"name": values["name"], "taxIds": [values["taxIds"]]}
    if price is not None:
        given["price"] = str(price)
    if values["unit"]:
        given["unit"] = values["unit"]
    try:
        data = validate(ItemCreate, given)
        with within_limits(session):
            items.create(session, organization.id, data.given_with_defaults())
    except ValidationFailed as error:
        return form_page(request, session, organization, values, messages_of(error), status=422)
    return see_other(f"/app/o/{organization.id}/items")
