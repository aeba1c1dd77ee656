"""Organizations: created with their country's defaults (COMPAT §7.1), activated and
deactivated, listed per account."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from spaceport.access.models import Access
from spaceport.accounts.models import Account
from spaceport.countries.currencies import country_currency
from spaceport.countries.matching import find_country
from spaceport.countries.names import country_locale
from spaceport.countries.vat import country_tax_history
from spaceport.countries.zones import country_timezone
from spaceport.defaults import service as defaults
from spaceport.events import service as events
from spaceport.kit.db import utcnow
from spaceport.kit.serialize import to_api
from spaceport.organizations.models import Organization
from spaceport.organizations.schemas import OrganizationCreate, OrganizationUpdate
from spaceport.taxes import service as taxes

FALLBACK_CURRENCY = "EUR"


def create(session: Session, owner: Account, data: OrganizationCreate) -> Organization:
    """The owner becomes its admin (COMPAT §3.6); the country sets the code, locale, timezone,
    the Default `currencyId` and the country's VAT taxes with their dated rates (COMPAT §7.1)."""
    values = data.given()
    country_text = "" if data.country is None else str(data.country).strip()
    country = find_country(country_text) if country_text else None
    alpha2 = country["alpha2Code"] if country else None
    organization = Organization(**{**values, "country": country_text or None})
    organization.country_alpha2_code = alpha2
    organization.locale = data.locale or (country_locale(alpha2) if alpha2 else "en")
    organization.timezone = data.timezone or (country_timezone(alpha2) if alpha2 else "UTC")
    session.add(organization)
    session.flush()
    session.add(Access(organization_id=organization.id, account_id=owner.id, role="admin"))
    currency = (country_currency(alpha2) if alpha2 else None) or FALLBACK_CURRENCY
    defaults.create(session, organization.id, "currencyId", currency)
    if alpha2:
        create_country_taxes(session, organization.id, alpha2)
    events.record(session, "organization", "create", organization.id, to_api(organization))
    return organization


def create_country_taxes(session: Session, organization_id: str, alpha2: str) -> None:
    for series in country_tax_history(alpha2):
        taxes.create_tax(
            session,
            organization_id,
            name=series.name,
            abbreviation=series.abbreviation,
            classification=series.classification,
            rates=[taxes.tax_rate(rate, valid_from) for valid_from, rate in series.rates],
        )


def update(session: Session, organization: Organization, data: OrganizationUpdate) -> Organization:
    for name, value in data.given().items():
        if name == "country":
            text = "" if value is None else str(value).strip()
            country = find_country(text) if text else None
            organization.country = text or None
            organization.country_alpha2_code = country["alpha2Code"] if country else None
        elif value is not None or name not in ("name", "custom"):
            setattr(organization, name, value)
    session.flush()
    events.record(session, "organization", "update", organization.id, to_api(organization))
    return organization


def set_active(session: Session, organization: Organization, active: bool) -> None:
    if organization.active == active:
        return
    organization.active = active
    if active:
        organization.activated_at = utcnow()
    else:
        organization.deactivated_at = utcnow()
    session.flush()
    events.record(session, "organization", "update", organization.id, to_api(organization))


def answers(session: Session, organizations: list[Organization]) -> list[dict[str, Any]]:
    """Organizations as the API answers them: `_defaults` always included (reference)."""
    grouped = defaults.defaults_of(session, [o.id for o in organizations])
    return [{**to_api(o), "_defaults": [to_api(d) for d in grouped[o.id]]} for o in organizations]


def answer(session: Session, organization: Organization) -> dict[str, Any]:
    return answers(session, [organization])[0]
