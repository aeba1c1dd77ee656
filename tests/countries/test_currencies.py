"""Currencies (reference "Currencies"): a country's on a day, and the list."""

from __future__ import annotations

from datetime import date

import orjson

from spaceport.countries.currencies import (
    all_currencies,
    country_currency,
    currencies_json,
    currency_on,
)


def test_country_currency() -> None:
    assert country_currency("SI") == "EUR"
    assert country_currency("gb") == "GBP"
    assert country_currency("US") == "USD"
    assert country_currency("CH") == "CHF"
    assert country_currency("BT") == "BTN"  # the country's own currency first
    assert country_currency("AQ") is None
    assert currency_on("BG", date(2025, 12, 31)) == "BGN"
    assert currency_on("BG", date(2026, 1, 1)) == "EUR"


def test_all_currencies() -> None:
    currencies = all_currencies()
    by_id = {c["id"]: c for c in currencies}
    fiat = [c for c in currencies if c["type"] == "fiat"]
    crypto = {c["id"] for c in currencies if c["type"] == "crypto"}
    assert len(fiat) >= 122
    assert {
        "BTC",
        "ETH",
        "LTC",
        "XRP",
        "BCH",
        "USDT",
        "USDC",
        "ADA",
        "SOL",
        "DOGE",
        "DOT",
    } <= crypto
    assert "XMR" in crypto
    assert [c["id"] for c in currencies] == sorted(by_id)
    assert by_id["EUR"] == {
        "id": "EUR",
        "isoName": "EUR",
        "name": "Euro",
        "symbol": "€",
        "type": "fiat",
    }
    assert by_id["BTC"] == {
        "id": "BTC",
        "isoName": "BTC",
        "name": "Bitcoin",
        "symbol": "₿",
        "type": "crypto",
    }
    assert (by_id["ETH"]["symbol"], by_id["LTC"]["symbol"]) == ("Ξ", "Ł")
    assert by_id["USD"]["symbol"] == "$"
    assert by_id["GBP"]["symbol"] == "£"
    assert by_id["PLN"]["symbol"] == "zł"  # English repeats the code: the Polish symbol
    assert by_id["CZK"]["symbol"] == "Kč"
    assert by_id["CHF"]["symbol"] == "CHF"
    assert all(c["symbol"].strip() for c in currencies)
    assert currencies_json() is currencies_json()
    assert orjson.loads(currencies_json()) == currencies
