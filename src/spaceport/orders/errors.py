"""The rules of orders, each a named error (COMPAT §2.1 renders them)."""

from __future__ import annotations

from spaceport.kit.errors import InvalidProperty


class OrderAlreadyConverted(InvalidProperty):
    """An order is turned into one document of a kind, once."""

    prop = "type"

    def __init__(self, kind: str) -> None:
        super().__init__(f"the order has already been turned into an {kind}")
