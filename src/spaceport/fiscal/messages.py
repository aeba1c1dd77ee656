"""The messages sent to FURS (FISCAL §S3.3, FISCAL §S5.5, FISCAL §S10), as JSON-ready values.

Amounts are `Decimal` here and written as JSON numbers with two decimals by `encode`; tax and
property numbers are `int`, `PostalCode` and `InvoiceNumber` strings; times are Ljubljana
local `YYYY-MM-DDTHH:MM:SS` without an offset, dates `YYYY-MM-DD` (FISCAL §S3.3)."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import orjson

from spaceport.fiscal.zoi import amount_text, local

Message = dict[str, Any]
CLOSING_TAG = "Z"  # FISCAL §S5.5


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return orjson.Fragment(amount_text(value))
    raise TypeError(f"{type(value).__name__} is not part of a FURS message")


def encode(message: Message) -> bytes:
    """The message's JSON: every `Decimal` a number with two decimals (FISCAL §S3.3)."""
    return orjson.dumps(message, default=_default)


def decode(text: bytes | str) -> Message:
    """`encode`'s inverse: numbers with a decimal point come back as `Decimal`."""
    found: Message = json.loads(text, parse_float=Decimal)
    return found


def local_time(moment: datetime) -> str:
    """FISCAL §S3.3: `YYYY-MM-DDTHH:MM:SS`, Europe/Ljubljana local, no offset."""
    return local(moment).strftime("%Y-%m-%dT%H:%M:%S")


def header(now: datetime, message_id: str | None = None) -> Message:
    """FISCAL §S3.3: a new UUID v4 per send."""
    return {"MessageID": message_id or str(uuid.uuid4()), "DateTime": local_time(now)}


def software_supplier(tax_number: int | None, name: str) -> list[Message]:
    """FISCAL §S5.5: the supplier's tax number when set, else its name."""
    return [{"TaxNumber": tax_number}] if tax_number is not None else [{"NameForeign": name}]


# -- business premises (FISCAL §S5.5) --------------------------------------------------------
@dataclass(frozen=True)
class RealEstate:
    cadastral_number: int
    building_number: int
    building_section_number: int
    street: str
    house_number: str
    community: str
    city: str
    postal_code: str
    house_number_additional: str | None = None


@dataclass(frozen=True)
class PremiseMessage:
    tax_number: int
    business_premise_id: str
    place: RealEstate | str  # real estate, or a movable premise's `PremiseType` (A, B, C)
    validity_date: date
    software_supplier: list[Message]
    closing: bool = False


def identifier(place: RealEstate | str) -> Message:
    if isinstance(place, str):
        return {"PremiseType": place}
    address: Message = {"Street": place.street, "HouseNumber": place.house_number}
    if place.house_number_additional:
        address["HouseNumberAdditional"] = place.house_number_additional
    address.update(Community=place.community, City=place.city, PostalCode=place.postal_code)
    property_id = {
        "CadastralNumber": place.cadastral_number,
        "BuildingNumber": place.building_number,
        "BuildingSectionNumber": place.building_section_number,
    }
    return {"RealEstateBP": {"PropertyID": property_id, "Address": address}}


def business_premise_request(premise: PremiseMessage, now: datetime) -> Message:
    body: Message = {
        "TaxNumber": premise.tax_number,
        "BusinessPremiseID": premise.business_premise_id,
        "BPIdentifier": identifier(premise.place),
        "ValidityDate": premise.validity_date.isoformat(),
        "SoftwareSupplier": premise.software_supplier,
        "SpecialNotes": "",
    }
    if premise.closing:
        body["ClosingTag"] = CLOSING_TAG
    return {"BusinessPremiseRequest": {"Header": header(now), "BusinessPremise": body}}


# -- invoices (FISCAL §S10) ------------------------------------------------------------------
@dataclass(frozen=True)
class InvoiceIdentifier:
    premise_id: str
    device_id: str
    invoice_number: str

    def message(self) -> Message:
        return {
            "BusinessPremiseID": self.premise_id,
            "ElectronicDeviceID": self.device_id,
            "InvoiceNumber": self.invoice_number,
        }


@dataclass(frozen=True)
class Vat:
    rate: Decimal
    taxable: Decimal
    tax: Decimal


@dataclass(frozen=True)
class Reference:
    """FISCAL §S14.2: the fiscalized document a credit note refers to."""

    identifier: InvoiceIdentifier
    issued: datetime


@dataclass(frozen=True)
class FiscalInvoice:
    tax_number: int
    issued: datetime
    numbering_structure: str  # FISCAL §S9: C (per premise) or B (per device)
    identifier: InvoiceIdentifier
    amount: Decimal
    operator_tax_number: int
    protected_id: str
    customer_vat_number: str | None = None
    vat: tuple[Vat, ...] = ()
    reverse_vat_base: Decimal | None = None
    exempt_base: Decimal | None = None
    references: tuple[Reference, ...] = ()


def invoice(fiscal: FiscalInvoice) -> Message:
    """FISCAL §S10: the `Invoice` element, `SubsequentSubmit` false (the first send).
    `TaxesPerSeller` has one element and no `SellerTaxNumber`: FISCAL §S10 says so, the
    organization being the seller (FURS's element for invoices issued in another seller's
    name is not written); `TaxRate` is written with two decimals like the amounts
    (FISCAL §S3.3)."""
    taxes: Message = {}
    if fiscal.vat:
        taxes["VAT"] = [
            {"TaxRate": vat.rate, "TaxableAmount": vat.taxable, "TaxAmount": vat.tax}
            for vat in fiscal.vat
        ]
    if fiscal.reverse_vat_base:
        taxes["ReverseVATTaxableAmount"] = fiscal.reverse_vat_base
    if fiscal.exempt_base:
        taxes["ExemptVATTaxableAmount"] = fiscal.exempt_base
    body: Message = {
        "TaxNumber": fiscal.tax_number,
        "IssueDateTime": local_time(fiscal.issued),
        "NumberingStructure": fiscal.numbering_structure,
        "InvoiceIdentifier": fiscal.identifier.message(),
    }
    if fiscal.customer_vat_number:
        body["CustomerVATNumber"] = fiscal.customer_vat_number
    body.update(
        InvoiceAmount=fiscal.amount,
        PaymentAmount=fiscal.amount,
        TaxesPerSeller=[taxes],
        OperatorTaxNumber=fiscal.operator_tax_number,
        ProtectedID=fiscal.protected_id,
        SubsequentSubmit=False,
    )
    if fiscal.references:
        body["ReferenceInvoice"] = [
            {
                "ReferenceInvoiceIdentifier": reference.identifier.message(),
                "ReferenceInvoiceIssueDateTime": local_time(reference.issued),
            }
            for reference in fiscal.references
        ]
    return body


def invoice_request(body: Message, now: datetime, *, subsequent: bool) -> Message:
    """FISCAL §S10: the `Invoice` element under a new Header; a resubmission repeats the same
    element with `SubsequentSubmit` true."""
    return {
        "InvoiceRequest": {
            "Header": header(now),
            "Invoice": {**body, "SubsequentSubmit": subsequent},
        }
    }
