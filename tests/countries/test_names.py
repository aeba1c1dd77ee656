"""Country names and locales (reference "Countries"; COMPAT §7.1)."""

from __future__ import annotations

import pytest
import stdnum

from spaceport.countries import names


@pytest.mark.parametrize(
    ("alpha2", "locale"),
    [
        ("SI", "sl"),
        ("DE", "de"),
        ("GB", "en"),
        ("BE", "nl"),
        ("US", "en"),
        ("CH", "de"),
        ("FR", "fr"),
        ("CA", "en"),
        ("AU", "en"),
        ("ES", "es"),
        ("PY", "es"),
        ("XK", "sq"),
        ("AQ", "en"),
        ("ZZ", "en"),
    ],
)
def test_locale(alpha2: str, locale: str) -> None:
    assert names.country_locale(alpha2) == locale


def test_every_country_with_a_tax_number_validator_has_an_adjective() -> None:
    """`DEMONYMS` names every country python-stdnum validates VAT (or tax) numbers for."""
    codes = [country.alpha2 for country in names.iso_countries()]
    validated = {code for code in codes if stdnum.get_cc_module(code.lower(), "vat")}
    assert set(names.DEMONYMS) == validated
    assert names.DEMONYMS["BE"] == "Belgian"
