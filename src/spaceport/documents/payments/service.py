"""Payments keep their document's totalPaid, totalDue and paidInFull right (COMPAT §6.9).

Each use case changes payments, then settles the document once, at its end, and records the
document's change in the same transaction (COMPAT §8.1)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from spaceport.documents.answers import record
from spaceport.documents.errors import AmountTooPrecise
from spaceport.documents.models import Document
from spaceport.documents.payments.models import Payment
from spaceport.documents.payments.repository import PaymentRepository
from spaceport.documents.payments.schemas import PaymentCreate, PaymentUpdate
from spaceport.documents.repository import DocumentRepository
from spaceport.events import service as events
from spaceport.kit.errors import UnknownReference
from spaceport.kit.money import cut
from spaceport.kit.serialize import to_api
from spaceport.resources import Resource

EDITABLE = ("type", "amount", "date", "description", "custom")

# Listed, counted and got through the resource's routes (COMPAT §4.1, COMPAT §4.5); created,
# changed and deleted by the use cases below, which settle the document.
payments = Resource(
    Payment, "payment", "payments", PaymentCreate, PaymentUpdate, repository=PaymentRepository
)


def settle(session: Session, document: Document) -> None:
    """totalPaid = Σ payments, totalDue = totalWithTax − totalPaid, paidInFull = totalDue ≤ 0."""
    session.flush()
    paid = PaymentRepository(session).total_paid(document.id) if document.id else Decimal(0)
    document.total_paid = paid
    document.total_due = document.total_with_tax - document.total_paid
    document.paid_in_full = document.total_due <= 0


def add(session: Session, document: Document, values: dict[str, Any], due: Decimal) -> Payment:
    """A payment without amount pays what is `due`; without date, today. The caller settles."""
    amount = values.get("amount")
    payment = Payment(
        organization_id=document.organization_id,
        document_id=document.id,
        type=values["type"],
        amount=due if amount is None else _amount(amount),
        date=values.get("date") or datetime.now(UTC).date(),
        description=values.get("description"),
        custom=values.get("custom") or {},
    )
    session.add(payment)
    session.flush()
    events.record(session, "payment", "create", payment.organization_id, to_api(payment))
    return payment


def _amount(value: Decimal) -> Decimal:
    if value != cut(value, 4):
        raise AmountTooPrecise()
    return value


def document_in(session: Session, organization_id: str, document_id: str) -> Document:
    """The document a payment posted to the organization names: 422 when it is not one of the
    organization's (another organization's is not revealed)."""
    document = DocumentRepository(session).get(document_id, include_deleted=True)
    if document is None or document.organization_id != organization_id:
        raise UnknownReference("documentId", "document", document_id)
    return document


def document_of(session: Session, payment: Payment) -> Document | None:
    """The document the payment belongs to, in whatever state."""
    return DocumentRepository(session).get(payment.document_id, include_deleted=True)


# -- use cases -------------------------------------------------------------------------------


def pay(session: Session, document: Document, values: dict[str, Any]) -> Payment:
    """POST .../payments: a payment without amount pays the document's totalDue."""
    payment = add(session, document, values, document.total_due)
    settle(session, document)
    record(session, document, "update")
    return payment


def update(
    session: Session, payment: Payment, document: Document, values: dict[str, Any]
) -> Payment:
    for name in EDITABLE:
        if name in values and values[name] is not None:
            setattr(payment, name, _amount(values[name]) if name == "amount" else values[name])
    session.flush()
    events.record(session, "payment", "update", payment.organization_id, to_api(payment))
    settle(session, document)
    record(session, document, "update")
    return payment


def delete(session: Session, payment: Payment, document: Document) -> None:
    payment.soft_delete()
    session.flush()
    events.record(session, "payment", "delete", payment.organization_id, to_api(payment))
    settle(session, document)
    record(session, document, "update")
