"""UBL 2.1 per Peppol BIS Billing 3.0 through HTTP, validated by the UBL 2.1 XSD and the CEN
EN 16931 UBL rules (EINV §E1.2, EINV §E7.1), with the document's amounts (EINV §E3.9)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from lxml import etree

from tests.conftest import Api
from tests.einvoices import parties
from tests.einvoices.artefacts import Artefacts
from tests.einvoices.conftest import Typed

NS = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}


def one(root: etree._Element, path: str) -> str:
    return parties.one(root, path, NS)


dec = parties.dec


def assert_amounts(root: etree._Element, document: dict[str, Any], sign: int = 1) -> None:
    """EINV §E3.9: BG-22 and BG-23 are the document's own amounts."""
    total = "cac:LegalMonetaryTotal/cbc:"
    assert dec(one(root, total + "LineExtensionAmount")) == sign * dec(document["total"])
    assert dec(one(root, total + "TaxExclusiveAmount")) == sign * dec(document["total"])
    assert dec(one(root, total + "TaxInclusiveAmount")) == sign * dec(document["totalWithTax"])
    assert dec(one(root, total + "PayableAmount")) == sign * dec(document["totalDue"])
    tax = dec(document["totalWithTax"]) - dec(document["total"])
    assert dec(one(root, "cac:TaxTotal[1]/cbc:TaxAmount")) == sign * tax
    subtotals = parties.nodes(root, "cac:TaxTotal[1]/cac:TaxSubtotal", NS)
    written = {
        (one(s, "cac:TaxCategory/cbc:ID"), dec(one(s, "cac:TaxCategory/cbc:Percent"))): (
            dec(one(s, "cbc:TaxableAmount")),
            dec(one(s, "cbc:TaxAmount")),
        )
        for s in subtotals
    }
    assert sum(b for b, _ in written.values()) == sign * dec(document["total"])
    assert sum(t for _, t in written.values()) == sign * tax


@pytest.mark.parametrize("kind", ["invoice", "advance", "credit-note"])
@pytest.mark.parametrize("tax", list(parties.TAXES))
def test_every_type_and_tax_case_passes_the_official_artefacts(
    api: Api, typed_document: Typed, artefacts: Artefacts, kind: str, tax: str
) -> None:
    document = typed_document(kind, tax)
    xml = parties.einvoice(api, document["id"], "ubl")
    assert artefacts.ubl_errors(xml) == []
    root = etree.fromstring(xml)
    assert_amounts(root, document)
    categories = set(
        parties.nodes(root, "cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:ID/text()", NS)
    )
    assert categories == {parties.CATEGORIES[tax]}


def test_a_credit_note_with_a_negative_total_states_the_credit_in_positive_amounts(
    api: Api, issuer: dict[str, Any], artefacts: Artefacts
) -> None:
    """EINV §E2.3 (cancellations make them, FISCAL §S14.2) and EINV §E3.1 BG-3."""
    invoice = parties.create(api, issuer["id"])
    credit = parties.create(
        api,
        issuer["id"],
        type="credit-note",
        documentIds=[invoice["id"]],
        _documentItems=[
            parties.line(quantity=-2, discount=5),
            parties.line("Fuel", quantity="-3.5", price="19.9999", tax="reduced"),
        ],
    )
    assert dec(credit["totalWithTax"]) < 0
    xml = parties.einvoice(api, credit["id"], "ubl")
    assert artefacts.ubl_errors(xml) == []
    root = etree.fromstring(xml)
    assert etree.QName(root).localname == "CreditNote"
    assert one(root, "cbc:CreditNoteTypeCode") == "381"
    assert_amounts(root, credit, sign=-1)
    assert [dec(q) for q in parties.nodes(root, "//cbc:CreditedQuantity/text()", NS)] == [
        Decimal(2),
        Decimal("3.5"),
    ]
    assert one(root, "cac:CreditNoteLine[1]/cac:Price/cbc:PriceAmount") == "1250.5"
    assert dec(one(root, "cac:CreditNoteLine[1]/cac:AllowanceCharge/cbc:Amount")) > 0
    reference = "cac:BillingReference/cac:InvoiceDocumentReference/"
    assert one(root, reference + "cbc:ID") == invoice["number"]
    assert one(root, reference + "cbc:IssueDate") == one(root, "cbc:IssueDate")


def test_negative_lines_and_invoices_keep_their_signs(
    api: Api, issuer: dict[str, Any], artefacts: Artefacts
) -> None:
    """EINV §E2.3: only credit notes turn signs; a negative price is written positive with a
    negative quantity, so that BT-146 is never negative (BR-27) and BT-131 stays."""
    document = parties.create(
        api, issuer["id"], _documentItems=[parties.line(quantity=1, price="-100.25")]
    )
    xml = parties.einvoice(api, document["id"], "ubl")
    assert artefacts.ubl_errors(xml) == []
    root = etree.fromstring(xml)
    assert_amounts(root, document)
    assert one(root, "cac:InvoiceLine/cbc:InvoicedQuantity") == "-1"
    assert one(root, "cac:InvoiceLine/cbc:LineExtensionAmount") == "-100.25"
    assert one(root, "cac:InvoiceLine/cac:Price/cbc:PriceAmount") == "100.25"


