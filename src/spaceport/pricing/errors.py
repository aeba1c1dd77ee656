"""The rules of price lists, each a named error (COMPAT §2.1 renders them)."""

from __future__ import annotations

from spaceport.kit.errors import InvalidProperty


class PriceListHasItem(InvalidProperty):
    """One live price per item in a list, so a list answers one price for an item."""

    prop = "itemId"

    def __init__(self) -> None:
        super().__init__("The price list already has a price for this item")
