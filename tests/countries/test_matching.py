"""Free text matched to a country (COMPAT §7.1)."""

from __future__ import annotations

import pytest

from spaceport.countries import matching


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
    found = matching.find_country(text)
    assert found is not None
    assert found["alpha2Code"] == alpha2


@pytest.mark.parametrize("text", ["nonsense", "", "   ", "Atlantis", "B", "999"])
def test_find_country_without_a_match(text: str) -> None:
    assert matching.find_country(text) is None
