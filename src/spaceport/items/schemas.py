"""Item requests (reference "Items"; COMPAT §7.3)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator, Field

from spaceport.kit.schemas import Amount, ApiModel, Custom
from spaceport.taxes.schemas import Rate

Price = Amount  # within kit.bounds
# Longer names and SKUs would not fit an index entry.
Name = Annotated[str, Field(min_length=1, max_length=500)]
Sku = Annotated[str, Field(max_length=255)]


def _as_list(value: Any) -> Any:
    """`taxIds=<id>` (one form value) is a list of one id; `taxIds=` and `taxIds[]=` (what a
    form sends for no ids) are an empty list."""
    if isinstance(value, str):
        return [value] if value else []
    return [v for v in value if v != ""] if isinstance(value, list) else value


TaxIds = Annotated[list[str], BeforeValidator(_as_list)]


class ItemTaxRef(ApiModel):
    """One `_itemTaxes` entry: a tax by id, else by rate, else by classification (COMPAT §6.7)."""

    tax_id: str | None = None
    rate: Rate | None = None
    classification: str | None = None


class ItemCreate(ApiModel):
    name: Name
    description: str | None = None
    unit: str | None = None
    price: Price | None = None
    price_gross: Price | None = None
    tax_ids: TaxIds = Field(default_factory=list)
    item_taxes: list[ItemTaxRef] | None = Field(default=None, alias="_itemTaxes")
    sku: Sku | None = Field(default=None, alias="SKU")
    custom: Custom


class ItemUpdate(ApiModel):
    """Every property optional: PUT and PATCH are partial updates (COMPAT §1.10)."""

    name: Name | None = None
    description: str | None = None
    unit: str | None = None
    price: Price | None = None
    price_gross: Price | None = None
    tax_ids: TaxIds | None = None
    item_taxes: list[ItemTaxRef] | None = Field(default=None, alias="_itemTaxes")
    sku: Sku | None = Field(default=None, alias="SKU")
    custom: dict[str, Any] | None = None
