"""A document's lines and their taxes as typed values (COMPAT §6.6, COMPAT §6.7, COMPAT §6.8).

They are stored in the same JSON columns (`_documentItems`, each with `_documentItemTaxes`) in
the same shape, so the filter language's JSON paths (`_documentItems.name`) still work; only the
keys a line was given (or was computed) are stored, and keys this model does not name are kept
as they were given."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from spaceport.kit.answers import Number

ZERO = Decimal(0)


class Stored(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="allow")

    def stored(self) -> dict[str, Any]:
        """The JSON the column keeps (and the API answers): the keys set, by API name."""
        return self.model_dump(by_alias=True, exclude_unset=True)


class DocumentLineTax(Stored):
    """One `_documentItemTaxes` entry: the tax as it was on the document's date."""

    id: str
    tax_id: str | None = None
    name: str | None = None
    abbreviation: str | None = None
    classification: str | None = None
    rate: Number
    recoverable: bool | None = True
    compound: bool | None = False
    reverse_charged: bool | None = False
    custom: dict[str, Any] | None = None


class DocumentLine(Stored):
    """One `_documentItems` entry; a separator keeps only its name and description."""

    id: str
    item_id: str | None = None
    name: str | None = None
    description: str | None = None
    is_separator: bool | None = False
    sku: str | None = Field(default=None, alias="SKU")
    unit: str | None = None
    quantity: Number = Decimal(1)
    price: Number | None = None
    price_gross: Number | None = None
    discount: Number | None = ZERO
    discount_is_amount: bool | None = False
    custom: dict[str, Any] | None = None
    taxes: list[DocumentLineTax] = Field(default_factory=list, alias="_documentItemTaxes")
    # COMPAT §6.8: filled by the calculation
    total: Number | None = None
    total_discount: Number | None = None
    total_tax: Number | None = None
    total_with_tax: Number | None = None


def lines_of(stored: Iterable[Any]) -> list[DocumentLine]:
    """The lines kept in a document's `_documentItems` column."""
    return [DocumentLine.model_validate(line) for line in stored]


def stored_lines(lines: Iterable[DocumentLine]) -> list[dict[str, Any]]:
    return [line.stored() for line in lines]


def answered_line(line: dict[str, Any]) -> dict[str, Any]:
    """COMPAT §6.6: every line in an answer has `description` (`""` when not given) and, unless
    it is a separator (which keeps only its name and description), `itemId` (null when not
    linked), whenever the line was stored."""
    answered = {**line, "description": line.get("description") or ""}
    if not line.get("isSeparator"):
        answered["itemId"] = line.get("itemId")
    return answered
