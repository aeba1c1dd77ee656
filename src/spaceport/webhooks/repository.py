"""Every query of webhooks: the subscriptions an event goes to, the event a delivery sends,
and the attempts recorded (COMPAT §8.2)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func, select

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

    def live_with_ids(self, ids: Iterable[str]) -> dict[str, Webhook]:
        """The live ones of these webhooks, whatever their organization, by id."""
        found = self.all(self.statement().where(Webhook.id.in_(ids)))
        return {webhook.id: webhook for webhook in found}

    def events(self, uids: Iterable[str]) -> dict[str, Event]:
        return {event.uid: event for event in self.all(select(Event).where(Event.uid.in_(uids)))}

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
