"""Conversion rates from the European Central Bank's history that ships with CurrencyConverter:
no network at run time (COMPAT §6.12)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from functools import cache
from typing import Annotated, Any

from currency_converter import CurrencyConverter, RateNotFoundError
from pydantic import Field, WithJsonSchema

from spaceport.kit.answers import Embedded, Number
from spaceport.kit.money import round_to

SOURCE = "European Central Bank"
RATE_PLACES = 6
LOOK_AHEAD_DAYS = 10  # weekends and holidays: the next available date


class ConversionRate(Embedded):
    """`_documentConversionRate` as answered (COMPAT §6.12): what `conversion_rate` fills, or
    what the caller populated it with."""

    date: date
    from_: str = Field(alias="from")
    to: str
    rate: Number
    source: str


NoConversionRate = Annotated[
    list[Any],
    WithJsonSchema(
        {
            "type": "array",
            "maxItems": 0,
            # never any item; stated, since generators need an item type for a union member
            "items": {"type": "object"},
            "description": "Always empty: no conversion rate.",
        }
    ),
]
"""`_documentConversionRate: []`: the document is in the organization's currency (COMPAT §6.12,
the reference's examples)."""
AnsweredConversionRate = ConversionRate | NoConversionRate


@cache
def converter() -> CurrencyConverter:
    return CurrencyConverter(
        decimal=True, fallback_on_missing_rate=False, fallback_on_wrong_date=False
    )


def known(currency: str) -> bool:
    return currency in converter().currencies


def conversion_rate(source: str, target: str, on: date) -> dict[str, Any] | None:
    """`{date, from, to, rate, source}`: 1 `source` = rate `target`, on `on` or the next date
    the ECB published; after the last published date, the last one. None for unknown pairs."""
    ecb = converter()
    if not (known(source) and known(target)):
        return None
    last = min(ecb.bounds[source].last_date, ecb.bounds[target].last_date)
    day = min(on, last)
    for _ in range(LOOK_AHEAD_DAYS):
        try:
            rate = Decimal(ecb.convert(1, source, target, date=day))
        except RateNotFoundError:
            day += timedelta(days=1)
            continue
        return {
            "date": day.isoformat(),
            "from": source,
            "to": target,
            "rate": round_to(rate, RATE_PLACES),
            "source": SOURCE,
        }
    return None
