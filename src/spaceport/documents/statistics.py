"""GET /organizations/:id/stats: counts, totals and amounts due by type and currency."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from spaceport.documents.repository import DocumentRepository
from spaceport.organizations.calendar import midnight
from spaceport.organizations.models import Organization


def by_type_and_currency(
    session: Session, organization: Organization, date_from: date | None, date_to: date | None
) -> list[dict[str, Any]]:
    """Issued (non-draft, non-canceled, live) documents dated within [dateFrom, dateTo]."""
    since = midnight(date_from) if date_from else None
    before = midnight(date_to + timedelta(days=1)) if date_to else None
    return [
        {
            "type": row.type,
            "currencyId": row.currency_id,
            "count": row.documents,
            "total": _money(row.total),
            "totalWithTax": _money(row.total_with_tax),
            "totalPaid": _money(row.total_paid),
            "totalDue": _money(row.total_due),
        }
        for row in DocumentRepository(session).totals(organization.id, since, before)
    ]


def _money(value: Decimal | None) -> Decimal:
    return Decimal(0) if value is None else value
