"""Clients (reference "Clients"): CRUD through `Resource`, checks of email, tax number and
IBAN, the search the SDKs call (COMPAT §1.11) and the email match documents use (COMPAT §6.4)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, Final

import stdnum
from email_validator import EmailNotValidError, validate_email
from sqlalchemy import ColumnElement, case, select
from sqlalchemy.orm import Session
from stdnum import iban as iban_numbers
from stdnum.eu import vat as eu_vat
from stdnum.exceptions import ValidationError as NumberError

from spaceport.clients.models import Client, search_key
from spaceport.clients.schemas import ClientCreate, ClientUpdate
from spaceport.countries.matching import find_country
from spaceport.countries.names import DEMONYMS
from spaceport.kit import listing
from spaceport.kit.errors import ValidationFailed, invalid
from spaceport.kit.filters import apply_filter
from spaceport.resources import Resource, Values

SEARCH_LIMIT: Final = 50
DROPPED_WHEN_NULL: Final = frozenset({"custom", "tax_subject", "is_end_customer"})

# Where the number is called a VAT number; elsewhere it is a "tax number" (ABN, CUIT, ...).
VAT_AREA: Final = frozenset({*(cc.upper() for cc in eu_vat.MEMBER_STATES), "GB", "CH", "NO"})


# -- checks ---------------------------------------------------------------------------------
def reason(error: NumberError) -> str:
    """python-stdnum's "The number's checksum ... is invalid." as a clause."""
    text = str(error).rstrip(".")
    return text[:1].lower() + text[1:]


def email_problem(email: str) -> str | None:
    try:
        validate_email(email.strip(), check_deliverability=False)
    except EmailNotValidError as error:
        return f"is not a valid email address: {error}"
    return None


def iban_problem(number: str) -> str | None:
    """Country, length and the mod-97 check digits. Not the national part: python-stdnum
    checks it against bank registries frozen at its release, which would refuse a real
    account at a bank newer than the installed version."""
    try:
        iban_numbers.validate(number, check_country=False)
    except NumberError as error:
        return f"is not a valid IBAN: {reason(error)}"
    return None


def country_code(country: str | None) -> str | None:
    """The alpha-2 code of the client's free-text country (COMPAT §7.1 matching)."""
    found = find_country(country) if country and country.strip() else None
    return str(found["alpha2Code"]) if found else None


def tax_number_problem(number: str, alpha2: str) -> str | None:
    """Valid for the country's validator, also with the country code in front
    ("BE0403170701"), or as any EU VAT number. No validator for the country: accepted."""
    module = stdnum.get_cc_module(alpha2.lower(), "vat")
    if module is None or module.is_valid(number):
        return None
    compact = "".join(number.split())
    if compact[:2].upper() == alpha2 and module.is_valid(compact[2:]):
        return None
    if eu_vat.is_valid(number):
        return None
    try:
        module.validate(number)
    except NumberError as error:
        return f"{not_valid_tax_number(alpha2)}: {reason(error)}"
    return not_valid_tax_number(alpha2)  # pragma: no cover - validate agrees with is_valid


def not_valid_tax_number(alpha2: str) -> str:
    """ "is not a valid Belgian VAT number", "is not a valid Australian tax number"."""
    kind = "VAT number" if alpha2 in VAT_AREA else "tax number"
    demonym = DEMONYMS.get(alpha2)
    if demonym is None:
        country = find_country(alpha2)
        return f"is not a valid {kind} for {country['name'] if country else alpha2}"
    return f"is not a valid {demonym} {kind}"


def format_problems(values: Values) -> dict[str, list[str]]:
    """The email and IBAN being set, checked on their own."""
    checks: list[tuple[str, str, Callable[[str], str | None]]] = [
        ("email", "email", email_problem),
        ("iban", "IBAN", iban_problem),
    ]
    found: dict[str, list[str]] = {}
    for name, prop, check in checks:
        problem = check(values[name]) if values.get(name) else None
        if problem:
            found[prop] = [problem]
    return found


def tax_number_problems(values: Values, client: Client | None) -> dict[str, list[str]]:
    """The tax number checked for the client's country, when either of them changes."""
    if "tax_number" not in values and "country" not in values:
        return {}

    def current(name: str) -> Any:
        return values[name] if name in values else getattr(client, name, None)

    alpha2, number = country_code(current("country")), current("tax_number")
    problem = tax_number_problem(number, alpha2) if alpha2 and number else None
    return {"taxNumber": [problem]} if problem else {}


def prepare(session: Session, _organization_id: str, values: Values, client: Any) -> Values:
    if "name" in values and values["name"] is None:
        raise invalid("name", "can't be blank")
    values = {k: v for k, v in values.items() if v is not None or k not in DROPPED_WHEN_NULL}
    found = {**format_problems(values), **tax_number_problems(values, client)}
    if found:
        raise ValidationFailed(found)
    return values


clients = Resource(Client, "client", "clients", ClientCreate, ClientUpdate, prepare=prepare)


# -- queries --------------------------------------------------------------------------------
def live_in(organization_id: str) -> list[ColumnElement[bool]]:
    return [Client.organization_id == organization_id, Client.is_deleted.is_(False)]


def find_by_email(session: Session, organization_id: str, email: str) -> Client | None:
    """The organization's (oldest) live client with this email, ignoring case (COMPAT §6.4)."""
    key = search_key(email)
    if not key:
        return None
    stmt = (
        select(Client)
        .where(*live_in(organization_id), Client.email_key == key)
        .order_by(Client.created_at, Client.id)
    )
    return session.scalars(stmt.limit(1)).first()


def find(session: Session, organization_id: str, client_id: str) -> Client | None:
    """The organization's live client with this id."""
    stmt = select(Client).where(*live_in(organization_id), Client.id == client_id)
    return session.scalars(stmt).first()


def search(session: Session, organization_id: str, term: str, flt: listing.Filter) -> list[Client]:
    """COMPAT §1.11 search: a case-insensitive substring of name, email, address, city, tax
    number, company number, contact or phone. Best first: the name equal to the term, then
    starting with it, then containing it, then the other fields; within a rank the filter's
    `order` (default name). `where`, `limit` (default 50) and `skip` apply as in lists."""
    key = search_key(term)
    rank = case(
        (Client.name_key == key, 0),
        (Client.name_key.startswith(key, autoescape=True), 1),
        (Client.name_key.contains(key, autoescape=True), 2),
        else_=3,
    )
    stmt = (
        select(Client)
        .where(Client.organization_id == organization_id)
        .where(Client.search_text.contains(key, autoescape=True))
        .order_by(rank)
    )
    flt = dataclasses.replace(
        flt,
        order=flt.order or [("name", False)],
        limit=SEARCH_LIMIT if flt.limit is None else flt.limit,
    )
    stmt = apply_filter(stmt, flt, Client, listing.dialect_of(session))
    return list(session.scalars(stmt))
