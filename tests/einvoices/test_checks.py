"""What a document needs before it is an e-invoice (EINV §E5) and the rounding rule (EINV §E4):
every failure in one 422 keyed by the Spaceport property, never partial XML (EINV §E5.1)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Api
from tests.einvoices import parties
from tests.einvoices.artefacts import Artefacts

FORMATS = ("ubl", "cii", "eslog")


def refused(api: Api, document: dict[str, Any], kind: str = "ubl") -> dict[str, list[str]]:
    response = api.get(f"/v1/documents/{document['id']}/einvoice?format={kind}")
    assert response.status_code == 422, response.text
    assert response.json()["error"]["name"] == "ValidationError"
    found: dict[str, list[str]] = response.json()["error"]["details"]["messages"]
    return found


@pytest.mark.parametrize("kind", FORMATS)
def test_every_missing_party_term_in_one_answer(api: Api, kind: str) -> None:
    """EINV §E5.2."""
    org = api.create_organization(country="Atlantis")
    assert org["countryAlpha2Code"] is None
    document = parties.create(
        api,
        org["id"],
        _documentClient={"name": "Rocket Man", "country": "Atlantis"},
    )
    required = "is required for an e-invoice ({})"
    assert refused(api, document, kind) == {
        "_documentIssuer.address": [required.format("BT-35")],
        "_documentIssuer.city": [required.format("BT-37")],
        "_documentIssuer.taxNumber": [required.format("BT-31")],
        "_documentIssuer.country": [required.format("BT-40")],
        "_documentClient.address": [required.format("BT-50")],
        "_documentClient.city": [required.format("BT-52")],
        "_documentClient.country": [required.format("BT-55")],
    }


def test_a_seller_outside_vat(api: Api) -> None:
    """EINV §E5.3 (category O is out of scope, EINV §E8.2)."""
    org = parties.issuer(api, taxSubject=False)
    document = parties.create(api, org["id"])
    assert refused(api, document) == {
        "_documentIssuer.taxSubject": ["a seller outside VAT can't issue an e-invoice (BT-31)"]
    }


@pytest.mark.parametrize("tax", ["reverse-charge", "intra-community"])
def test_reverse_charge_and_intra_community_need_the_buyers_vat_identifier(
    api: Api, tax: str
) -> None:
    """EINV §E5.3 (BT-48)."""
    org = parties.issuer(api)
    client = {**parties.BUYER, "taxNumber": ""}
    document = parties.create(
        api, org["id"], _documentClient=client, _documentItems=[parties.line(tax=tax)]
    )
    assert refused(api, document) == {
        "_documentClient.taxNumber": [
            "is required for reverse charge and intra-community supply (BT-48)"
        ]
    }


def test_lines_need_exactly_one_vat_tax_of_the_right_rate(api: Api) -> None:
    """EINV §E5.3: none, several or compound; exempt, intra-community and export at rate 0;
    `<n>` is BT-126 (separators are not counted)."""
    org = parties.issuer(api)
    lines = [
        {"name": "Chapter", "isSeparator": True},
        {"name": "No tax", "price": 10},
        {**parties.line(), "_documentItemTaxes": [{"rate": 21}, {"rate": 6}]},
        {**parties.line(), "_documentItemTaxes": [{"rate": 5, "compound": True}]},
        {**parties.line(), "_documentItemTaxes": [{"rate": 6, "classification": "exempt"}]},
        parties.line(),
    ]
    document = parties.create(api, org["id"], _documentItems=lines)
    assert refused(api, document) == {
        "_documentItems._documentItemTaxes": [
            "line 1 needs exactly one VAT tax (BT-151)",
            "line 2 needs exactly one VAT tax (BT-151)",
            "line 3 needs exactly one VAT tax (BT-151)",
            "line 4: an exempt, intra-community or export tax has rate 0 (BT-152)",
        ]
    }


def test_a_document_of_separators_only(api: Api) -> None:
    """EINV §E5.3 (BG-25)."""
    org = parties.issuer(api)
    document = parties.create(api, org["id"], _documentItems=[{"name": "x", "isSeparator": True}])
    assert refused(api, document) == {
        "_documentItems": ["an e-invoice needs at least one line (BG-25)"]
    }


def test_line_rounding_within_a_unit_is_written_and_beyond_is_refused(
    api: Api, artefacts: Artefacts
) -> None:
    """EINV §E4: 0.5 at 21 % is 0.105, 0.11 a line: 0.005 off per line. 199 lines are within
    1.00 and pass BR-CO-17 with the document's own amounts; 200 are refused, and Default
    tax_rounding = document (EINV §E4.3) makes them exact."""
    org = parties.issuer(api)
    within = parties.create(
        api, org["id"], _documentItems=[parties.line(quantity=1, price="0.5")] * 199
    )
    assert within["_documentTaxes"][0]["totalTax"] == 21.89  # 199 × 0.11, not 20.90
    assert artefacts.ubl_errors(parties.einvoice(api, within["id"], "ubl")) == []
    beyond = parties.create(
        api, org["id"], _documentItems=[parties.line(quantity=1, price="0.5")] * 200
    )
    assert refused(api, beyond) == {
        "_documentTaxes": [
            "tax 22.00 at 21 % differs from base × rate (21.00) by 1.00 or more (BR-CO-17); "
            "set Default tax_rounding to document"
        ]
    }
    parties.set_default(api, org["id"], "tax_rounding", "document")
    exact = parties.create(
        api, org["id"], _documentItems=[parties.line(quantity=1, price="0.5")] * 200
    )
    assert exact["_documentTaxes"][0]["totalTax"] == 21
    assert artefacts.ubl_errors(parties.einvoice(api, exact["id"], "ubl")) == []
