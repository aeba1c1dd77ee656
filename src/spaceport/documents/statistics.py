"""GET /organizations/:id/stats: counts, totals and amounts due by type and currency."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from spaceport.documents.models import Document
from spaceport.organizations.calendar import midnight
from spaceport.organizations.models import Organization


def by_type_and_currency(
    session: Session, organization: Organization, date_from: date | None, date_to: date | None
) -> list[dict[str, Any]]:
    """Issued (non-draft, non-canceled, live) documents dated within [dateFrom, dateTo]."""
    stmt = (
        select(
            Document.type,
            Document.currency_id,
            func.count(),
            func.sum(Document.total),
            func.sum(Document.total_with_tax),
            func.sum(Document.total_paid),
            func.sum(Document.total_due),
        )
        .where(
            Document.organization_id == organization.id,
            Document.is_deleted.is_(False),
            Document.draft.is_(False),
            Document.canceled.is_(False),
        )
        .group_by(Document.type, Document.currency_id)
        .order_by(Document.type, Document.currency_id)
    )
    if date_from:
        stmt = stmt.where(Document.date >= midnight(date_from))
    if date_to:
        stmt = stmt.where(Document.date < midnight(date_to + timedelta(days=1)))
    return [
        {
            "type": kind,
            "currencyId": currency,
            "count": count,
            "total": _money(total),
            "totalWithTax": _money(with_tax),
            "totalPaid": _money(paid),
            "totalDue": _money(due),
        }
        for kind, currency, count, total, with_tax, paid, due in session.execute(stmt)
    ]


def _money(value: Decimal | None) -> Decimal:
    return Decimal(0) if value is None else value
