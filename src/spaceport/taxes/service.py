"""Taxes and the one answer to "the rate of this tax in force on date D" (COMPAT §6.7, §7.4)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from spaceport.events import service as events
from spaceport.kit.db import utcnow
from spaceport.kit.ids import new_uuid
from spaceport.kit.json import iso_datetime
from spaceport.kit.serialize import to_api
from spaceport.taxes.models import Tax

EPOCH = date(1970, 1, 1)


def tax_rate(
    rate: Decimal, valid_from: date = EPOCH, custom: dict[str, Any] | None = None
) -> dict[str, Any]:
    now = iso_datetime(utcnow())
    return {
        "id": new_uuid(),
        "rate": rate,
        "dateValidFrom": valid_from.isoformat(),
        "custom": custom or {},
        "createdAt": now,
        "updatedAt": now,
    }


def sorted_rates(rates: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """COMPAT §7.4: most recent `dateValidFrom` first."""
    return sorted(rates, key=lambda r: str(r["dateValidFrom"]), reverse=True)


def rate_in_force(tax: Tax, on: date) -> Decimal | None:
    """The rate of the `_taxRates` entry with the latest `dateValidFrom` not after `on`."""
    day = on.isoformat()
    for entry in sorted_rates(tax.tax_rates):
        if str(entry["dateValidFrom"])[:10] <= day:
            return Decimal(str(entry["rate"]))
    return None


def create_tax(
    session: Session,
    organization_id: str,
    *,
    name: str,
    rates: list[dict[str, Any]],
    abbreviation: str | None = None,
    classification: str | None = None,
    recoverable: bool = True,
    compound: bool = False,
    reverse_charged: bool = False,
    custom: dict[str, Any] | None = None,
) -> Tax:
    tax = Tax(
        organization_id=organization_id,
        name=name,
        abbreviation=abbreviation,
        classification=classification,
        tax_rates=sorted_rates(rates),
        recoverable=recoverable,
        compound=compound,
        reverse_charged=reverse_charged,
        custom=custom or {},
    )
    session.add(tax)
    session.flush()
    events.record(session, "tax", "create", organization_id, to_api(tax))
    return tax
