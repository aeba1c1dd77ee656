"""The organization's dashboard (WEB §W3.2): this month's figures and the last 12 months of
invoicing as a chart drawn on the server, in the organization's timezone and currency (only
documents in that currency are summed: amounts of different currencies do not add up)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi import Request, Response
from sqlalchemy.orm import Session

from spaceport.documents import defaults as document_defaults
from spaceport.kit.routing import Router
from spaceport.kit.transaction import Db
from spaceport.organizations.models import Organization
from spaceport.web import formats
from spaceport.web.guard import PlaceDep
from spaceport.web.pages import PageRoute, render
from spaceport.web.repository import DashboardRepository

router = Router(route_class=PageRoute, include_in_schema=False)
MONTHS = 12
CHART_HEIGHT, BAR_WIDTH, BAR_GAP = 200, 40, 10
CHART_WIDTH = BAR_GAP + MONTHS * (BAR_WIDTH + BAR_GAP)


@dataclass(frozen=True)
class Bar:
    month: date
    amount: Decimal
    label: str  # "March 2025: €2,420.00"
    short: str  # "Mar", under the bar
    x: int
    y: int
    height: int


@dataclass(frozen=True)
class Dashboard:
    currency: str
    locale: str
    issued: Decimal
    paid: Decimal
    unpaid: Decimal
    overdue: Decimal
    bars: list[Bar]

    @property
    def description(self) -> str:
        """WEB §W3.2: the chart's `<desc>`, oldest month first."""
        return "; ".join(bar.label for bar in self.bars)


def timezone_of(organization: Organization) -> ZoneInfo:
    try:
        return ZoneInfo(organization.timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def months_before(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 - count
    return date(index // 12, index % 12 + 1, 1)


def instant(day: date, zone: ZoneInfo) -> datetime:
    """The start of `day` in the organization's timezone, as UTC."""
    return datetime.combine(day, time(), tzinfo=zone).astimezone(UTC)


def dashboard(session: Session, organization: Organization, today: date) -> Dashboard:
    zone = timezone_of(organization)
    currency = document_defaults.read(session, organization.id).currency_id
    repository = DashboardRepository(session)
    this_month, next_month = today.replace(day=1), months_before(today.replace(day=1), -1)
    start, end = instant(this_month, zone), instant(next_month, zone)
    issued, unpaid = repository.issued_between(organization.id, currency, start, end)
    return Dashboard(
        currency=currency,
        locale=organization.locale,
        issued=issued,
        paid=repository.paid_between(organization.id, currency, this_month, next_month),
        unpaid=unpaid,
        overdue=repository.overdue(organization.id, currency, instant(today, zone)),
        bars=bars(session, organization, currency, this_month, zone),
    )


def bars(
    session: Session, organization: Organization, currency: str, this_month: date, zone: ZoneInfo
) -> list[Bar]:
    """A bar per month's Issued, the oldest first and this month last."""
    first = months_before(this_month, MONTHS - 1)
    end = instant(months_before(this_month, -1), zone)
    sums = {months_before(this_month, n): Decimal(0) for n in range(MONTHS)}
    rows = DashboardRepository(session).issued_dated(
        organization.id, currency, instant(first, zone), end
    )
    for dated, total in rows:
        local = dated.astimezone(zone).date().replace(day=1)
        if local in sums:
            sums[local] += total
    highest = max(sums.values()) or Decimal(1)
    drawn = []
    for index, month in enumerate(sorted(sums)):
        amount = sums[month]
        height = int(amount / highest * (CHART_HEIGHT - 20)) if amount > 0 else 0
        label = f"{formats.month(month, organization.locale)}: "
        label += formats.amount(amount, currency, organization.locale)
        x = BAR_GAP + index * (BAR_WIDTH + BAR_GAP)
        short = formats.short_month(month, organization.locale)
        drawn.append(Bar(month, amount, label, short, x, CHART_HEIGHT - height, height))
    return drawn


@router.get("/app/o/{organization_id}")
def show_dashboard(request: Request, session: Db, place: PlaceDep) -> Response:
    organization = place.organization
    today = datetime.now(timezone_of(organization)).date()
    figures = dashboard(session, organization, today)
    return render(request, "dashboard.html", figures=figures, width=CHART_WIDTH, h=CHART_HEIGHT)