def test_payments_period_currency_and_header(
    api: Api, issuer: dict[str, Any], artefacts: Artefacts
) -> None:
    """EINV §E3.1 (BT-9, BT-72, BG-14, BT-6, BT-111, BT-10, BT-22), EINV §E3.5, EINV §E3.9
    BT-113."""
    document = parties.create(
        api,
        issuer["id"],
        currencyId="USD",
        reference="PO-4711",
        note="Thank you for [document number] & <more>",
        dateService="2026-03-01T12:00:00.000Z",
        dateServiceTo="2026-03-31T12:00:00.000Z",
        dateDue="2026-04-15T12:00:00.000Z",
        payments=[{"type": "bank", "amount": 1000}],
    )
    assert document["_documentConversionRate"]["to"] == "EUR"
    xml = parties.einvoice(api, document["id"], "ubl")
    assert artefacts.ubl_errors(xml) == []
    root = etree.fromstring(xml)
    assert_amounts(root, document)
    assert one(root, "cac:LegalMonetaryTotal/cbc:PrepaidAmount") == "1000.00"
    assert one(root, "cbc:DueDate") == "2026-04-15"
    assert one(root, "cac:Delivery/cbc:ActualDeliveryDate") == "2026-03-01"
    assert one(root, "cac:InvoicePeriod/cbc:EndDate") == "2026-03-31"
    assert one(root, "cbc:BuyerReference") == "PO-4711"
    assert one(root, "cbc:Note") == f"Thank you for {document['number']} & <more>"
    assert one(root, "cbc:TaxCurrencyCode") == "EUR"
    converted = dec(document["totalWithTaxConverted"]) - dec(document["totalConverted"])
    assert dec(one(root, "cac:TaxTotal[2]/cbc:TaxAmount[@currencyID='EUR']")) == converted
    assert one(root, "cac:PaymentMeans/cac:PayeeFinancialAccount/cbc:ID") == "BE71096123456769"
    assert one(root, "cac:PaymentMeans/cbc:PaymentID") == document["number"]


def test_a_slovenian_issuer_without_iban_and_a_buyer_reached_by_email(
    api: Api, issuer: dict[str, Any], artefacts: Artefacts
) -> None:
    """EINV §E3.4: `50223054` is `SI50223054` under 9949; a buyer outside the EAS list is
    reached by email; EINV §E3.5: no IBAN, no payment instruction; EINV §E3.8 export."""
    org = parties.issuer(api, country="Slovenia", taxNumber="50223054", IBAN="")
    buyer = {"name": "Orbit Inc", "address": "1 Space Rd", "city": "Houston", "country": "USA"}
    buyer["email"] = "ap@orbit.example"
    document = parties.create(
        api, org["id"], _documentClient=buyer, _documentItems=[parties.line(tax="export")]
    )
    xml = parties.einvoice(api, document["id"], "ubl")
    assert artefacts.ubl_errors(xml) == []
    root = etree.fromstring(xml)
    seller = "cac:AccountingSupplierParty/cac:Party/"
    assert one(root, seller + "cbc:EndpointID") == "SI50223054"
    assert one(root, seller + "cbc:EndpointID/@schemeID") == "9949"
    assert one(root, seller + "cac:PartyTaxScheme/cbc:CompanyID") == "SI50223054"
    buyer_path = "cac:AccountingCustomerParty/cac:Party/cbc:EndpointID"
    assert one(root, buyer_path) == "ap@orbit.example"
    assert one(root, buyer_path + "/@schemeID") == "EM"
    assert parties.nodes(root, "cac:PaymentMeans", NS) == []
    assert one(root, "//cac:TaxSubtotal/cac:TaxCategory/cbc:TaxExemptionReasonCode") == (
        "VATEX-EU-G"
    )


def test_intra_community_supply_names_the_deliver_to_country(
    api: Api, issuer: dict[str, Any], artefacts: Artefacts
) -> None:
    """EINV §E3.8: with K, BT-80 is the buyer's country."""
    document = parties.create(
        api, issuer["id"], _documentItems=[parties.line(tax="intra-community", unit="h")]
    )
    xml = parties.einvoice(api, document["id"], "ubl")
    assert artefacts.ubl_errors(xml) == []
    root = etree.fromstring(xml)
    country = "cac:Delivery/cac:DeliveryLocation/cac:Address/cac:Country/cbc:IdentificationCode"
    assert one(root, country) == "DE"
    assert one(root, "cac:InvoiceLine/cbc:InvoicedQuantity/@unitCode") == "HUR"


def test_many_lines_of_mixed_categories(
    api: Api, issuer: dict[str, Any], artefacts: Artefacts
) -> None:
    """EINV §E3.9: one breakdown per category and rate, each the document's Σ."""
    lines = [
        parties.line(f"Part {n}", quantity=n, price=f"{n}.333", tax=tax)
        for n, tax in enumerate(["standard", "reduced", "zero", "exempt"] * 5, start=1)
    ]
    document = parties.create(
        api, issuer["id"], _documentItems=[{"name": "Group", "isSeparator": True}, *lines]
    )
    xml = parties.einvoice(api, document["id"], "ubl")
    assert artefacts.ubl_errors(xml) == []
    root = etree.fromstring(xml)
    assert_amounts(root, document)
    assert len(parties.nodes(root, "cac:InvoiceLine", NS)) == 20
    categories = parties.nodes(root, "//cac:TaxSubtotal/cac:TaxCategory/cbc:ID/text()", NS)
    assert sorted(categories) == ["E", "S", "S", "Z"]
    for entry in document["_documentTaxes"]:
        if dec(entry["tax"]) != 0:
            path = f"//cac:TaxSubtotal[cac:TaxCategory/cbc:Percent='{entry['tax']}']/"
            assert dec(one(root, path + "cbc:TaxableAmount")) == dec(entry["base"])
            assert dec(one(root, path + "cbc:TaxAmount")) == dec(entry["totalTax"])
