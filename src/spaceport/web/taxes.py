"""A tax as pages show and offer it (WEB §W1.4, WEB §W4.3): "<abbreviation> <rate> %" with its
rate in force on a day (`DDV 9,5 %`), in the organization's locale; the Tax select offers No
tax and each tax with a rate in force that day, the standard one preselected."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from spaceport.taxes import service as taxes
from spaceport.taxes.models import Tax
from spaceport.web.document import tax_label


def tax_of(tax: Tax, rate: Decimal, locale: str | None) -> str:
    """A saved tax at `rate`, as documents name their lines' taxes (`DDV 9,5 %`)."""
    return tax_label(tax.abbreviation or tax.name, rate, locale)


@dataclass(frozen=True)
class TaxOption:
    tax_id: str
    label: str
    standard: bool


def tax_options(
    session: Session, organization_id: str, on: date, locale: str | None
) -> list[TaxOption]:
    """The organization's taxes with a rate in force on `on`, oldest first (the page offers No
    tax before them)."""
    options = []
    for tax in taxes.taxes_of(session, organization_id):
        rate = taxes.rate_in_force(tax, on)
        if rate is not None:
            standard = (tax.classification or "").strip().lower() == taxes.STANDARD
            options.append(TaxOption(tax.id, tax_of(tax, rate, locale), standard))
    return options


def preselected(options: list[TaxOption]) -> str:
    """The standard tax's id (the first of them), else "" (No tax)."""
    return next((option.tax_id for option in options if option.standard), "")
