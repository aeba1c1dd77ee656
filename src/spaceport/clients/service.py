"""Clients (reference "Clients"): CRUD through `Resource`, checks of email, tax number and
IBAN, the search the SDKs call (COMPAT §1.11) and the email match documents use (COMPAT §6.4)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final

import stdnum
from email_validator import EmailNotValidError, validate_email
from sqlalchemy.orm import Session
from stdnum import iban as iban_numbers
from stdnum.eu import vat as eu_vat
from stdnum.exceptions import ValidationError as NumberError

from spaceport.clients.models import Client
from spaceport.clients.repository import ClientRepository
from spaceport.clients.schemas import ClientCreate, ClientUpdate
from spaceport.countries.matching import find_country
from spaceport.countries.names import DEMONYMS
from spaceport.documents.answers import IncludedDocument
from spaceport.kit.answers import many
from spaceport.kit.errors import ValidationFailed
from spaceport.kit.filters import Filter
from spaceport.resources import Resource, Values

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
    found = {**format_problems(values), **tax_number_problems(values, client)}
    if found:
        raise ValidationFailed(found)
    return values


def include_documents(session: Session, rows: list[Client]) -> Mapping[str, Any]:
    """`include=documents` (COMPAT §4.3, client → documents): each client's live documents as
    the API answers them, newest first."""
    from spaceport.documents import service as documents  # documents import clients

    found: dict[str, list[Values]] = {row.id: [] for row in rows}
    for document in ClientRepository(session).documents_of(rows):
        found[document.client_id or ""].append(documents.answer(document))
    return found


clients = Resource(
    Client,
    "client",
    "clients",
    ClientCreate,
    ClientUpdate,
    prepare=prepare,
    includes={"documents": include_documents},
    repository=ClientRepository,
    answered={"documents": many(IncludedDocument)},
)


# -- queries --------------------------------------------------------------------------------
def find_by_email(session: Session, organization_id: str, email: str) -> Client | None:
    """The organization's (oldest) live client with this email, ignoring case (COMPAT §6.4)."""
    return ClientRepository(session).find_by_email(organization_id, email)


def find(session: Session, organization_id: str, client_id: str) -> Client | None:
    """The organization's live client with this id."""
    return ClientRepository(session).get_in(organization_id, client_id)


def search(session: Session, organization_id: str, term: str, flt: Filter) -> list[Client]:
    """COMPAT §1.11: see `ClientRepository.search`."""
    return ClientRepository(session).search(organization_id, term, flt)
