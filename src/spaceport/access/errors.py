"""The rules of access to organizations, each a named error (COMPAT §2.1 renders them)."""

from __future__ import annotations

from spaceport.kit.errors import Forbidden, InvalidProperty


class AlreadyHasAccess(InvalidProperty):
    prop = "email"

    def __init__(self) -> None:
        super().__init__("This account already has access to the organization")


class LastAdmin(InvalidProperty):
    """An organization never loses its last admin: nobody could manage it any more."""

    prop = "role"

    def __init__(self) -> None:
        super().__init__("The organization must keep at least one active admin")


class OrganizationDeactivated(Forbidden):
    def __init__(self) -> None:
        super().__init__("The organization is deactivated; activate it first")


class AdminOnly(Forbidden):
    def __init__(self) -> None:
        super().__init__("Only an admin of the organization may do this")


class ReadonlyAccess(Forbidden):
    def __init__(self) -> None:
        super().__init__("A readonly access may not change anything")
