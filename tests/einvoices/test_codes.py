"""The code lists (EINV §E3.4, EINV §E3.7), and one through HTTP."""

from __future__ import annotations

import pytest
from lxml import etree

from spaceport.einvoices.codes import electronic_address, unit_code, vat_identifier
from tests.conftest import Api
from tests.einvoices import parties
from tests.einvoices.test_ubl import one


@pytest.mark.parametrize(
    ("unit", "code"),
    [
        (None, "C62"), ("", "C62"), ("  Pcs. ", "H87"), ("kos", "H87"), ("Stk", "H87"),
        ("Hours", "HUR"), ("ura", "HUR"), ("min", "MIN"), ("dan", "DAY"), ("teden", "WEE"),
        ("mesec", "MON"), ("leto", "ANN"), ("KG", "KGM"), ("g", "GRM"), ("tonne", "TNE"),
        ("Litre", "LTR"), ("ml", "MLT"), ("metre", "MTR"), ("km", "KMT"), ("cm", "CMT"),
        ("mm", "MMT"), ("m²", "MTK"), ("m3", "MTQ"), ("kWh", "KWH"), ("set", "SET"),
        ("pair", "PR"), ("EA", "EA"), ("XBX", "XBX"), ("box of 12", "C62"), ("ea", "C62"),
    ],
)  # fmt: skip
def test_units(unit: str | None, code: str) -> None:
    """EINV §E3.7."""
    assert unit_code(unit) == code


@pytest.mark.parametrize(
    ("number", "country", "identifier"),
    [
        ("50223054", "SI", "SI50223054"),
        ("si 502-230.54", "SI", "SI50223054"),
        ("094259216", "GR", "EL094259216"),
        ("EL094259216", "GR", "EL094259216"),
        ("DE 136 695 976", "DE", "DE136695976"),
        ("", "DE", None),
        (None, "DE", None),
    ],
)
def test_vat_identifiers(number: str | None, country: str, identifier: str | None) -> None:
    """EINV §E3.4."""
    assert vat_identifier(number, country) == identifier


def test_electronic_addresses() -> None:
    """EINV §E3.4: the VAT identifier under its country's EAS code, else the email, else none."""
    assert electronic_address("FR40303265045", "FR", "a@b.example") == ("9957", "FR40303265045")
    assert electronic_address("CHE123", "US", "a@b.example") == ("EM", "a@b.example")
    assert electronic_address(None, "BE", "a@b.example") == ("EM", "a@b.example")
    assert electronic_address(None, "BE", None) is None


def test_the_unit_of_a_line_through_http(api: Api) -> None:
    """EINV §E3.7 on a saved document."""
    org = parties.issuer(api)
    document = parties.create(api, org["id"], _documentItems=[parties.line(unit="Kos.")])
    root = etree.fromstring(parties.einvoice(api, document["id"], "ubl"))
    assert one(root, "cac:InvoiceLine/cbc:InvoicedQuantity/@unitCode") == "H87"
