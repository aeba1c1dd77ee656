"""Amounts, dates and numbers as the organization's locale writes them (WEB §W1.4), with Babel:
`2.420,00 €` in `sl`, `€2,420.00` in `en`; dates medium (`1. mar. 2025`); quantities without
trailing zeros (`1,5`). The page's language does not change them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, format_decimal

FALLBACK_LOCALE = "en"


@cache
def locale_of(code: str | None) -> Locale:
    """The Babel locale of an organization's `locale` (`sl`, `en`, `de-AT`); English when it
    names none."""
    try:
        return Locale.parse((code or FALLBACK_LOCALE).replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return Locale.parse(FALLBACK_LOCALE)


def amount(value: Decimal, currency: str, locale: str | None) -> str:
    return str(format_currency(value, currency, locale=locale_of(locale)))


def day(value: date | datetime | None, locale: str | None) -> str:
    if value is None:
        return ""
    return str(format_date(value, format="medium", locale=locale_of(locale)))


def quantity(value: Decimal, locale: str | None) -> str:
    """`1.5000` reads `1,5` in `sl`: no trailing zeros, no rounding."""
    normalized = value.normalize()
    places = max(0, -int(normalized.as_tuple().exponent))
    pattern = "#,##0" + ("." + "#" * places if places else "")
    return str(format_decimal(normalized, format=pattern, locale=locale_of(locale)))


def month(value: date, locale: str | None) -> str:
    """`March 2025`, `marec 2025`: a month of the dashboard's chart (WEB §W3.2)."""
    return str(format_date(value, format="LLLL y", locale=locale_of(locale)))


def short_month(value: date, locale: str | None) -> str:
    return str(format_date(value, format="LLL", locale=locale_of(locale)))


def country(alpha2: str | None, language: str) -> str:
    """WEB §W3.1: a country's name in the page's language."""
    if not alpha2:
        return ""
    return str(locale_of(language).territories.get(alpha2.upper(), alpha2))


def moment(value: datetime | None, locale: str | None, timezone: str | None) -> str:
    """An instant (a run's start, a delivery's time) in the organization's timezone, medium
    (`1. mar. 2025 14:05:09`)."""
    if value is None:
        return ""
    try:
        zone = ZoneInfo(timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return str(format_datetime(value.astimezone(zone), format="medium", locale=locale_of(locale)))
