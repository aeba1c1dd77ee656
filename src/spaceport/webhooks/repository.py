"""Every query of webhooks: the subscriptions an event goes to, the event a delivery sends,
and the attempts recorded (COMPAT §8.2)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, Final

from sqlalchemy import Row, bindparam, func, select

from spaceport.events.models import Event
from spaceport.kit.repository import Repository, live_conditions
from spaceport.webhooks.models import Webhook, WebhookDelivery


class WebhookRepository(Repository[Webhook]):
    model = Webhook

    def enabled_in(self, organization_id: str) -> list[Webhook]:
        """The organization's live, enabled webhooks, oldest first."""
        stmt = self.live_in(organization_id).where(Webhook.enabled.is_(True))
        return self.all(stmt.order_by(Webhook.created_at, Webhook.id))

    def event(self, uid: str) -> Event | None:
        return self.first(select(Event).where(Event.uid == uid))

    def targets(self, ids: Iterable[str]) -> dict[str, Row[str, str, str, str, bool]]:
        """Where the live ones of these webhooks deliver, whatever their organization, by id:
        (id, organization_id, url, secret, enabled), for a batch of deliveries."""
        found = self.session.execute(TARGETS, {"ids": list(ids)})
        return {row.id: row for row in found}

    def events(self, uids: Iterable[str]) -> dict[str, Row[str, str, str, Any]]:
        """These events' (uid, event, organization_id, data), by uid."""
        return {row.uid: row for row in self.session.execute(EVENTS, {"uids": list(uids)})}

    def deliveries_of(self, webhook: Webhook, limit: int) -> list[WebhookDelivery]:
        """The webhook's attempts, newest first."""
        stmt = (
            select(WebhookDelivery)
            .where(WebhookDelivery.webhook_id == webhook.id)
            .order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.id.desc())
        )
        return self.all(stmt.limit(limit))

    def earlier_attempts(self, job_ids: list[str]) -> dict[str, tuple[int, datetime | None]]:
        """How many attempts each of these delivery jobs recorded, and when its first one
        started (those with none left out)."""
        if not job_ids:
            return {}
        of = WebhookDelivery.job_id
        stmt = select(of, func.count(), func.min(WebhookDelivery.created_at))
        rows = self.session.execute(stmt.where(of.in_(job_ids)).group_by(of)).all()
        return {str(job_id): (int(count), first) for job_id, count, first in rows}


# A worker's claim reads these for every batch of deliveries (issue 13 item 4): as columns, not
# ORM objects, whose loading cost more than the query, and built once, as building a statement
# and its cache key cost as much as running it.
TARGETS: Final = select(
    Webhook.id, Webhook.organization_id, Webhook.url, Webhook.secret, Webhook.enabled
).where(*live_conditions(Webhook), Webhook.id.in_(bindparam("ids", expanding=True)))
EVENTS: Final = select(Event.uid, Event.event, Event.organization_id, Event.data).where(
    Event.uid.in_(bindparam("uids", expanding=True))
)
