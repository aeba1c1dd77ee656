"""The rules of items, each a named error (COMPAT §2.1 renders them)."""

from __future__ import annotations

from spaceport.kit.errors import InvalidProperty


class SkuWithSpaces(InvalidProperty):
    """COMPAT §7.3: a SKU has no spaces."""

    prop = "SKU"

    def __init__(self) -> None:
        super().__init__("can't contain spaces")


class SkuTaken(InvalidProperty):
    """COMPAT §7.3: a SKU is unique among the organization's items."""

    prop = "SKU"

    def __init__(self, sku: str) -> None:
        super().__init__(f"an item with SKU {sku!r} already exists")
