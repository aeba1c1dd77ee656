"""The country list in the reference's shape (reference "Countries", "The Country object")."""

from __future__ import annotations

import orjson

from spaceport.countries import catalog


def country(alpha2: str) -> dict[str, object]:
    found = catalog.get_country(alpha2)
    assert found is not None
    return found


def test_all_countries_has_every_iso_country_and_kosovo() -> None:
    countries = catalog.all_countries()
    codes = [c["alpha2Code"] for c in countries]
    assert len(countries) >= 249
    assert len(set(codes)) == len(codes)
    assert {"GB", "NL", "SI", "US", "XK", "AQ"} <= set(codes)
    assert [set(c) for c in countries[:1]] == [
        {
            "name",
            "alpha2Code",
            "alpha3Code",
            "nativeName",
            "numericCode",
            "translations",
            "taxes",
            "currency",
        }
    ]


def test_united_kingdom_as_in_the_reference() -> None:
    gb = country("GB")
    assert gb["name"] == "United Kingdom of Great Britain and Northern Ireland"
    assert (gb["alpha2Code"], gb["alpha3Code"], gb["numericCode"]) == ("GB", "GBR", "826")
    assert gb["nativeName"] == "United Kingdom"
    assert gb["currency"] == "GBP"
    translations = gb["translations"]
    assert isinstance(translations, dict)
    assert translations["de"] == "Vereinigtes Königreich"
    assert translations["br"] == "Reino Unido"
    assert translations["pt"] == "Reino Unido"
    assert translations["nl"] == "Verenigd Koninkrijk"
    assert translations["hr"] == "Ujedinjeno Kraljevstvo"
    assert translations["es"] == "Reino Unido"
    assert translations["fr"] == "Royaume-Uni"
    assert translations["ja"] == "イギリス"
    assert translations["it"] == "Regno Unito"
    assert {"fa", "sl", "cs", "en"} <= set(translations)
    assert gb["taxes"] == [
        {
            "name": "Value Added Tax",
            "abbreviation": "VAT",
            "rate": "20",
            "classification": "standard",
        },
        {
            "name": "Value Added Tax",
            "abbreviation": "VAT",
            "rate": "5",
            "classification": "reduced",
        },
        {"name": "Value Added Tax", "abbreviation": "VAT", "rate": "0", "classification": "zero"},
    ]


def test_netherlands_as_in_the_reference() -> None:
    nl = country("NL")
    assert (nl["name"], nl["alpha3Code"], nl["numericCode"]) == ("Netherlands", "NLD", "528")
    assert nl["nativeName"] == "Nederland"
    assert nl["currency"] == "EUR"
    assert nl["translations"]["de"] == "Niederlande"  # type: ignore[index]
    assert nl["translations"]["pt"] == "Países Baixos"  # type: ignore[index]
    taxes = nl["taxes"]
    assert isinstance(taxes, list)
    assert [(t["rate"], t["classification"]) for t in taxes] == [
        ("21", "standard"),
        ("9", "reduced"),
        ("0", "zero"),
    ]
    assert {t["abbreviation"] for t in taxes} == {"BTW"}


def test_slovenia_as_in_the_reference() -> None:
    si = country("SI")
    assert (si["name"], si["alpha3Code"], si["numericCode"]) == ("Slovenia", "SVN", "705")
    assert si["nativeName"] == "Slovenija"
    assert si["currency"] == "EUR"
    assert si["translations"] == {
        "br": "Eslovênia",
        "pt": "Eslovénia",
        "nl": "Slovenië",
        "hr": "Slovenija",
        "fa": "اسلوونی",
        "de": "Slowenien",
        "es": "Eslovenia",
        "fr": "Slovénie",
        "ja": "スロベニア",
        "it": "Slovenia",
        "sl": "Slovenija",
        "cs": "Slovinsko",
        "en": "Slovenia",
    }
    ddv = {"name": "Davek na dodano vrednost", "abbreviation": "DDV"}
    assert si["taxes"] == [
        {**ddv, "rate": "22", "classification": "standard"},
        {**ddv, "rate": "9.5", "classification": "reduced"},
        {**ddv, "rate": "5", "classification": "reduced"},
    ]


def test_unknown_taxes_are_an_empty_list() -> None:
    assert country("US")["taxes"] == []  # no federal VAT
    assert country("AQ")["taxes"] == []
    assert country("AQ")["currency"] is None


def test_lists_are_copies_and_the_json_is_cached() -> None:
    catalog.all_countries()[0]["name"] = "changed"
    assert catalog.all_countries()[0]["name"] != "changed"
    taxes = country("SI")["taxes"]
    assert isinstance(taxes, list)
    taxes.clear()
    assert country("SI")["taxes"]
    assert catalog.countries_json() is catalog.countries_json()
    assert orjson.loads(catalog.countries_json()) == catalog.all_countries()
