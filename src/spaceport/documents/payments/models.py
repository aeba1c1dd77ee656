"""Payments of a document, in the document's currency (reference "Payments")."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from spaceport.kit.db import Model, SoftDeleted


class Payment(Model, SoftDeleted):
    __tablename__ = "payments"
    __table_args__ = (
        Index("ix_payments_document", "document_id"),
        Index("ix_payments_organization_date", "organization_id", "date"),
    )

    organization_id: Mapped[str] = mapped_column(String(24), ForeignKey("organizations.id"))
    document_id: Mapped[str] = mapped_column(String(24), ForeignKey("documents.id"))
    type: Mapped[str] = mapped_column(String(16))
    date: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal]
    description: Mapped[str | None]
