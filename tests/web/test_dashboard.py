"""The dashboard (WEB §W3.2): this month's figures and the chart of the last 12 months."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from playwright.sync_api import Page, expect

from spaceport.web.dashboard import months_before
from tests.conftest import Api
from tests.web.conftest import browser_log_in, h1_of, screenshot, signed_in


def invoice(api: Api, org_id: str, price: str, day: date, **extra: Any) -> dict[str, Any]:
    data = {
        "date": day.isoformat(),
        "_documentClient": {"name": "Rocket Man"},
        "_documentItems": [{"name": "Fuel", "quantity": 1, "price": price}],
        **extra,
    }
    response = api.post(f"/v1/organizations/{org_id}/documents", json=data)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def figure(page: str, label: str) -> str:
    found = re.search(rf"<dt>{label}</dt><dd>(.*?)</dd>", page)
    assert found, page
    return found.group(1)


def test_this_months_figures(app: Any, client: TestClient) -> None:
    """Issued Σ totalWithTax of this month's invoices (not draft, not canceled); Paid Σ the
    payments dated this month; Unpaid Σ their totalDue; Overdue Σ totalDue due before today."""
    api = Api(client)
    org = api.create_organization(name="Figures Ltd")
    org_id = org["id"]
    api.patch(f"/v1/organizations/{org_id}", data={"locale": "en"})  # WEB §W1.4: its locale
    today = datetime.now(UTC).date()
    this = invoice(api, org_id, "1000", today)
    invoice(api, org_id, "50", today, draft=True)
    canceled = invoice(api, org_id, "70", today)
    assert api.post(f"/v1/documents/{canceled['id']}/cancel").status_code == 200
    old_day = months_before(today.replace(day=1), 3)
    invoice(api, org_id, "300", old_day, dateDue=(old_day + timedelta(days=10)).isoformat())
    paid = api.post(
        f"/v1/documents/{this['id']}/payments",
        data={"type": "bank", "date": today.isoformat(), "amount": "400"},
    )
    assert paid.status_code == 200, paid.text
    page = signed_in(app, api).get(f"/app/o/{org_id}").text
    assert h1_of(page) == "Dashboard"
    assert figure(page, "Issued") == "€1,000.00"
    assert figure(page, "Paid") == "€400.00"
    assert figure(page, "Unpaid") == "€600.00"
    assert figure(page, "Overdue") == "€300.00"


def test_the_chart_has_its_title_and_a_description_per_month(app: Any, client: TestClient) -> None:
    api = Api(client)
    org = api.create_organization(name="Chart Ltd")
    api.patch(f"/v1/organizations/{org['id']}", data={"locale": "sl"})
    today = datetime.now(UTC).date()
    first = today.replace(day=1)
    invoice(api, org["id"], "1000", today)
    invoice(api, org["id"], "2420", months_before(first, 11))
    invoice(api, org["id"], "99", months_before(first, 12))  # 13 months ago: not drawn
    page = signed_in(app, api).get(f"/app/o/{org['id']}").text
    assert '<svg role="img"' in page
    assert '<title id="chart-title">Invoiced in the last 12 months</title>' in page
    desc = re.search(r'<desc id="chart-desc">(.*?)</desc>', page)
    assert desc
    months = desc.group(1).split("; ")
    assert len(months) == 12
    assert months[0].endswith(": 2.420,00\xa0€") and months[-1].endswith(": 1.000,00\xa0€")
    assert all(m.endswith(": 0,00\xa0€") for m in months[1:-1])
    assert page.count('<rect class="bar"') == 12


def test_the_dashboard_in_a_browser(browser_page: Page, client: TestClient) -> None:
    api = Api(client)
    org = api.create_organization(name="Browser Rockets")
    today = datetime.now(UTC).date()
    for n, price in enumerate(("1200", "800", "1500", "400", "950", "2100")):
        invoice(api, org["id"], price, months_before(today.replace(day=1), n))
    page = browser_page
    browser_log_in(page, api)
    page.get_by_role("link", name="Browser Rockets").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    expect(page.get_by_role("navigation", name="Navigation").get_by_role("link")).to_have_text(
        [
            "Organizations",
            "Dashboard",
            "Documents",
            "Clients",
            "Items",
            "Flows",
            "Webhooks",
            "Settings",
        ]
    )
    month = page.get_by_role("region", name="This month")
    expect(month).to_contain_text("Issued")
    chart = page.get_by_role("img", name="Invoiced in the last 12 months")
    expect(chart).to_be_visible()
    screenshot(page, "dashboard")
