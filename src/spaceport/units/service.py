"""Units (COMPAT §7.6): CRUD through `Resource`; the free-text country gives
`countryAlpha2Code` as an organization's does (COMPAT §7.1)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from spaceport.countries.catalog import get_country
from spaceport.countries.matching import find_country
from spaceport.kit.errors import invalid
from spaceport.kit.repository import repository_of
from spaceport.resources import Resource, Values
from spaceport.units.models import Unit
from spaceport.units.schemas import UnitCreate, UnitUpdate


def alpha2_of(country: str | None) -> str | None:
    found = find_country(country) if country and country.strip() else None
    return str(found["alpha2Code"]) if found else None


def checked_alpha2(code: str) -> str:
    known = get_country(code.strip().upper())
    if known is None:
        raise invalid("countryAlpha2Code", f"{code!r} is not an ISO 3166-1 alpha-2 country code")
    return str(known["alpha2Code"])


def prepare(_session: Session, _organization_id: str, values: Values, _unit: Any) -> Values:
    """A given `countryAlpha2Code` must be a known code; otherwise a new `country` sets it."""
    code = values.get("country_alpha2_code")
    if code:
        values["country_alpha2_code"] = checked_alpha2(code)
    elif "country" in values:
        values["country_alpha2_code"] = alpha2_of(values["country"])
    elif "country_alpha2_code" in values:
        values["country_alpha2_code"] = None
    return values


units = Resource(Unit, "unit", "units", UnitCreate, UnitUpdate, prepare=prepare)


def find(session: Session, organization_id: str, unit_id: str) -> Unit | None:
    """The organization's live unit with this id (a document's `unitId`, COMPAT §7.6)."""
    return repository_of(Unit)(session).get_in(organization_id, unit_id)
