"""The country and currency catalog: pure lookups, no database.

Where the data comes from:
- countries, their codes and English names: pycountry (ISO 3166-1), plus Kosovo (XK), which
  the reference lists and ISO does not;
- native names, translations, official languages, currencies, symbols and time zones: Babel's
  CLDR data;
- taxes: `data/vat_rates.json`, a dated table of VAT/GST rates (its `_source` and `_format`
  notes say where the rates come from and how a rate change is represented).

Everything is computed once and cached (`functools.cache`). What depends on the date (the
taxes in force, a country's currency) is cached per day, so a long-running server picks up a
rate change at midnight UTC.
"""

from __future__ import annotations

import copy
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import cache, lru_cache
from importlib import resources
from typing import Any, Final

import orjson
import pycountry
from babel import Locale, UnknownLocaleError
from babel.core import get_global
from babel.languages import get_official_languages
from babel.numbers import get_currency_name, get_currency_symbol, get_territory_currencies

from spaceport.kit.json import dumps, format_decimal

Country = dict[str, Any]
Currency = dict[str, str]


def _today() -> date:
    """Today in UTC: the day whose taxes and currencies the lists show."""
    return datetime.now(UTC).date()


# ---------------------------------------------------------------------------------------------
# Taxes
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TaxSpec:
    """One tax rate in force on a given day."""

    name: str
    abbreviation: str
    classification: str
    rate: Decimal


@dataclass(frozen=True, slots=True)
class TaxSeries:
    """One tax line (e.g. a country's standard VAT rate) with all its dated rates, oldest
    first: each `(valid_from, rate)` applies until the next one starts. `valid_to` is the last
    day of an abolished line (e.g. Czech reduced 10 % until 2023-12-31), None while in force."""

    name: str
    abbreviation: str
    classification: str
    rates: tuple[tuple[date, Decimal], ...]
    valid_to: date | None = None


@dataclass(frozen=True, slots=True)
class _RateEntry:
    """One line of `vat_rates.json`: a rate of one series over [valid_from, valid_to]."""

    series: str
    name: str
    abbreviation: str
    classification: str
    rate: Decimal
    valid_from: date
    valid_to: date | None

    def in_force(self, on: date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)


# Order of tax lines in every answer: the standard rate first, as in the reference's examples.
_CLASSIFICATION_ORDER: Final = ("standard", "reduced", "super-reduced", "zero", "state")


def _tax_order(classification: str, rate: Decimal) -> tuple[int, Decimal]:
    try:
        rank = _CLASSIFICATION_ORDER.index(classification)
    except ValueError:
        rank = len(_CLASSIFICATION_ORDER)
    return rank, -rate


def _parse_rate(text: Any, where: str) -> Decimal:
    try:
        rate = Decimal(str(text))
    except InvalidOperation as exc:
        raise ValueError(f"{where}: rate {text!r} is not a decimal") from exc
    if not rate.is_finite() or rate < 0 or format_decimal(rate) != text:
        raise ValueError(f"{where}: rate {text!r} must be a plain, non-negative decimal string")
    return rate


def _default_series(classification: str, rate: str) -> str:
    # See the `_format` note of vat_rates.json: one standard rate at a time, so every standard
    # entry continues the same line; other lines are told apart by their rate unless named.
    return classification if classification == "standard" else f"{classification} {rate}"


def _parse_entry(code: str, country: dict[str, Any], raw: dict[str, Any]) -> _RateEntry:
    where = f"vat_rates.json {code} {raw.get('rate')!r}"
    valid_to = raw.get("validTo")
    entry = _RateEntry(
        series=raw.get("series") or _default_series(raw["classification"], raw["rate"]),
        name=raw.get("name", country["name"]),
        abbreviation=raw.get("abbreviation", country["abbreviation"]),
        classification=raw["classification"],
        rate=_parse_rate(raw["rate"], where),
        valid_from=date.fromisoformat(raw["validFrom"]),
        valid_to=date.fromisoformat(valid_to) if valid_to else None,
    )
    if entry.valid_to is not None and entry.valid_to < entry.valid_from:
        raise ValueError(f"{where}: validTo is before validFrom")
    return entry


