"""What callers send to create or change documents (reference "Create a Document")."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from pydantic import AliasChoices, Field

from spaceport.kit.schemas import Amount, ApiDate, ApiDateTime, ApiModel
from spaceport.parties import PartyFields

DocumentType = Literal["invoice", "estimate", "advance", "credit-note", "delivery-note"]
PaymentType = Literal["bank", "online", "paypal", "cash", "card", "crypto", "coupon", "other"]


class ConversionRateIn(ApiModel):
    """COMPAT §6.12: `_documentConversionRate` populated by the caller (1 `from` = `rate` `to`),
    held to the shape it is answered in."""

    date: ApiDate
    from_: str = Field(alias="from", min_length=3, max_length=3)
    to: str = Field(min_length=3, max_length=3)
    rate: Decimal = Field(gt=0, lt=10**6, allow_inf_nan=False, decimal_places=6)
    source: str = Field(default="manual", max_length=200)

    def stored(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat(),
            "from": self.from_.upper(),
            "to": self.to.upper(),
            "rate": self.rate,
            "source": self.source,
        }


class ItemTaxIn(ApiModel):
    tax_id: str | None = None
    name: str | None = None
    abbreviation: str | None = None
    rate: Amount | None = None
    classification: str | None = None
    recoverable: bool | None = None
    reverse_charged: bool | None = None
    compound: bool | None = None
    custom: dict[str, Any] | None = None


class DocumentItemIn(ApiModel):
    item_id: str | None = None
    name: str | None = None
    description: str | None = None
    price: Amount | None = None
    price_gross: Amount | None = None
    quantity: Amount = Decimal(1)
    discount: Amount | None = None
    discount_is_amount: bool | None = None
    unit: str | None = None
    sku: str | None = Field(default=None, alias="SKU")
    # The reference spells it both ways ("isSepatator" in its tables).
    is_separator: bool | None = Field(
        default=None, validation_alias=AliasChoices("isSeparator", "isSepatator", "is_separator")
    )
    load: bool | None = None
    save: bool | None = None
    custom: dict[str, Any] | None = None
    document_item_taxes: list[ItemTaxIn] = Field(default_factory=list, alias="_documentItemTaxes")


class PartyIn(PartyFields):
    """`_documentClient` and `_documentIssuer`: the keys a caller gives win (COMPAT §6.4, 6.5)."""

    name: str | None = None
    tax_subject: bool | None = None
    contact: str | None = None
    is_end_customer: bool | None = None
    custom: dict[str, Any] | None = None

    def given_api(self) -> dict[str, Any]:
        return self.model_dump(exclude_unset=True, by_alias=True)


class PaymentIn(ApiModel):
    type: PaymentType
    amount: Amount | None = None
    date: ApiDate | None = None
    description: str | None = None
    custom: dict[str, Any] | None = None


class DocumentFields(ApiModel):
    number: str | None = None
    date: ApiDateTime | None = None
    date_due: ApiDateTime | None = None
    date_service: ApiDateTime | None = None
    date_service_to: ApiDateTime | None = None
    date_valid_till: ApiDateTime | None = None
    date_paid: ApiDateTime | None = None
    reference: str | None = None
    draft: bool | None = None
    currency_id: str | None = None
    client_id: str | None = None
    unit_id: str | None = None
    document_client: PartyIn | None = Field(default=None, alias="_documentClient")
    document_issuer: PartyIn | None = Field(default=None, alias="_documentIssuer")
    # Issue 15 item 6: at most 5,000 lines, refused (422) before anything else is done
    document_items: list[DocumentItemIn] | None = Field(
        default=None, alias="_documentItems", max_length=5000
    )
    note: str | None = None
    signature: str | None = None
    footer: str | None = None
    document_ids: list[str] | None = None
    decimal_places: int | None = Field(default=None, ge=0, le=4)
    validate_eslog: bool | None = None
    load: bool | None = None
    document_conversion_rate: ConversionRateIn | None = Field(
        default=None, alias="_documentConversionRate"
    )
    custom: dict[str, Any] | None = None
    # FISCAL §S8.2: the place (`businessPremiseId`, `electronicDeviceId`), or `{"skip": true}`
    furs: dict[str, Any] | None = Field(default=None, alias="_furs")


class DocumentCreate(DocumentFields):
    type: DocumentType = "invoice"
    # COMPAT §6.11: "" is no key at all, so it is refused rather than taken once (issue 15)
    unique_id: str | None = Field(default=None, min_length=1)
    payments: list[PaymentIn] = Field(default_factory=list)


class DocumentUpdate(DocumentFields):
    type: DocumentType | None = None


class SendRequest(ApiModel):
    """Reference "Send a Document in Email": all three required; subject and message may hold
    smart codes."""

    recipients: str
    subject: str
    message: str
