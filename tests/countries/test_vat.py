"""VAT series: the dated rates of `data/vat_rates.json` (reference "Countries": taxes)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from spaceport.countries import catalog, vat
from spaceport.countries.vat import TaxSeries, TaxSpec

TODAY = datetime.now(UTC).date()
EU = "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK".split()
EEA_AND_OTHERS = ["IS", "LI", "NO", "GB", "CH", "CA", "AU", "NZ"]


def rates(specs: list[TaxSpec], classification: str) -> list[Decimal]:
    return [spec.rate for spec in specs if spec.classification == classification]


def test_rate_change_takes_effect_on_its_first_day() -> None:
    assert rates(vat.country_taxes("FI", date(2024, 8, 31)), "standard") == [Decimal("24")]
    assert rates(vat.country_taxes("FI", date(2024, 9, 1)), "standard") == [Decimal("25.5")]
    assert rates(vat.country_taxes("fi", date(2026, 1, 1)), "reduced") == [
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
    assert rates(vat.country_taxes(alpha2, day), "standard") == [Decimal(standard)]


def test_merged_and_abolished_rates() -> None:
    assert rates(vat.country_taxes("CZ", date(2023, 12, 31)), "reduced") == [
        Decimal("15"),
        Decimal("10"),
    ]
    assert rates(vat.country_taxes("CZ", date(2024, 1, 1)), "reduced") == [Decimal("12")]
    assert rates(vat.country_taxes("RO", date(2025, 8, 1)), "reduced") == [Decimal("11")]
    assert rates(vat.country_taxes("SI", date(2024, 1, 1)), "reduced") == [
        Decimal("9.5"),
        Decimal("5"),
    ]


def test_belgian_taxes_today() -> None:
    assert vat.country_taxes("BE", TODAY) == [
        TaxSpec("Belasting over de toegevoegde waarde", "BTW", "standard", Decimal("21")),
        TaxSpec("Belasting over de toegevoegde waarde", "BTW", "reduced", Decimal("12")),
        TaxSpec("Belasting over de toegevoegde waarde", "BTW", "reduced", Decimal("6")),
        TaxSpec("Belasting over de toegevoegde waarde", "BTW", "zero", Decimal("0")),
    ]


@pytest.mark.parametrize("alpha2", EU + EEA_AND_OTHERS)
def test_every_european_and_major_vat_country_has_one_standard_rate_today(alpha2: str) -> None:
    taxes = vat.country_taxes(alpha2, TODAY)
    assert len(rates(taxes, "standard")) == 1
    assert all(spec.name and spec.abbreviation for spec in taxes)


def test_native_tax_names() -> None:
    def standard(alpha2: str) -> tuple[str, str, Decimal]:
        spec = vat.country_taxes(alpha2, date(2026, 11, 20))[0]
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
    assert vat.country_taxes("US", date(2026, 11, 20)) == []
    assert vat.country_taxes("ZZ", date(2026, 11, 20)) == []


def test_tax_history_gives_every_dated_rate_of_a_line() -> None:
    history = vat.country_tax_history("FI")
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
    current = vat.country_tax_history("CZ")
    everything = vat.country_tax_history("CZ", include_ended=True)
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
    assert vat.country_tax_history("US") == []


def test_vat_table_is_consistent() -> None:
    known = {c["alpha2Code"] for c in catalog.all_countries()}
    table = vat._vat_table()
    assert set(table) <= known
    assert set(EU + EEA_AND_OTHERS + ["US"]) <= set(table)
    for alpha2 in table:
        for series in vat.country_tax_history(alpha2, include_ended=True):
            days = [day for day, _ in series.rates]
            assert days == sorted(days)
