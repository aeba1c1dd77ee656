"""What shops send for orders (COMPAT §7.6)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import Field

from spaceport.kit import bounds
from spaceport.kit.schemas import ApiDateTime, ApiModel, Custom

# A shop's amounts carry at most the four decimals a Money column stores: more is a 422 here,
# where documents cut them (COMPAT §6.8 step 1); the range is kit.bounds'.
Amount = Annotated[
    Decimal,
    Field(
        allow_inf_nan=False,
        gt=-bounds.AMOUNT_LIMIT,
        lt=bounds.AMOUNT_LIMIT,
        decimal_places=bounds.AMOUNT_DECIMALS,
    ),
]

Rate = Annotated[Decimal, Field(allow_inf_nan=False, ge=0, lt=1000)]
ConversionType = Literal["invoice", "estimate"]


class OrderAddress(ApiModel):
    """`_billingAddress` / `_shippingAddress`, with the spellings shop plugins send."""

    name: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    company: str | None = None
    address: str | None = None
    address2: str | None = None
    city: str | None = None
    zip: str | None = None
    postcode: str | None = None
    state: str | None = None
    country: str | None = None
    email: str | None = None
    phone: str | None = None
    tax_number: str | None = None


class OrderItem(ApiModel):
    name: str = Field(min_length=1)
    sku: str | None = Field(default=None, alias="SKU")
    quantity: Amount = Decimal(1)
    price: Amount | None = None
    price_gross: Amount | None = None
    discount: Amount | None = None
    tax_rate: Rate | None = None


class OrderFields(ApiModel):
    status: str | None = None
    date: ApiDateTime | None = None
    order_id: str | None = None
    number: str | None = None
    currency_id: str | None = Field(default=None, pattern=r"^[A-Za-z]{3}$")
    locale: str | None = None
    payment_type: str | None = None
    paid_at: ApiDateTime | None = None
    fulfilled_at: ApiDateTime | None = None
    cancelled_at: ApiDateTime | None = None
    expected_total_with_tax: Amount | None = None
    billing_address: OrderAddress | None = Field(default=None, alias="_billingAddress")
    shipping_address: OrderAddress | None = Field(default=None, alias="_shippingAddress")


class OrderCreate(OrderFields):
    paid: bool = False
    fulfilled: bool = False
    cancelled: bool = False
    items: list[OrderItem] = Field(default_factory=list, alias="_items")
    custom: Custom


class OrderUpdate(OrderFields):
    paid: bool | None = None
    fulfilled: bool | None = None
    cancelled: bool | None = None
    items: list[OrderItem] | None = Field(default=None, alias="_items")
    custom: dict[str, Any] | None = None


class OrderConversion(ApiModel):
    """`POST /v1/orders/:id/documents/create {type}` (COMPAT §7.6); `_furs` names the place of
    a fiscalized invoice as a document's create does (FISCAL §S8.2), or skips it."""

    type: ConversionType = "invoice"
    furs: dict[str, Any] | None = Field(default=None, alias="_furs")
