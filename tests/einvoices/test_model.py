"""The neutral view's amounts against an outside calculation (EINV §E7.5): the official EN 16931
examples Spaceport can represent, rebuilt as documents through HTTP from their lines' quantity,
price, VAT rate and discount, give the examples' totals and VAT breakdown, and so do their
e-invoices (EINV §E3.9: the document's own amounts)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from tests.conftest import Api
from tests.einvoices import official, parties
from tests.einvoices.artefacts import EXAMPLES, Artefacts
from tests.einvoices.test_ubl import NS, one

needs_examples = pytest.mark.skipif(not EXAMPLES.exists(), reason=f"no examples at {EXAMPLES}")
# Which examples Spaceport cannot represent, and why (the closing note lists them).
NOT_REPRESENTABLE = {
    "guide-example2.xml": "document-level allowances or charges, a line charge",
    "guide-example3.xml": "document-level allowances or charges",
    "issue116.xml": "document-level allowances or charges, a rounding amount",
    "ubl-tc434-example2.xml": "document-level allowances or charges, a line charge",
    "ubl-tc434-example3.xml": "document-level allowances or charges",
    "ubl-tc434-example5.xml": "document-level allowances or charges, a line charge",
    "ubl-tc434-example7.xml": "VAT category O (out of scope, EINV §E8.2)",
    "ubl-tc434-example8.xml": "a price of more than 4 decimals (per base quantity)",
}


def rebuild(api: Api, example: official.Example) -> dict[str, Any]:
    """The example as a Spaceport document; Default tax_rounding = document, as EN 16931
    computes VAT per category (EINV §E4.3)."""
    org = parties.issuer(api)
    parties.set_default(api, org["id"], "tax_rounding", "document")
    return parties.create(
        api, org["id"], type=example.type, currencyId=example.currency,
        _documentItems=example.lines,
    )  # fmt: skip


def breakdown_of(document: dict[str, Any], example: official.Example) -> dict[Any, Any]:
    """The document's `_documentTaxes` (and reverse taxes) by the example's (category, rate)."""
    found: dict[tuple[str, Decimal], tuple[Decimal, Decimal]] = {}
    for entry in document["_documentTaxes"]:
        rate = Decimal(str(entry["tax"]))
        keys = [k for k in example.breakdown if k[1] == rate and k[0] != "AE"]
        assert len(keys) == 1, (rate, example.breakdown)
        found[keys[0]] = (Decimal(str(entry["base"])), Decimal(str(entry["totalTax"])))
    for entry in document["_documentReverseTaxes"]:
        found[("AE", Decimal(0))] = (Decimal(str(entry["base"])), Decimal(0))
    return found


@needs_examples
def test_the_unrepresentable_examples_are_the_listed_ones() -> None:
    unrepresentable = {path.name for path in official.examples("ubl") if official.ubl(path).why_not}
    assert unrepresentable == set(NOT_REPRESENTABLE)


@needs_examples
@pytest.mark.parametrize(
    "path",
    [p for p in official.examples("ubl") if p.name not in NOT_REPRESENTABLE]
    if EXAMPLES.exists()
    else [],
    ids=lambda p: p.name,
)
def test_a_ubl_example_rebuilt_gives_its_totals(api: Api, artefacts: Artefacts, path: Path) -> None:
    example = official.ubl(path)
    document = rebuild(api, example)
    assert Decimal(str(document["total"])) == example.total
    assert Decimal(str(document["totalWithTax"])) == example.total_with_tax
    assert breakdown_of(document, example) == example.breakdown
    xml = parties.einvoice(api, document["id"], "ubl")
    assert artefacts.ubl_errors(xml) == []
    root = etree.fromstring(xml)
    assert Decimal(one(root, "cac:LegalMonetaryTotal/cbc:LineExtensionAmount")) == example.total
    assert Decimal(one(root, "cac:TaxTotal[1]/cbc:TaxAmount")) == example.tax
    written = {
        (one(s, "cac:TaxCategory/cbc:ID"), Decimal(one(s, "cac:TaxCategory/cbc:Percent"))): (
            Decimal(one(s, "cbc:TaxableAmount")),
            Decimal(one(s, "cbc:TaxAmount")),
        )
        for s in parties.nodes(root, "cac:TaxTotal[1]/cac:TaxSubtotal", NS)
    }
    assert written == example.breakdown
