"""The country list in the reference's shape (reference "The Country object"), with today's taxes
and currency: computed once a day, served as cached JSON, handed out as copies."""

from __future__ import annotations

import copy
from datetime import date
from functools import lru_cache
from typing import Any

import orjson

from spaceport.countries.currencies import currency_on
from spaceport.countries.days import today
from spaceport.countries.names import IsoCountry, iso_countries, native_name, translations
from spaceport.countries.vat import country_taxes
from spaceport.kit.json import dumps, format_decimal

Country = dict[str, Any]


def _tax_objects(alpha2: str, on: date) -> list[dict[str, str]]:
    return [
        {
            "name": spec.name,
            "abbreviation": spec.abbreviation,
            "rate": format_decimal(spec.rate),
            "classification": spec.classification,
        }
        for spec in country_taxes(alpha2, on)
    ]


def _country_object(country: IsoCountry, on: date) -> Country:
    """A country in the reference's shape (reference "The Country object")."""
    return {
        "name": country.name,
        "alpha2Code": country.alpha2,
        "alpha3Code": country.alpha3,
        "nativeName": native_name(country),
        "numericCode": country.numeric,
        "translations": translations(country),
        "taxes": _tax_objects(country.alpha2, on),
        "currency": currency_on(country.alpha2, on),
    }


@lru_cache(maxsize=2)
def _countries_on(on: date) -> tuple[Country, ...]:
    return tuple(_country_object(country, on) for country in iso_countries())


@lru_cache(maxsize=2)
def _countries_json_on(on: date) -> bytes:
    return dumps(list(_countries_on(on)))


@lru_cache(maxsize=2)
def _countries_by_code_on(on: date) -> dict[str, Country]:
    return {country["alpha2Code"]: country for country in _countries_on(on)}


def all_countries() -> list[Country]:
    """Every country (≥ 249) in the reference's shape, with today's taxes and currency. The
    list is the caller's own copy."""
    result: list[Country] = orjson.loads(countries_json())
    return result


def countries_json() -> bytes:
    """`all_countries()` serialized, cached: what GET /v1/countries answers."""
    return _countries_json_on(today())


def get_country(alpha2: str) -> Country | None:
    """The country with that alpha-2 code (a copy), None if there is none."""
    country = _countries_by_code_on(today()).get(alpha2.strip().upper())
    return copy.deepcopy(country) if country is not None else None
