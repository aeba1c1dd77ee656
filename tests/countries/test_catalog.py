"""The country and currency catalog (reference "Countries", "Currencies"; COMPAT §7.1)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import orjson
import pytest

from spaceport.countries import catalog
from spaceport.countries.catalog import TaxSeries, TaxSpec

TODAY = datetime.now(UTC).date()

EU = "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK".split()
EEA_AND_OTHERS = ["IS", "LI", "NO", "GB", "CH", "CA", "AU", "NZ"]


def rates(specs: list[TaxSpec], classification: str) -> list[Decimal]:
    return [spec.rate for spec in specs if spec.classification == classification]


def country(alpha2: str) -> dict[str, object]:
    found = catalog.get_country(alpha2)
    assert found is not None
    return found


# --- the country list -----------------------------------------------------------------------


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


# --- free-text matching -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "alpha2"),
    [
        ("Belgium", "BE"),
        ("belgië", "BE"),
        ("  BELGIE ", "BE"),
        ("Belgique", "BE"),
        ("BE", "BE"),
        ("be", "BE"),
        ("BEL", "BE"),
        ("056", "BE"),
        ("56", "BE"),
        ("USA", "US"),
        ("U.S.A.", "US"),
        ("United States of America", "US"),
        ("United Kingdom", "GB"),
        ("UK", "GB"),
        ("Great Britain", "GB"),
        ("England", "GB"),
        ("Deutschland", "DE"),
        ("Slovenija", "SI"),
        ("Republic of Slovenia", "SI"),
        ("Holland", "NL"),
        ("the Netherlands", "NL"),
        ("Nederland", "NL"),
        ("Österreich", "AT"),
        ("osterreich", "AT"),
        ("Schweiz", "CH"),
        ("Svizzera", "CH"),
        ("Hrvatska", "HR"),
        ("Czech Republic", "CZ"),
        ("Česko", "CZ"),
        ("Côte d’Ivoire", "CI"),
        ("Cote d'Ivoire", "CI"),
        ("South Korea", "KR"),
        ("Kosovo", "XK"),
        ("EL", "GR"),
        ("Ελλάδα", "GR"),
        ("日本", "JP"),
    ],
)
def test_find_country(text: str, alpha2: str) -> None:
    found = catalog.find_country(text)
    assert found is not None
    assert found["alpha2Code"] == alpha2


@pytest.mark.parametrize("text", ["nonsense", "", "   ", "Atlantis", "B", "999"])
def test_find_country_without_a_match(text: str) -> None:
    assert catalog.find_country(text) is None


# --- taxes ----------------------------------------------------------------------------------


def test_rate_change_takes_effect_on_its_first_day() -> None:
    assert rates(catalog.country_taxes("FI", date(2024, 8, 31)), "standard") == [Decimal("24")]
    assert rates(catalog.country_taxes("FI", date(2024, 9, 1)), "standard") == [Decimal("25.5")]
    assert rates(catalog.country_taxes("fi", date(2026, 1, 1)), "reduced") == [
        Decimal("13.5"),
        Decimal("10"),
    ]


@pytest.mark.parametrize(
    ("alpha2", "day", "standard"),
    [
        ("EE", date(2023, 12, 31), "20"),
        ("EE", date(2024, 1, 1), "22"),
        ("EE", date(2025, 6, 30), "22"),
        ("EE", date(2025, 7, 1), "24"),
        ("SK", date(2024, 12, 31), "20"),
        ("SK", date(2025, 1, 1), "23"),
        ("RO", date(2025, 7, 31), "19"),
        ("RO", date(2025, 8, 1), "21"),
        ("CH", date(2023, 12, 31), "7.7"),
        ("CH", date(2024, 1, 1), "8.1"),
        ("LU", date(2022, 12, 31), "17"),
        ("LU", date(2023, 6, 1), "16"),
        ("LU", date(2024, 1, 1), "17"),
        ("DE", date(2020, 12, 31), "16"),
        ("DE", date(2021, 1, 1), "19"),
        ("GB", date(2011, 1, 3), "17.5"),
        ("GB", date(2011, 1, 4), "20"),
        ("IE", date(2020, 10, 1), "21"),
        ("NZ", date(2010, 10, 1), "15"),
    ],
)
def test_standard_rate_history(alpha2: str, day: date, standard: str) -> None:
    assert rates(catalog.country_taxes(alpha2, day), "standard") == [Decimal(standard)]


def test_merged_and_abolished_rates() -> None:
    assert rates(catalog.country_taxes("CZ", date(2023, 12, 31)), "reduced") == [
        Decimal("15"),
        Decimal("10"),
    ]
    assert rates(catalog.country_taxes("CZ", date(2024, 1, 1)), "reduced") == [Decimal("12")]
    assert rates(catalog.country_taxes("RO", date(2025, 8, 1)), "reduced") == [Decimal("11")]
    assert rates(catalog.country_taxes("SI", date(2024, 1, 1)), "reduced") == [
        Decimal("9.5"),
        Decimal("5"),
    ]


def test_belgian_taxes_today() -> None:
    assert catalog.country_taxes("BE", TODAY) == [
        TaxSpec("Belasting over de toegevoegde waarde", "BTW", "standard", Decimal("21")),
        TaxSpec("Belasting over de toegevoegde waarde", "BTW", "reduced", Decimal("12")),
        TaxSpec("Belasting over de toegevoegde waarde", "BTW", "reduced", Decimal("6")),
        TaxSpec("Belasting over de toegevoegde waarde", "BTW", "zero", Decimal("0")),
    ]


@pytest.mark.parametrize("alpha2", EU + EEA_AND_OTHERS)
def test_every_european_and_major_vat_country_has_one_standard_rate_today(alpha2: str) -> None:
    taxes = catalog.country_taxes(alpha2, TODAY)
    assert len(rates(taxes, "standard")) == 1
    assert all(spec.name and spec.abbreviation for spec in taxes)


def test_native_tax_names() -> None:
    def standard(alpha2: str) -> tuple[str, str, Decimal]:
        spec = catalog.country_taxes(alpha2, date(2026, 11, 20))[0]
        return spec.name, spec.abbreviation, spec.rate

    assert standard("DE") == ("Umsatzsteuer", "USt.", Decimal("19"))
    assert standard("AT") == ("Umsatzsteuer", "USt.", Decimal("20"))
    assert standard("FR") == ("Taxe sur la valeur ajoutée", "TVA", Decimal("20"))
    assert standard("IT") == ("Imposta sul valore aggiunto", "IVA", Decimal("22"))
    assert standard("ES") == ("Impuesto sobre el Valor Añadido", "IVA", Decimal("21"))
    assert standard("HR") == ("Porez na dodanu vrijednost", "PDV", Decimal("25"))
    assert standard("HU") == ("Általános forgalmi adó", "ÁFA", Decimal("27"))
    assert standard("CA") == ("Goods and Services Tax", "GST", Decimal("5"))
    assert standard("AU") == ("Goods and Services Tax", "GST", Decimal("10"))
    assert standard("NZ") == ("Goods and Services Tax", "GST", Decimal("15"))
    assert standard("NO") == ("Merverdiavgift", "MVA", Decimal("25"))
    assert catalog.country_taxes("US", date(2026, 11, 20)) == []
    assert catalog.country_taxes("ZZ", date(2026, 11, 20)) == []


def test_tax_history_gives_every_dated_rate_of_a_line() -> None:
    history = catalog.country_tax_history("FI")
    assert history[0] == TaxSeries(
        "Arvonlisävero",
        "ALV",
        "standard",
        (
            (date(2010, 7, 1), Decimal("23")),
            (date(2013, 1, 1), Decimal("24")),
            (date(2024, 9, 1), Decimal("25.5")),
        ),
    )
    assert [s.rates[-1][1] for s in history] == [Decimal("25.5"), Decimal("13.5"), Decimal("10")]
    assert all(s.valid_to is None for s in history)


def test_tax_history_leaves_out_abolished_lines_unless_asked() -> None:
    current = catalog.country_tax_history("CZ")
    everything = catalog.country_tax_history("CZ", include_ended=True)
    assert [(s.classification, s.rates[-1][1]) for s in current] == [
        ("standard", Decimal("21")),
        ("reduced", Decimal("12")),
        ("zero", Decimal("0")),
    ]
    assert current[1].rates == (
        (date(2013, 1, 1), Decimal("15")),
        (date(2024, 1, 1), Decimal("12")),
    )
    ended = [s for s in everything if s not in current]
    assert ended == [
        TaxSeries(
            "Daň z přidané hodnoty",
            "DPH",
            "reduced",
            ((date(2015, 1, 1), Decimal("10")),),
            date(2023, 12, 31),
        )
    ]
    assert catalog.country_tax_history("US") == []


def test_vat_table_is_consistent() -> None:
    known = {c["alpha2Code"] for c in catalog.all_countries()}
    table = catalog._vat_table()
    assert set(table) <= known
    assert set(EU + EEA_AND_OTHERS + ["US"]) <= set(table)
    for alpha2 in table:
        for series in catalog.country_tax_history(alpha2, include_ended=True):
            days = [day for day, _ in series.rates]
            assert days == sorted(days)


# --- languages, time zones, currencies ------------------------------------------------------


@pytest.mark.parametrize(
    ("alpha2", "locale", "timezone"),
    [
        ("SI", "sl", "Europe/Ljubljana"),
        ("DE", "de", "Europe/Berlin"),
        ("GB", "en", "Europe/London"),
        ("BE", "nl", "Europe/Brussels"),
        ("US", "en", "America/New_York"),
        ("CH", "de", "Europe/Zurich"),
        ("FR", "fr", "Europe/Paris"),
        ("CA", "en", "America/Toronto"),
        ("AU", "en", "Australia/Sydney"),
        ("ES", "es", "Europe/Madrid"),
        ("PY", "es", "America/Asuncion"),
        ("XK", "sq", "Europe/Belgrade"),
        ("AQ", "en", "UTC"),
        ("ZZ", "en", "UTC"),
    ],
)
def test_locale_and_timezone(alpha2: str, locale: str, timezone: str) -> None:
    assert catalog.country_locale(alpha2) == locale
    assert catalog.country_timezone(alpha2) == timezone


def test_country_currency() -> None:
    assert catalog.country_currency("SI") == "EUR"
    assert catalog.country_currency("gb") == "GBP"
    assert catalog.country_currency("US") == "USD"
    assert catalog.country_currency("CH") == "CHF"
    assert catalog.country_currency("BT") == "BTN"  # the country's own currency first
    assert catalog.country_currency("AQ") is None
    assert catalog._currency_on("BG", date(2025, 12, 31)) == "BGN"
    assert catalog._currency_on("BG", date(2026, 1, 1)) == "EUR"


def test_all_currencies() -> None:
    currencies = catalog.all_currencies()
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
    assert catalog.currencies_json() is catalog.currencies_json()
    assert orjson.loads(catalog.currencies_json()) == currencies
