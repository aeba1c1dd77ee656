"""Settings (WEB §W7.1): the organization's own properties, through the organizations service
the API's `PATCH /v1/organizations/:id` uses, and four of its Defaults (COMPAT §7.2) through
the defaults service. A readonly member sees them as text; saving is 403 for them (WEB §W2.5).
Bad input shows the API's messages next to the fields, keeps what was typed, saves nothing."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from fastapi import Request, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from spaceport.defaults import service as defaults
from spaceport.kit.errors import ValidationFailed
from spaceport.kit.routing import Router
from spaceport.kit.transaction import Db
from spaceport.kit.wire import validate
from spaceport.organizations import service as organizations
from spaceport.organizations.models import Organization
from spaceport.organizations.schemas import OrganizationUpdate
from spaceport.web.forms import messages_of
from spaceport.web.guard import FormDep, PlaceDep, WritingPlaceDep
from spaceport.web.pages import PageRoute, page_of, render, see_other

router = Router(route_class=PageRoute, include_in_schema=False)

# WEB §W8: the labels, in order, and the API's property each edits (its error key too).
ORGANIZATION_FIELDS: Final = (
    ("name", "Name", "name"),
    ("address", "Address", "address"),
    ("city", "City", "city"),
    ("zip", "Post code", "zip"),
    ("country", "Country", "country"),
    ("taxNumber", "Tax number", "tax_number"),
    ("IBAN", "IBAN", "iban"),
    ("bank", "Bank", "bank"),
    ("email", "Email", "email"),
)
DUE_DAYS, NOTE, TEMPLATE, ROUNDING = (
    "invoice_dueDays",
    "invoice_note",
    "pdf_template",
    "tax_rounding",
)
CHOICES: Final = {
    TEMPLATE: (("modern", "Modern"), ("classic", "Classic")),  # pdf.render.TEMPLATES
    ROUNDING: (("line", "Per line"), ("document", "Per document")),  # COMPAT §6.8
}
FALLBACKS: Final = {TEMPLATE: "modern", ROUNDING: "line"}


def is_slovenian(organization: Organization) -> bool:
    """WEB §W7.2: fiscalization is for organizations in Slovenia."""
    return organization.country_alpha2_code == "SI"


def organization_values(organization: Organization) -> dict[str, str]:
    return {
        key: getattr(organization, attribute) or "" for key, _, attribute in ORGANIZATION_FIELDS
    }


def show_settings(
    request: Request,
    organization: Organization,
    values: Mapping[str, str],
    errors: Mapping[str, list[str]],
    status: int = 200,
) -> Response:
    return render(
        request,
        "settings.html",
        status=status,
        fields=ORGANIZATION_FIELDS,
        values=values,
        errors=errors,
        slovenian=is_slovenian(organization),
    )


@router.get("/app/o/{organization_id}/settings")
def settings_page(request: Request, place: PlaceDep) -> Response:
    organization = place.organization
    return show_settings(request, organization, organization_values(organization), {})


@router.post("/app/o/{organization_id}/settings")
def save_settings(request: Request, session: Db, place: WritingPlaceDep, form: FormDep) -> Response:
    """As `PATCH /v1/organizations/:id` with every field; an emptied field is cleared (null),
    but Name, which the API requires."""
    typed = {key: str(form.get(key) or "").strip() for key, _, _ in ORGANIZATION_FIELDS}
    body = {key: value or (value if key == "name" else None) for key, value in typed.items()}
    try:
        data = validate(OrganizationUpdate, body)
    except ValidationFailed as failed:
        return show_settings(request, place.organization, typed, messages_of(failed), 422)
    organizations.update(session, place.organization, data)
    return see_other(f"{page_of(request).base}/settings", notice="Saved.")


# -- Defaults -----------------------------------------------------------------------------------
def defaults_values(session: Session, organization_id: str) -> dict[str, str]:
    stored = defaults.values_of(session, organization_id)
    values = {
        name: "" if stored.get(name) is None else str(stored[name]) for name in (DUE_DAYS, NOTE)
    }
    for name, fallback in FALLBACKS.items():
        values[name] = str(stored.get(name) or fallback)
    return values


def show_defaults(
    request: Request,
    values: Mapping[str, str],
    errors: Mapping[str, list[str]],
    status: int = 200,
) -> Response:
    return render(
        request,
        "settings_defaults.html",
        status=status,
        values=values,
        errors=errors,
        choices=CHOICES,
        words={name: dict(options) for name, options in CHOICES.items()},
    )


@router.get("/app/o/{organization_id}/settings/defaults")
def defaults_page(request: Request, session: Db, place: PlaceDep) -> Response:
    return show_defaults(request, defaults_values(session, place.organization.id), {})


def checked_defaults(form: FormData) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The four values as they are stored (an empty one: no Default), or the errors: the
    defaults service's own for `invoice_dueDays`, a choice not offered for the others."""
    typed = {name: str(form.get(name) or "") for name in (DUE_DAYS, NOTE, TEMPLATE, ROUNDING)}
    wanted: dict[str, Any] = {NOTE: typed[NOTE].strip() or None}
    errors: dict[str, list[str]] = {}
    try:
        days = typed[DUE_DAYS].strip()
        wanted[DUE_DAYS] = defaults.coerce_value(DUE_DAYS, days) if days else None
    except ValidationFailed as failed:
        errors[DUE_DAYS] = [m for ms in messages_of(failed).values() for m in ms]
    for name, options in CHOICES.items():
        if typed[name] not in dict(options):
            errors[name] = ["Choose one of the options."]
        wanted[name] = typed[name]
    return wanted, errors


@router.post("/app/o/{organization_id}/settings/defaults")
def save_defaults(request: Request, session: Db, place: WritingPlaceDep, form: FormDep) -> Response:
    """Every value is checked before any is written: an error saves nothing. Only changed
    values are written (each write records its event, COMPAT §8.1)."""
    wanted, errors = checked_defaults(form)
    organization_id = place.organization.id
    if errors:
        typed = {name: str(form.get(name) or "") for name in (DUE_DAYS, NOTE, TEMPLATE, ROUNDING)}
        return show_defaults(request, typed, errors, 422)
    for name, value in wanted.items():
        stored = defaults.find(session, organization_id, name)
        if value is None:
            if stored is not None:
                defaults.defaults.delete(session, stored)
        elif stored is None or stored.value != value:
            defaults.put(session, organization_id, name, value)
    return see_other(f"{page_of(request).base}/settings/defaults", notice="Saved.")
