"""The code lists an e-invoice needs: units (EINV §E3.7), electronic address schemes and VAT
identifiers (EINV §E3.4), VAT categories and exemption reasons (EINV §E3.8)."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

# EINV §E3.7: UN/ECE Recommendation 20 codes for the units people write.
UNIT_NAMES = {
    "H87": ("piece", "pieces", "pc", "pcs", "item", "items", "kos", "kom", "stk"),
    "HUR": ("hour", "hours", "h", "hr", "ura"),
    "MIN": ("minute", "minutes", "min"),
    "DAY": ("day", "days", "dan"),
    "WEE": ("week", "weeks", "teden"),
    "MON": ("month", "months", "mesec"),
    "ANN": ("year", "years", "leto"),
    "KGM": ("kg",),
    "GRM": ("g",),
    "TNE": ("t", "tonne"),
    "LTR": ("l", "liter", "litre"),
    "MLT": ("ml",),
    "MTR": ("m", "meter", "metre"),
    "KMT": ("km",),
    "CMT": ("cm",),
    "MMT": ("mm",),
    "MTK": ("m2", "m²"),
    "MTQ": ("m3", "m³"),
    "KWH": ("kwh",),
    "SET": ("set",),
    "PR": ("pair",),
}
UNITS = {name: code for code, names in UNIT_NAMES.items() for name in names}
DEFAULT_UNIT = "C62"

# EINV §E3.4: the EAS code under which a party's VAT identifier is its electronic address.
VAT_SCHEMES = {
    "AT": "9914", "BE": "9925", "BG": "9926", "CH": "9927", "CY": "9928", "CZ": "9929",
    "DE": "9930", "EE": "9931", "ES": "9920", "FR": "9957", "GB": "9932", "GR": "9933",
    "HR": "9934", "HU": "9910", "IE": "9935", "LT": "9937", "LU": "9938", "LV": "9939",
    "MT": "9943", "NL": "9944", "PL": "9945", "PT": "9946", "RO": "9947", "SI": "9949",
    "SK": "9950",
}  # fmt: skip
EMAIL_SCHEME = "EM"

# EINV §E3.8: the exemption reason (BT-121 code, BT-120 text) of each category but S and Z.
EXEMPTIONS = {
    "AE": ("VATEX-EU-AE", "Reverse charge"),
    "K": ("VATEX-EU-IC", "Intra-Community supply"),
    "G": ("VATEX-EU-G", "Export outside the EU"),
}
EXEMPT_TEXT = "Exempt from VAT"
CLASSIFICATIONS = {"exempt": "E", "intra-community": "K", "export": "G"}

_SEPARATORS = re.compile(r"[\s.\-]")


@cache
def accepted_codes() -> frozenset[str]:
    """EINV §E3.7: the Rec 20/21 codes the EN 16931 rules accept (BR-CL-23), kept as given."""
    text = (Path(__file__).parent / "rec20.txt").read_text(encoding="utf-8")
    lines = (line for line in text.splitlines() if not line.startswith("#"))
    return frozenset(code for line in lines for code in line.split())


def unit_code(unit: str | None) -> str:
    """EINV §E3.7: trimmed, case-folded, a final dot dropped; anything unknown is C62."""
    text = (unit or "").strip()
    if text in accepted_codes():
        return text
    key = text.casefold().removesuffix(".")
    return UNITS.get(key, DEFAULT_UNIT)


def vat_identifier(tax_number: str | None, country: str | None) -> str | None:
    """EINV §E3.4: without spaces, dots and dashes, upper case, the country's prefix (EL for
    Greece) unless it starts with two letters."""
    text = _SEPARATORS.sub("", tax_number or "").upper()
    if not text:
        return None
    if len(text) >= 2 and text[:2].isalpha() and text[:2].isascii():
        return text
    prefix = "EL" if country == "GR" else (country or "")
    return prefix + text


def electronic_address(
    vat_id: str | None, country: str | None, email: str | None
) -> tuple[str, str] | None:
    """EINV §E3.4: (scheme, identifier): the VAT identifier under its country's EAS code, else
    the email under EM, else none."""
    scheme = VAT_SCHEMES.get(country or "")
    if vat_id and scheme:
        return scheme, vat_id
    if email:
        return EMAIL_SCHEME, email
    return None
