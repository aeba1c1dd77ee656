"""The rules of accounts, each a named error (COMPAT §2.1 renders them)."""

from __future__ import annotations

from spaceport.kit.errors import Forbidden, InvalidProperty


class EmailTaken(InvalidProperty):
    prop = "email"

    def __init__(self) -> None:
        super().__init__("Email already exists")


class RootOnly(Forbidden):
    """Only a root account impersonates the accounts under it."""

    def __init__(self) -> None:
        super().__init__("Only a root account may impersonate")
