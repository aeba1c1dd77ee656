"""Matching free text to a country (COMPAT §7.1): codes, English, native and translated names and
common aliases, case-, accent- and punctuation-insensitive."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import Final

from spaceport.countries.catalog import Country, get_country
from spaceport.countries.names import (
    TRANSLATION_LOCALES,
    iso_countries,
    languages,
    normalize,
    territory_name,
)

# Further CLDR locales whose country names `find_country` understands (not in the output).
_MATCH_LOCALES: Final = (
    "bg", "da", "el", "et", "fi", "ga", "hu", "lt", "lv", "mt", "pl", "ro", "sk", "sv", "nb",
    "nn", "is", "sq", "sr", "sr_Latn", "bs", "mk", "tr", "uk", "ru", "ca", "eu", "gl", "lb",
)  # fmt: skip

# Names people write that neither ISO nor CLDR give (or give to another country first).
_ALIASES: Final = {
    "UK": "GB",
    "U.K.": "GB",
    "Great Britain": "GB",
    "Britain": "GB",
    "England": "GB",
    "Scotland": "GB",
    "Wales": "GB",
    "Northern Ireland": "GB",
    "USA": "US",
    "U.S.": "US",
    "America": "US",
    "United States": "US",
    "Holland": "NL",
    "EL": "GR",  # the EU's code for Greece (VAT numbers)
    "Hellas": "GR",
    "Czech Republic": "CZ",
    "Turkey": "TR",
    "Russia": "RU",
    "South Korea": "KR",
    "Korea": "KR",
    "North Korea": "KP",
    "Macedonia": "MK",
    "Ivory Coast": "CI",
    "Cape Verde": "CV",
    "Swaziland": "SZ",
    "Burma": "MM",
    "East Timor": "TL",
    "Vatican": "VA",
    "Vatican City": "VA",
    "Holy See": "VA",
    "Palestine": "PS",
    "Congo": "CG",
    "Republic of the Congo": "CG",
    "DR Congo": "CD",
    "DRC": "CD",
    "Democratic Republic of the Congo": "CD",
    "UAE": "AE",
    "Emirates": "AE",
    "Laos": "LA",
    "Syria": "SY",
    "Moldova": "MD",
    "Tanzania": "TZ",
    "Venezuela": "VE",
    "Vietnam": "VN",
    "Brunei": "BN",
    "Micronesia": "FM",
}


def _index_names() -> Iterator[tuple[str, str]]:
    """(name, alpha-2) pairs, most authoritative first: the first country to claim a name
    keeps it (codes, then English, aliases, native names, other languages)."""
    countries = iso_countries()
    for country in countries:
        yield from ((code, country.alpha2) for code in (country.alpha2, country.alpha3))
        if country.numeric:
            yield country.numeric, country.alpha2
    for country in countries:
        yield country.name, country.alpha2
        yield from ((name, country.alpha2) for name in country.other_names)
    for country in countries:
        yield from ((name, country.alpha2) for name in _cldr_names("en", country.alpha2))
    yield from _ALIASES.items()
    for country in countries:
        for language in languages(country.alpha2):
            yield from ((name, country.alpha2) for name in _cldr_names(language, country.alpha2))
    for locale in (*TRANSLATION_LOCALES.values(), *_MATCH_LOCALES):
        for country in countries:
            yield from ((name, country.alpha2) for name in _cldr_names(locale, country.alpha2))


def _cldr_names(locale: str, alpha2: str) -> tuple[str, ...]:
    name = territory_name(locale, alpha2)
    return (name,) if name else ()


@cache
def _name_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for name, alpha2 in _index_names():
        index.setdefault(normalize(name), alpha2)
    index.pop("", None)
    return index


def find_country(text: str) -> Country | None:
    """The country named by free text: an English, official, common or native name, a
    translation, an alias ("USA", "UK", "Holland"), an alpha-2, alpha-3 or numeric code.
    Case, accents, punctuation and surrounding spaces do not matter. None if nothing matches."""
    key = normalize(text)
    if key.isdigit():
        key = key.zfill(3)
    alpha2 = _name_index().get(key)
    return get_country(alpha2) if alpha2 else None
