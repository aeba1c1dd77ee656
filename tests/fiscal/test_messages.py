"""FISCAL §S3.3, FISCAL §S5.5, FISCAL §S10: the messages, field by field."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

from spaceport.fiscal import messages
from spaceport.fiscal.messages import (
    FiscalInvoice,
    InvoiceIdentifier,
    PremiseMessage,
    RealEstate,
    Reference,
    Vat,
)

NOW = datetime(2026, 12, 1, 11, 5, 9, tzinfo=UTC)  # 12:05:09 in Ljubljana
ISSUED = datetime(2026, 7, 1, 6, 0, 1, tzinfo=UTC)  # 08:00:01 in Ljubljana (summer)
REAL_ESTATE = RealEstate(
    cadastral_number=365,
    building_number=12,
    building_section_number=3,
    street="Trg republike",
    house_number="3",
    community="Ljubljana",
    city="Ljubljana",
    postal_code="1000",
)


def test_the_header_has_a_new_uuid4_and_ljubljana_local_time() -> None:
    """FISCAL §S3.3: MessageID a new UUID v4 per send; DateTime without an offset."""
    first, second = messages.header(NOW), messages.header(NOW)
    assert first["DateTime"] == "2026-12-01T12:05:09"
    assert uuid.UUID(first["MessageID"]).version == 4
    assert first["MessageID"] != second["MessageID"]


def test_a_real_estate_premise_request() -> None:
    """FISCAL §S5.5: every element, property numbers as integers, PostalCode a string."""
    premise = PremiseMessage(
        tax_number=10000001,
        business_premise_id="P1",
        place=REAL_ESTATE,
        validity_date=date(2026, 12, 1),
        software_supplier=messages.software_supplier(None, "Spaceport"),
    )
    request = messages.business_premise_request(premise, NOW)["BusinessPremiseRequest"]
    assert set(request) == {"Header", "BusinessPremise"}
    assert request["BusinessPremise"] == {
        "TaxNumber": 10000001,
        "BusinessPremiseID": "P1",
        "BPIdentifier": {
            "RealEstateBP": {
                "PropertyID": {"CadastralNumber": 365, "BuildingNumber": 12,
                               "BuildingSectionNumber": 3},
                "Address": {"Street": "Trg republike", "HouseNumber": "3",
                            "Community": "Ljubljana", "City": "Ljubljana", "PostalCode": "1000"},
            }
        },
        "ValidityDate": "2026-12-01",
        "SoftwareSupplier": [{"NameForeign": "Spaceport"}],
        "SpecialNotes": "",
    }  # fmt: skip


def test_a_movable_premise_closing_with_the_suppliers_tax_number() -> None:
    """FISCAL §S5.5: `{"PremiseType"}`, `SoftwareSupplier` by tax number, `ClosingTag: "Z"`."""
    premise = PremiseMessage(
        tax_number=10000001,
        business_premise_id="MOVE1",
        place="B",
        validity_date=date(2026, 12, 1),
        software_supplier=messages.software_supplier(12345678, "Spaceport"),
        closing=True,
    )
    body = messages.business_premise_request(premise, NOW)["BusinessPremiseRequest"]
    assert body["BusinessPremise"]["BPIdentifier"] == {"PremiseType": "B"}
    assert body["BusinessPremise"]["SoftwareSupplier"] == [{"TaxNumber": 12345678}]
    assert body["BusinessPremise"]["ClosingTag"] == "Z"


def test_house_number_additional_is_sent_only_when_given() -> None:
    with_additional = RealEstate(**{**REAL_ESTATE.__dict__, "house_number_additional": "B"})
    address = messages.identifier(with_additional)["RealEstateBP"]["Address"]
    assert address["HouseNumberAdditional"] == "B"
    assert (
        "HouseNumberAdditional" not in messages.identifier(REAL_ESTATE)["RealEstateBP"]["Address"]
    )


def fiscal_invoice(**changes: object) -> FiscalInvoice:
    values: dict[str, object] = {
        "tax_number": 10000001,
        "issued": ISSUED,
        "numbering_structure": "C",
        "identifier": InvoiceIdentifier("P1", "D1", "42"),
        "amount": Decimal("124.40"),
        "operator_tax_number": 12345678,
        "protected_id": "a7e5f55e1dbb48b799268e1a6d8618a3",
        "customer_vat_number": "SI12345678",
        "vat": (Vat(Decimal(22), Decimal("100"), Decimal("22")),
                Vat(Decimal("9.5"), Decimal("2"), Decimal("0.19"))),
        "exempt_base": Decimal("0.21"),
    }  # fmt: skip
    values.update(changes)
    return FiscalInvoice(**values)  # type: ignore[arg-type]


def test_the_invoice_element_and_its_json() -> None:
    """FISCAL §S10 and FISCAL §S3.3: amounts are JSON numbers with two decimals, InvoiceNumber
    a string, empty tax groups omitted, SubsequentSubmit false on the first send."""
    body = messages.invoice(fiscal_invoice())
    request = messages.invoice_request(body, NOW, subsequent=False)
    encoded = messages.encode(request).decode()
    assert (
        '"TaxesPerSeller":[{"VAT":[{"TaxRate":22.00,"TaxableAmount":100.00,"TaxAmount":22.00},'
        '{"TaxRate":9.50,"TaxableAmount":2.00,"TaxAmount":0.19}],'
        '"ExemptVATTaxableAmount":0.21}]'
    ) in encoded
    assert '"InvoiceAmount":124.40,"PaymentAmount":124.40' in encoded
    invoice = messages.decode(encoded)["InvoiceRequest"]["Invoice"]
    assert invoice["IssueDateTime"] == "2026-07-01T08:00:01"
    assert invoice["InvoiceIdentifier"] == {
        "BusinessPremiseID": "P1", "ElectronicDeviceID": "D1", "InvoiceNumber": "42"
    }  # fmt: skip
    assert invoice["TaxNumber"] == 10000001 and invoice["OperatorTaxNumber"] == 12345678
    assert invoice["CustomerVATNumber"] == "SI12345678"
    assert invoice["SubsequentSubmit"] is False
    assert invoice["InvoiceAmount"] == Decimal("124.40")
    assert "ReverseVATTaxableAmount" not in invoice["TaxesPerSeller"][0]
    assert "ReferenceInvoice" not in invoice


def test_a_resubmission_repeats_the_invoice_under_a_new_header() -> None:
    """FISCAL §S10: `SubsequentSubmit` true, the same `Invoice`, a new Header."""
    body = messages.decode(messages.encode(messages.invoice(fiscal_invoice())))
    first = messages.invoice_request(body, NOW, subsequent=False)["InvoiceRequest"]
    again = messages.invoice_request(body, NOW, subsequent=True)["InvoiceRequest"]
    assert again["Invoice"] == {**first["Invoice"], "SubsequentSubmit": True}
    assert again["Header"]["MessageID"] != first["Header"]["MessageID"]


def test_a_credit_note_refers_to_the_invoice() -> None:
    """FISCAL §S14.2: ReferenceInvoice with the original's identifier and issue time."""
    original = InvoiceIdentifier("P1", "D1", "7")
    body = messages.invoice(
        fiscal_invoice(
            amount=Decimal("-12.30"),
            customer_vat_number=None,
            vat=(),
            exempt_base=None,
            reverse_vat_base=Decimal("-12.30"),
            references=(Reference(original, ISSUED),),
        )
    )
    assert body["ReferenceInvoice"] == [
        {
            "ReferenceInvoiceIdentifier": {
                "BusinessPremiseID": "P1", "ElectronicDeviceID": "D1", "InvoiceNumber": "7"
            },
            "ReferenceInvoiceIssueDateTime": "2026-07-01T08:00:01",
        }
    ]  # fmt: skip
    assert body["TaxesPerSeller"] == [{"ReverseVATTaxableAmount": Decimal("-12.30")}]
    assert "CustomerVATNumber" not in body
    assert b'"InvoiceAmount":-12.30' in messages.encode(body)
