"""The rules of documents and their payments, each a named error (COMPAT §2.1 renders them)."""

from __future__ import annotations

from spaceport.kit.errors import Conflict, Forbidden, InvalidProperty


class OnlyInvoicesDraft(InvalidProperty):
    prop = "draft"

    def __init__(self) -> None:
        super().__init__("Only invoices can be drafts")


class UniqueIdTaken(Conflict):
    """COMPAT §6.11: a uniqueId is used once per organization."""

    def __init__(self, unique_id: str) -> None:
        super().__init__(f"A document with uniqueId {unique_id!r} already exists")


class LinesRequired(InvalidProperty):
    prop = "_documentItems"

    def __init__(self) -> None:
        super().__init__("is required")


class TypeUnchangeable(InvalidProperty):
    prop = "type"

    def __init__(self) -> None:
        super().__init__("The type of a document can't be changed")


class FinalizedStaysFinal(InvalidProperty):
    prop = "draft"

    def __init__(self) -> None:
        super().__init__("A finalized document can't become a draft again")


class NumberTaken(InvalidProperty):
    """COMPAT §6.2: a number is unique per type (and unit) in the organization."""

    prop = "number"

    def __init__(self, number: str, document_type: str) -> None:
        super().__init__(f"{number!r} is already used by another {document_type}")


class IssuedInvoiceNotDeletable(Forbidden):
    """COMPAT §6.13: an issued invoice is canceled, never deleted."""

    def __init__(self) -> None:
        super().__init__("An issued invoice can't be deleted; cancel it instead")


class NameRequired(InvalidProperty):
    prop = "_documentItems.name"

    def __init__(self) -> None:
        super().__init__("is required unless the line loads a saved item")


class ClientNameRequired(InvalidProperty):
    prop = "_documentClient.name"

    def __init__(self) -> None:
        super().__init__("is required when there is no clientId")


class TaxRateRequired(InvalidProperty):
    """COMPAT §6.7: a tax that matches none of the organization's needs its rate."""

    prop = "_documentItemTaxes.rate"

    def __init__(self) -> None:
        super().__init__("is required when no tax of the organization matches")


class AmountTooPrecise(InvalidProperty):
    """COMPAT §6.9: a payment's amount has at most 4 decimals."""

    prop = "amount"

    def __init__(self) -> None:
        super().__init__("has more than 4 decimals")
