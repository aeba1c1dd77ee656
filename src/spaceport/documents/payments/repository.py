"""The queries of payments (DESIGN: every query of the domain in its repository)."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from spaceport.documents.models import Document
from spaceport.documents.payments.models import Payment


def total_paid(session: Session, document_id: str) -> Decimal:
    """COMPAT §6.9: the sum of the document's payments that are not deleted."""
    paid = session.scalar(
        select(func.sum(Payment.amount)).where(
            Payment.document_id == document_id, Payment.is_deleted.is_(False)
        )
    )
    return Decimal(paid or 0)


def document(session: Session, document_id: str) -> Document | None:
    """The document a payment belongs to (or names), in whatever state."""
    return session.get(Document, document_id)
