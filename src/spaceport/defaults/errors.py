"""The rules of Defaults, each a named error (COMPAT §7.2)."""

from __future__ import annotations

from spaceport.kit.errors import InvalidProperty


class DefaultNameTaken(InvalidProperty):
    """COMPAT §7.2: `name` is unique per organization."""

    prop = "name"

    def __init__(self, name: str) -> None:
        super().__init__(f"A Default named {name!r} already exists")


class DefaultNameFixed(InvalidProperty):
    """COMPAT §7.2: `name` can't be updated."""

    prop = "name"

    def __init__(self) -> None:
        super().__init__("The name of a Default can't be updated")
