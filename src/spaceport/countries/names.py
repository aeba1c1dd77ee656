"""Country names and locales: the ISO 3166-1 countries (pycountry) and Kosovo (XK), which the
reference lists and ISO does not; their native names, translations and official languages
(Babel's CLDR data); the comparable form of a name; the adjective of a country."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any, Final

import pycountry
from babel import Locale, UnknownLocaleError
from babel.languages import get_official_languages


@dataclass(frozen=True, slots=True)
class IsoCountry:
    alpha2: str
    alpha3: str
    numeric: str
    name: str
    other_names: tuple[str, ...]  # official and common English names, for matching


# The reference (like ISO 3166's own short names) calls these two by their long names.
_ENGLISH_NAMES: Final = {
    "GB": "United Kingdom of Great Britain and Northern Ireland",
    "US": "United States of America",
}

# Kosovo has a user-assigned code (XK/XKX) and no ISO numeric code; the reference lists it.
_KOSOVO: Final = IsoCountry("XK", "XKX", "", "Kosovo", ("Republic of Kosovo",))


def _from_pycountry(record: Any) -> IsoCountry:
    alpha2 = str(record.alpha_2)
    pycountry_names = [getattr(record, attr, None) for attr in ("name", "official_name")]
    pycountry_names.append(getattr(record, "common_name", None))
    names = [str(n) for n in pycountry_names if n]
    name = _ENGLISH_NAMES.get(alpha2, names[0])
    others = tuple(dict.fromkeys(n for n in names if n != name))
    return IsoCountry(alpha2, str(record.alpha_3), str(record.numeric), name, others)


@cache
def iso_countries() -> tuple[IsoCountry, ...]:
    """All ISO 3166-1 countries (pycountry) and Kosovo, sorted by English name."""
    rows = [_from_pycountry(record) for record in pycountry.countries]
    rows.append(_KOSOVO)
    return tuple(sorted(rows, key=lambda row: normalize(row.name)))


@cache
def country_codes() -> frozenset[str]:
    return frozenset(country.alpha2 for country in iso_countries())


# Languages in which `translations` gives each country's name (reference: br, pt, nl, hr, fa,
# de, es, fr, ja, it; "br" is Brazilian Portuguese) -> the CLDR locale used for it.
TRANSLATION_LOCALES: Final = {
    "br": "pt_BR",
    "pt": "pt_PT",
    "nl": "nl",
    "hr": "hr",
    "fa": "fa",
    "de": "de",
    "es": "es",
    "fr": "fr",
    "ja": "ja",
    "it": "it",
    "sl": "sl",
    "cs": "cs",
    "en": "en",
}

# Where Babel lists a national language first but business and administration use another
# (e.g. Guarani before Spanish in Paraguay), the language an organization there will want.
_BUSINESS_LANGUAGES: Final = {
    "PY": "es",
    "HT": "fr",
    "SN": "fr",
    "CF": "fr",
    "BI": "fr",
    "MG": "fr",
    "KE": "en",
    "UG": "en",
    "RW": "en",
    "MW": "en",
    "LS": "en",
    "ZW": "en",
    "WS": "en",
    "TO": "en",
    "AS": "en",
}


@cache
def cldr_locale(code: str) -> Locale | None:
    try:
        return Locale.parse(code)
    except (UnknownLocaleError, ValueError):
        return None


def territory_name(locale_code: str, alpha2: str) -> str | None:
    locale = cldr_locale(locale_code)
    name = locale.territories.get(alpha2) if locale is not None else None
    return str(name) if name else None


@lru_cache(maxsize=512)
def languages(alpha2: str) -> tuple[str, ...]:
    """The country's languages per CLDR, most official first (de facto ones too, since e.g.
    English has no de jure status in the United States), business language overrides first."""
    official = tuple(get_official_languages(alpha2, de_facto=True))
    preferred = _BUSINESS_LANGUAGES.get(alpha2)
    return tuple(dict.fromkeys((preferred, *official) if preferred else official))


def country_locale(alpha2: str) -> str:
    """ISO 639-1 code of the country's first official language (Babel), "en" if none."""
    for language in languages(alpha2.strip().upper()):
        code = language.split("_")[0]
        if len(code) == 2:
            return code
    return "en"


def native_name(country: IsoCountry) -> str:
    for language in languages(country.alpha2):
        name = territory_name(language, country.alpha2)
        if name:
            return name
    return country.name


def translations(country: IsoCountry) -> dict[str, str]:
    return {
        key: territory_name(locale, country.alpha2) or country.name
        for key, locale in TRANSLATION_LOCALES.items()
    }


# Characters dropped rather than turned into spaces: "U.S.A." is "usa", "Côte d’Ivoire" is
# "cote divoire" however the apostrophe is typed.
_DROPPED: Final = str.maketrans("", "", ".'’‘`´")

_SEPARATORS: Final = re.compile(r"[\W_]+")


def normalize(text: str) -> str:
    """Case-, accent-, punctuation- and whitespace-insensitive form of a name."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_DROPPED))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    words = _SEPARATORS.sub(" ", bare).split()
    if words[:1] == ["the"]:
        words = words[1:]
    return " ".join(words)


# Adjectives for "is not a valid Belgian VAT number", for every country python-stdnum has a
# VAT (or its country's equivalent) validator for.
DEMONYMS: Final = {
    "AD": "Andorran", "AL": "Albanian", "AR": "Argentine", "AT": "Austrian", "AU": "Australian",
    "AZ": "Azerbaijani", "BE": "Belgian", "BG": "Bulgarian", "BR": "Brazilian", "BY": "Belarusian",
    "CA": "Canadian", "CH": "Swiss", "CL": "Chilean", "CN": "Chinese", "CO": "Colombian",
    "CR": "Costa Rican", "CY": "Cypriot", "CZ": "Czech", "DE": "German", "DK": "Danish",
    "DO": "Dominican", "DZ": "Algerian", "EC": "Ecuadorian", "EE": "Estonian", "EG": "Egyptian",
    "ES": "Spanish", "FI": "Finnish", "FO": "Faroese", "FR": "French", "GB": "British",
    "GH": "Ghanaian", "GN": "Guinean", "GR": "Greek", "GT": "Guatemalan", "HR": "Croatian",
    "HU": "Hungarian", "ID": "Indonesian", "IE": "Irish", "IL": "Israeli", "IN": "Indian",
    "IS": "Icelandic", "IT": "Italian", "JP": "Japanese", "KE": "Kenyan", "KR": "South Korean",
    "LT": "Lithuanian", "LU": "Luxembourgish", "LV": "Latvian", "MA": "Moroccan",
    "MC": "Monegasque", "ME": "Montenegrin", "MK": "Macedonian", "MT": "Maltese",
    "MX": "Mexican", "MZ": "Mozambican", "NL": "Dutch", "NO": "Norwegian", "NZ": "New Zealand",
    "PE": "Peruvian", "PL": "Polish", "PT": "Portuguese", "PY": "Paraguayan", "RO": "Romanian",
    "RS": "Serbian", "RU": "Russian", "SE": "Swedish", "SG": "Singaporean", "SI": "Slovenian",
    "SK": "Slovak", "SM": "Sammarinese", "SN": "Senegalese", "SV": "Salvadoran", "TH": "Thai",
    "TN": "Tunisian", "TR": "Turkish", "TW": "Taiwanese", "UY": "Uruguayan",
    "VE": "Venezuelan", "VN": "Vietnamese",
}  # fmt: skip
