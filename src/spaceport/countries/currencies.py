"""Currencies (reference "Currencies"): the one a country uses on a day, and every fiat currency
in circulation (CLDR legal tender) with common cryptocurrencies, served as cached JSON."""

from __future__ import annotations

import unicodedata
from datetime import date
from functools import lru_cache
from typing import Final

from babel.core import get_global
from babel.numbers import get_currency_name, get_currency_symbol, get_territory_currencies

from spaceport.countries.days import today
from spaceport.countries.names import cldr_locale, languages
from spaceport.kit.json import dumps

Currency = dict[str, str]

# Changeovers newer than Babel's CLDR data: alpha-2 -> [(first day, currency)], oldest first.
_CURRENCY_CHANGES: Final = {
    "BG": ((date(2026, 1, 1), "EUR"),),  # Bulgaria joined the euro area on 2026-01-01
}


@lru_cache(maxsize=512)
def currency_on(alpha2: str, on: date) -> str | None:
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
    return currency_on(alpha2.strip().upper(), today())


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
        main[territory] = currency_on(territory, on)
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
        for language in languages(territory):
            if cldr_locale(f"{language}_{territory}") is None:
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
    return [dict(currency) for currency in _currencies_on(today())]


@lru_cache(maxsize=2)
def _currencies_json_on(on: date) -> bytes:
    return dumps(list(_currencies_on(on)))


def currencies_json() -> bytes:
    """`all_currencies()` serialized, cached: what GET /v1/currencies answers."""
    return _currencies_json_on(today())
