"""The rules of document categories, each a named error (COMPAT §2.1 renders them)."""

from __future__ import annotations

from spaceport.kit.errors import InvalidProperty


class AliasTaken(InvalidProperty):
    prop = "alias"

    def __init__(self, alias: str) -> None:
        super().__init__(f"A category with the alias {alias!r} already exists")
