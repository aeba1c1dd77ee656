"""Every query of webhooks: the subscriptions an event goes to, the event a delivery sends,
and the attempts recorded (COMPAT §8.2)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Row, func, select

from spaceport.events.models import Event
from spaceport.kit.repository import Repository
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
        (id, organization_id, url, secret, enabled), read as columns, not as webhooks, for a
        batch of deliveries (issue 13 item 4: the ORM's loading cost more than the query)."""
        w = Webhook
        stmt = select(w.id, w.organization_id, w.url, w.secret, w.enabled)
        found = self.session.execute(stmt.where(*self.live_conditions(), w.id.in_(ids)))
        return {row.id: row for row in found}

    def events(self, uids: Iterable[str]) -> dict[str, Row[str, str, str, Any]]:
        """These events' (uid, event, organization_id, data), by uid, read as columns."""
        stmt = select(Event.uid, Event.event, Event.organization_id, Event.data)
        return {row.uid: row for row in self.session.execute(stmt.where(Event.uid.in_(uids)))}

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
