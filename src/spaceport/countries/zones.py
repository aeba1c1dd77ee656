"""A country's main time zone (CLDR territory zones)."""

from __future__ import annotations

from typing import Final

from babel.core import get_global

from spaceport.countries.names import country_codes

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
    if code not in country_codes():  # CLDR also has zones for "ZZ" (unknown region)
        return "UTC"
    zones: list[str] = get_global("territory_zones").get(code, [])
    return str(zones[0]) if zones else "UTC"
