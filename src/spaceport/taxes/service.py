"""Taxes and the one answer to "the rate of this tax in force on date D" (COMPAT §6.7,
COMPAT §7.4)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from spaceport.kit.answers import many
from spaceport.kit.db import utcnow
from spaceport.kit.errors import invalid
from spaceport.kit.ids import new_uuid
from spaceport.kit.json import iso_datetime
from spaceport.kit.money import cut
from spaceport.resources import Resource, Values
from spaceport.taxes.errors import TaxInUse, UnknownTaxRate
from spaceport.taxes.models import Tax
from spaceport.taxes.repository import TaxRepository
from spaceport.taxes.schemas import TaxCreate, TaxRate, TaxRateIn, TaxUpdate

EPOCH = date(1970, 1, 1)
STANDARD = "standard"
RATES = "_taxRates"
RateEntry = dict[str, Any]


def tax_rate(
    rate: Decimal, valid_from: date = EPOCH, custom: dict[str, Any] | None = None
) -> RateEntry:
    """A `_taxRates` entry; the rate is cut to 2 decimals (COMPAT §6.8 step 1: 9.975 → 9.97)."""
    now = iso_datetime(utcnow())
    return {
        "id": new_uuid(),
        "rate": cut(rate, 2),
        "dateValidFrom": valid_from.isoformat(),
        "custom": custom or {},
        "createdAt": now,
        "updatedAt": now,
    }


def sorted_rates(rates: Iterable[RateEntry]) -> list[RateEntry]:
    """COMPAT §7.4: most recent `dateValidFrom` first."""
    return sorted(rates, key=lambda r: str(r["dateValidFrom"]), reverse=True)


def rate_in_force(tax: Tax, on: date) -> Decimal | None:
    """The rate of the `_taxRates` entry with the latest `dateValidFrom` not after `on`."""
    day = on.isoformat()
    for entry in sorted_rates(tax.tax_rates):
        if str(entry["dateValidFrom"])[:10] <= day:
            return Decimal(str(entry["rate"]))
    return None


# --- rates as callers give them ---------------------------------------------------------------


def entry_of(given: TaxRateIn | RateEntry) -> RateEntry:
    if isinstance(given, TaxRateIn):
        return tax_rate(given.rate, given.date_valid_from or EPOCH, given.custom)
    return given


def same_rate(one: RateEntry, other: RateEntry) -> bool:
    return (
        str(one["dateValidFrom"]) == str(other["dateValidFrom"])
        and Decimal(str(one["rate"])) == Decimal(str(other["rate"]))
        and one.get("custom") == other.get("custom")
    )


def kept_entries(entries: list[RateEntry], old: Sequence[RateEntry]) -> list[RateEntry]:
    """A replacing `_taxRates` keeps the id and timestamps of each entry it leaves unchanged."""
    return [next((o for o in old if same_rate(o, e)), e) for e in entries]


def checked_rates(entries: list[RateEntry]) -> list[RateEntry]:
    if not entries:
        raise invalid(RATES, "a tax needs at least one rate")
    counts = Counter(str(entry["dateValidFrom"]) for entry in entries)
    repeated = next((day for day, n in counts.items() if n > 1), None)
    if repeated:
        raise invalid(RATES, f"only one rate may be valid from {repeated}")
    return sorted_rates(entries)


# --- the resource -----------------------------------------------------------------------------


def prepare(session: Session, organization_id: str, values: Values, tax: Tax | None) -> Values:
    """`_taxRates` replaces the list when given (COMPAT §7.4); a null flag is a 422 (kit.db)."""
    if "tax_rates" in values:
        given = values["tax_rates"]
        if given is None:
            raise invalid(RATES, "a tax needs at least one rate")
        entries = [entry_of(g) for g in given]
        values["tax_rates"] = checked_rates(kept_entries(entries, tax.tax_rates if tax else []))
    return values


def refuse_if_used(session: Session, tax: Tax) -> None:
    """Reference "Delete a Tax": only a tax that no document uses can be deleted. Tax ids are
    unique 24-hex strings, so finding one in a document's lines is an exact test."""
    if TaxRepository(session).used_on_documents(tax):
        raise TaxInUse()


