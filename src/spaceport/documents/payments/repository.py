"""Every query of payments (DESIGN): what a document's live payments sum to (COMPAT §6.9)."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select

from spaceport.documents.payments.models import Payment
from spaceport.kit.repository import Repository


class PaymentRepository(Repository[Payment]):
    model = Payment

    def total_paid(self, document_id: str) -> Decimal:
        """COMPAT §6.9: the sum of the document's payments that are not deleted."""
        stmt = select(func.sum(Payment.amount)).where(
            Payment.document_id == document_id, *self.live_conditions()
        )
        return Decimal(self.session.scalar(stmt) or 0)