def _series_key(entry: _RateEntry) -> tuple[str, str]:
    return entry.abbreviation, entry.series


def _group_series(entries: Iterable[_RateEntry]) -> list[list[_RateEntry]]:
    groups: dict[tuple[str, str], list[_RateEntry]] = {}
    for entry in entries:
        groups.setdefault(_series_key(entry), []).append(entry)
    return [sorted(group, key=lambda e: e.valid_from) for group in groups.values()]


def _check_series(code: str, series: list[_RateEntry]) -> None:
    """A series is a chain of back-to-back periods of one classification; only the last
    period may be open-ended."""
    for earlier, later in zip(series, series[1:], strict=False):
        where = f"vat_rates.json {code} series {earlier.series!r}"
        if earlier.valid_to is None or later.valid_from != earlier.valid_to + timedelta(days=1):
            raise ValueError(f"{where}: {later.valid_from} does not follow {earlier.valid_to}")
        if later.classification != earlier.classification:
            raise ValueError(f"{where}: classification changes within the series")


@cache
def _vat_table() -> dict[str, tuple[_RateEntry, ...]]:
    """vat_rates.json, parsed and checked once: alpha-2 code -> its rate entries."""
    text = resources.files("spaceport.countries").joinpath("data/vat_rates.json").read_text("utf-8")
    table: dict[str, tuple[_RateEntry, ...]] = {}
    for code, country in json.loads(text).items():
        if code.startswith("_"):  # _source, _format, ... notes
            continue
        entries = tuple(_parse_entry(code, country, raw) for raw in country["rates"])
        for series in _group_series(entries):
            _check_series(code, series)
        table[code] = entries
    return table


def _entries(alpha2: str) -> tuple[_RateEntry, ...]:
    return _vat_table().get(alpha2.strip().upper(), ())


def country_taxes(alpha2: str, on: date) -> list[TaxSpec]:
    """The rates in force in the country on `on`, standard first; [] when unknown."""
    specs: list[TaxSpec] = []
    for entry in _entries(alpha2):
        spec = TaxSpec(entry.name, entry.abbreviation, entry.classification, entry.rate)
        if entry.in_force(on) and spec not in specs:
            specs.append(spec)
    return sorted(specs, key=lambda s: _tax_order(s.classification, s.rate))


@lru_cache(maxsize=512)
def _tax_history(alpha2: str) -> tuple[TaxSeries, ...]:
    series = []
    for group in _group_series(_entries(alpha2)):
        last = group[-1]
        rates = tuple((entry.valid_from, entry.rate) for entry in group)
        series.append(
            TaxSeries(last.name, last.abbreviation, last.classification, rates, last.valid_to)
        )
    return tuple(sorted(series, key=lambda s: _tax_order(s.classification, s.rates[-1][1])))


def country_tax_history(alpha2: str, *, include_ended: bool = False) -> list[TaxSeries]:
    """Each tax line of the country with its dated rates, so that an organization's tax gets
    every `_taxRates` entry and documents dated before a change keep the old rate.

    Lines abolished before today (temporary rates, merged rates) are left out unless
    `include_ended`; [] when the country's taxes are unknown."""
    today = _today()
    return [
        series
        for series in _tax_history(alpha2.strip().upper())
        if include_ended or series.valid_to is None or series.valid_to >= today
    ]


# ---------------------------------------------------------------------------------------------
# Countries
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _IsoCountry:
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
_KOSOVO: Final = _IsoCountry("XK", "XKX", "", "Kosovo", ("Republic of Kosovo",))


def _from_pycountry(record: Any) -> _IsoCountry:
    alpha2 = str(record.alpha_2)
    pycountry_names = [getattr(record, attr, None) for attr in ("name", "official_name")]
    pycountry_names.append(getattr(record, "common_name", None))
    names = [str(n) for n in pycountry_names if n]
    name = _ENGLISH_NAMES.get(alpha2, names[0])
    others = tuple(dict.fromkeys(n for n in names if n != name))
    return _IsoCountry(alpha2, str(record.alpha_3), str(record.numeric), name, others)


@cache
def _iso_countries() -> tuple[_IsoCountry, ...]:
    """All ISO 3166-1 countries (pycountry) and Kosovo, sorted by English name."""
    rows = [_from_pycountry(record) for record in pycountry.countries]
    rows.append(_KOSOVO)
    return tuple(sorted(rows, key=lambda row: _normalize(row.name)))


