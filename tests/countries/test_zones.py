"""A country's main time zone (CLDR territory zones)."""

from __future__ import annotations

import pytest

from spaceport.countries import zones


@pytest.mark.parametrize(
    ("alpha2", "timezone"),
    [
        ("SI", "Europe/Ljubljana"),
        ("DE", "Europe/Berlin"),
        ("GB", "Europe/London"),
        ("BE", "Europe/Brussels"),
        ("US", "America/New_York"),
        ("CH", "Europe/Zurich"),
        ("FR", "Europe/Paris"),
        ("CA", "America/Toronto"),
        ("AU", "Australia/Sydney"),
        ("ES", "Europe/Madrid"),
        ("PY", "America/Asuncion"),
        ("XK", "Europe/Belgrade"),
        ("AQ", "UTC"),
        ("ZZ", "UTC"),
    ],
)
def test_timezone(alpha2: str, timezone: str) -> None:
    assert zones.country_timezone(alpha2) == timezone
