"""GET /organizations/:id/stats through HTTP: counts, totals and amounts due by type and
currency."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tests.conftest import Api
from tests.documents.test_endpoints import GETTING_STARTED, create


def test_stats(api: Api, organization: dict[str, Any]) -> None:
    org_id = organization["id"]
    create(api, org_id, data=GETTING_STARTED)
    create(api, org_id, data=GETTING_STARTED)
    today = datetime.now(UTC).date()
    stats = api.get(
        f"/v1/organizations/{org_id}/stats",
        params={
            "dateFrom": (today - timedelta(days=2)).isoformat(),
            "dateTo": (today + timedelta(days=2)).isoformat(),
        },
    ).json()
    assert stats == [
        {
            "type": "invoice",
            "currencyId": "EUR",
            "count": 2,
            "total": 4000,
            "totalWithTax": 4840,
            "totalPaid": 0,
            "totalDue": 4840,
        }
    ]