taxes = Resource(
    Tax,
    "tax",
    "taxes",
    TaxCreate,
    TaxUpdate,
    prepare=prepare,
    guard_delete=refuse_if_used,
    repository=TaxRepository,
    answered={"_taxRates": many(TaxRate)},
)


def create_tax(
    session: Session,
    organization_id: str,
    *,
    name: str,
    rates: list[RateEntry],
    abbreviation: str | None = None,
    classification: str | None = None,
    recoverable: bool = True,
    compound: bool = False,
    reverse_charged: bool = False,
    custom: dict[str, Any] | None = None,
) -> Tax:
    values: Values = {
        "name": name,
        "tax_rates": rates,
        "abbreviation": abbreviation,
        "classification": classification,
        "recoverable": recoverable,
        "compound": compound,
        "reverse_charged": reverse_charged,
        "custom": custom or {},
    }
    return taxes.create(session, organization_id, values)


def add_rate(session: Session, tax: Tax, given: TaxRateIn) -> RateEntry:
    """`POST /v1/taxes/:id/taxRates` (COMPAT §7.4): a tax/update event like any change."""
    entry = entry_of(given)
    taxes.update(session, tax, {"tax_rates": [*tax.tax_rates, entry]})
    return entry


def delete_rate(session: Session, tax: Tax, rate_id: str) -> None:
    """`DELETE /v1/taxes/:id/taxRates/:rateId`; the last rate can't go (422)."""
    remaining = [entry for entry in tax.tax_rates if entry.get("id") != rate_id]
    if len(remaining) == len(tax.tax_rates):
        raise UnknownTaxRate(rate_id)
    taxes.update(session, tax, {"tax_rates": remaining})


# --- lookups for items and documents ------------------------------------------------------------


def taxes_of(session: Session, organization_id: str) -> list[Tax]:
    """The organization's taxes that are not deleted, oldest first: one query."""
    return TaxRepository(session).of_organization(organization_id)


def taxes_by_id(session: Session, organization_id: str, ids: Iterable[str]) -> dict[str, Tax]:
    """The named taxes that belong to the organization and are not deleted."""
    return TaxRepository(session).named(organization_id, ids)


def _rate_matches(tax: Tax, rate: Decimal, on: date) -> bool:
    in_force = rate_in_force(tax, on)
    return in_force is not None and cut(in_force, 2) == rate


def _classified(tax: Tax, classification: str) -> bool:
    return (tax.classification or "").strip().lower() == classification


def match_in(
    taxes: Sequence[Tax], *, rate: Decimal | None, classification: str | None, on: date
) -> Tax | None:
    """COMPAT §6.7 among `taxes` (oldest first): the tax with `rate` in force on `on`,
    preferring the standard classification, then the oldest; else the oldest tax of
    `classification` that has a rate in force on `on`."""
    if rate is not None:
        wanted = cut(rate, 2)  # COMPAT §6.8 step 1: rates count with 2 decimals
        by_rate = [tax for tax in taxes if _rate_matches(tax, wanted, on)]
        if by_rate:
            return min(by_rate, key=lambda tax: not _classified(tax, STANDARD))
    if classification and classification.strip():
        name = classification.strip().lower()
        for tax in taxes:
            if _classified(tax, name) and rate_in_force(tax, on) is not None:
                return tax
    return None


def match_tax(
    session: Session,
    organization_id: str,
    *,
    rate: Decimal | None,
    classification: str | None,
    on: date,
) -> Tax | None:
    """COMPAT §6.7: match by rate, else by classification. For many lines at once, load
    `taxes_of` once and call `match_in`."""
    return match_in(
        taxes_of(session, organization_id), rate=rate, classification=classification, on=on
    )
