"""The rules of taxes, each a named error (COMPAT §2.1 renders them)."""

from __future__ import annotations

from spaceport.kit.errors import InvalidProperty, NotFound


class TaxInUse(InvalidProperty):
    """Reference "Delete a Tax": only a tax that no document uses can be deleted."""

    prop = "id"

    def __init__(self) -> None:
        super().__init__("The tax is used on documents and can't be deleted")


class UnknownTaxRate(NotFound):
    def __init__(self, rate_id: str) -> None:
        super().__init__(f"Unknown tax rate id {rate_id!r}")