@cache
def _country_codes() -> frozenset[str]:
    return frozenset(country.alpha2 for country in _iso_countries())


# Languages in which `translations` gives each country's name (reference: br, pt, nl, hr, fa,
# de, es, fr, ja, it; "br" is Brazilian Portuguese) -> the CLDR locale used for it.
_TRANSLATION_LOCALES: Final = {
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

# Further CLDR locales whose country names `find_country` understands (not in the output).
_MATCH_LOCALES: Final = (
    "bg", "da", "el", "et", "fi", "ga", "hu", "lt", "lv", "mt", "pl", "ro", "sk", "sv", "nb",
    "nn", "is", "sq", "sr", "sr_Latn", "bs", "mk", "tr", "uk", "ru", "ca", "eu", "gl", "lb",
)  # fmt: skip

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
def _locale(code: str) -> Locale | None:
    try:
        return Locale.parse(code)
    except (UnknownLocaleError, ValueError):
        return None


def _territory_name(locale_code: str, alpha2: str) -> str | None:
    locale = _locale(locale_code)
    name = locale.territories.get(alpha2) if locale is not None else None
    return str(name) if name else None


@lru_cache(maxsize=512)
def _languages(alpha2: str) -> tuple[str, ...]:
    """The country's languages per CLDR, most official first (de facto ones too, since e.g.
    English has no de jure status in the United States), business language overrides first."""
    official = tuple(get_official_languages(alpha2, de_facto=True))
    preferred = _BUSINESS_LANGUAGES.get(alpha2)
    return tuple(dict.fromkeys((preferred, *official) if preferred else official))


def country_locale(alpha2: str) -> str:
    """ISO 639-1 code of the country's first official language (Babel), "en" if none."""
    for language in _languages(alpha2.strip().upper()):
        code = language.split("_")[0]
        if len(code) == 2:
            return code
    return "en"


def _native_name(country: _IsoCountry) -> str:
    for language in _languages(country.alpha2):
        name = _territory_name(language, country.alpha2)
        if name:
            return name
    return country.name


def _translations(country: _IsoCountry) -> dict[str, str]:
    return {
        key: _territory_name(locale, country.alpha2) or country.name
        for key, locale in _TRANSLATION_LOCALES.items()
    }


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


def _country_object(country: _IsoCountry, on: date) -> Country:
    """A country in the reference's shape (reference "The Country object")."""
    return {
        "name": country.name,
        "alpha2Code": country.alpha2,
        "alpha3Code": country.alpha3,
        "nativeName": _native_name(country),
        "numericCode": country.numeric,
        "translations": _translations(country),
        "taxes": _tax_objects(country.alpha2, on),
        "currency": _currency_on(country.alpha2, on),
    }


@lru_cache(maxsize=2)
def _countries_on(on: date) -> tuple[Country, ...]:
    return tuple(_country_object(country, on) for country in _iso_countries())


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
    return _countries_json_on(_today())


def get_country(alpha2: str) -> Country | None:
    """The country with that alpha-2 code (a copy), None if there is none."""
    country = _countries_by_code_on(_today()).get(alpha2.strip().upper())
    return copy.deepcopy(country) if country is not None else None


# ---------------------------------------------------------------------------------------------
# Matching free text (COMPAT §7.1)
# ---------------------------------------------------------------------------------------------

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

# Characters dropped rather than turned into spaces: "U.S.A." is "usa", "Côte d’Ivoire" is
# "cote divoire" however the apostrophe is typed.
_DROPPED: Final = str.maketrans("", "", ".'’‘`´")
_SEPARATORS: Final = re.compile(r"[\W_]+")


def _normalize(text: str) -> str:
    """Case-, accent-, punctuation- and whitespace-insensitive form of a name."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_DROPPED))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    words = _SEPARATORS.sub(" ", bare).split()
    if words[:1] == ["the"]:
        words = words[1:]
    return " ".join(words)


def _index_names() -> Iterator[tuple[str, str]]:
    """(name, alpha-2) pairs, most authoritative first: the first country to claim a name
    keeps it (codes, then English, aliases, native names, other languages)."""
    countries = _iso_countries()
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
        for language in _languages(country.alpha2):
            yield from ((name, country.alpha2) for name in _cldr_names(language, country.alpha2))
    for locale in (*_TRANSLATION_LOCALES.values(), *_MATCH_LOCALES):
        for country in countries:
            yield from ((name, country.alpha2) for name in _cldr_names(locale, country.alpha2))


def _cldr_names(locale: str, alpha2: str) -> tuple[str, ...]:
    name = _territory_name(locale, alpha2)
    return (name,) if name else ()


@cache
def _name_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for name, alpha2 in _index_names():
        index.setdefault(_normalize(name), alpha2)
    index.pop("", None)
    return index


def find_country(text: str) -> Country | None:
    """The country named by free text: an English, official, common or native name, a
    translation, an alias ("USA", "UK", "Holland"), an alpha-2, alpha-3 or numeric code.
    Case, accents, punctuation and surrounding spaces do not matter. None if nothing matches."""
    key = _normalize(text)
    if key.isdigit():
        key = key.zfill(3)
    alpha2 = _name_index().get(key)
    return get_country(alpha2) if alpha2 else None


# ---------------------------------------------------------------------------------------------
# Time zones
# ---------------------------------------------------------------------------------------------

# The zone of the capital or the economic centre, for countries CLDR gives several zones.
_MAIN_ZONES: Final = {
    "AQ": "UTC",
    "AR": "America/Argentina/Buenos_Aires",
    "AU": "Australia/Sydney",
    "BR": "America/Sao_Paulo",
    "CA": "America/Toronto",
    "CD": "Africa/Kinshasa",
    "CL": "America/Santiago",
    "CN": "Asia/Shanghai",
    "CY": "Asia/Nicosia",
    "DE": "Europe/Berlin",
    "EC": "America/Guayaquil",
    "ES": "Europe/Madrid",
    "FM": "Pacific/Pohnpei",
    "GL": "America/Nuuk",
    "ID": "Asia/Jakarta",
    "KI": "Pacific/Tarawa",
    "KZ": "Asia/Almaty",
    "MH": "Pacific/Majuro",
    "MN": "Asia/Ulaanbaatar",
    "MX": "America/Mexico_City",
    "MY": "Asia/Kuala_Lumpur",
    "NZ": "Pacific/Auckland",
    "PF": "Pacific/Tahiti",
    "PG": "Pacific/Port_Moresby",
    "PS": "Asia/Hebron",
    "PT": "Europe/Lisbon",
    "RU": "Europe/Moscow",
    "UA": "Europe/Kyiv",
    "UM": "Pacific/Wake",
    "US": "America/New_York",
    "UZ": "Asia/Tashkent",
    "XK": "Europe/Belgrade",  # not in CLDR's territory zones; IANA's zone.tab gives this
}


def country_timezone(alpha2: str) -> str:
    """The country's main IANA time zone (CLDR territory zones), "UTC" when unknown."""
    code = alpha2.strip().upper()
    if code in _MAIN_ZONES:
        return _MAIN_ZONES[code]
    if code not in _country_codes():  # CLDR also has zones for "ZZ" (unknown region)
        return "UTC"
    zones: list[str] = get_global("territory_zones").get(code, [])
    return str(zones[0]) if zones else "UTC"


# ---------------------------------------------------------------------------------------------
# Currencies
# ---------------------------------------------------------------------------------------------

# Changeovers newer than Babel's CLDR data: alpha-2 -> [(first day, currency)], oldest first.
_CURRENCY_CHANGES: Final = {
    "BG": ((date(2026, 1, 1), "EUR"),),  # Bulgaria joined the euro area on 2026-01-01
}


@lru_cache(maxsize=512)
def _currency_on(alpha2: str, on: date) -> str | None:
    """The currency primarily used in the country on that day: the legal tender per CLDR,
    preferring the country's own currency (its code starts with the alpha-2 code, e.g. BTN
    over INR in Bhutan) when several circulate."""
    changes = [currency for start, currency in _CURRENCY_CHANGES.get(alpha2, ()) if start <= on]
    if changes:
        return changes[-1]
    currencies = [str(c) for c in get_territory_currencies(alpha2, on, tender=True)]
    own = [currency for currency in currencies if currency.startswith(alpha2)]
    return next(iter(own or currencies), None)


def country_currency(alpha2: str) -> str | None:
    """ISO 4217 code of the currency primarily used in the country today, None if none."""
    return _currency_on(alpha2.strip().upper(), _today())


# Common cryptocurrencies (reference "Currencies": "some common cryptocurrencies"), by ticker.
_CRYPTOCURRENCIES: Final = {
    "ADA": ("Cardano", "₳"),
    "BCH": ("Bitcoin Cash", "BCH"),
    "BNB": ("BNB", "BNB"),
    "BTC": ("Bitcoin", "₿"),
    "DOGE": ("Dogecoin", "Ð"),
    "DOT": ("Polkadot", "DOT"),
    "ETH": ("Ether", "Ξ"),
    "LTC": ("Litecoin", "Ł"),
    "SOL": ("Solana", "◎"),
    "USDC": ("USD Coin", "USDC"),
    "USDT": ("Tether", "₮"),
    "XLM": ("Stellar", "XLM"),
    "XMR": ("Monero", "ɱ"),
    "XRP": ("XRP", "XRP"),
}


def _tender_currencies(on: date) -> dict[str, list[str]]:
    """Every currency that is legal tender somewhere on that day (CLDR) -> the territories
    using it, those where it is the main currency first, own-currency ones first among
    those (CHF: CH before LI; BGN, replaced by the euro, still finds Bulgaria)."""
    homes: dict[str, list[str]] = {}
    main: dict[str, str | None] = {}
    for territory in sorted(t for t in get_global("territory_currencies") if t.isalpha()):
        main[territory] = _currency_on(territory, on)
        currencies = [str(c) for c in get_territory_currencies(territory, on, tender=True)]
        for currency in dict.fromkeys([*currencies, main[territory] or ""]):
            if currency:
                homes.setdefault(currency, []).append(territory)
    for currency, places in homes.items():
        places.sort(key=lambda t: (main[t] != currency, not currency.startswith(t)))
    return homes


def _visible(symbol: str) -> str:
    """A CLDR symbol without invisible format characters (bidi marks, zero-width spaces)."""
    return "".join(ch for ch in symbol if unicodedata.category(ch) != "Cf").strip()


def _currency_symbol(code: str, homes: list[str]) -> str:
    """The English (CLDR "en") symbol, or, where English just repeats the code (PLN, CHF),
    the symbol used in the currency's home locale (zł, CHF)."""
    symbol = _visible(str(get_currency_symbol(code, "en")))
    if symbol and symbol != code:
        return symbol
    for territory in homes:
        for language in _languages(territory):
            if _locale(f"{language}_{territory}") is None:
                continue
            local = _visible(str(get_currency_symbol(code, f"{language}_{territory}")))
            if local and local != code:
                return local
    return code


@lru_cache(maxsize=2)
def _currencies_on(on: date) -> tuple[Currency, ...]:
    currencies = [
        _currency(code, str(get_currency_name(code, locale="en")), _currency_symbol(code, homes))
        for code, homes in _tender_currencies(on).items()
    ]
    currencies.extend(
        _currency(code, name, symbol, "crypto")
        for code, (name, symbol) in _CRYPTOCURRENCIES.items()
    )
    return tuple(sorted(currencies, key=lambda currency: currency["id"]))


def _currency(code: str, name: str, symbol: str, kind: str = "fiat") -> Currency:
    """A currency in the reference's shape (reference "The Currency object")."""
    return {"id": code, "isoName": code, "name": name, "symbol": symbol, "type": kind}


def all_currencies() -> list[Currency]:
    """Every fiat currency in circulation (CLDR legal tender) and common cryptocurrencies,
    sorted by id; the list is the caller's own copy."""
    return [dict(currency) for currency in _currencies_on(_today())]


@lru_cache(maxsize=2)
def _currencies_json_on(on: date) -> bytes:
    return dumps(list(_currencies_on(on)))


def currencies_json() -> bytes:
    """`all_currencies()` serialized, cached: what GET /v1/currencies answers."""
    return _currencies_json_on(_today())
