"""Every query of webhooks: the subscriptions an event goes to, the event a delivery sends,
and the attempts recorded (COMPAT §8.2)."""

from __future__ import annotations

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

    def deliveries_of(self, webhook: Webhook, limit: int) -> list[WebhookDelivery]:
        """The webhook's attempts, newest first."""
        stmt = (
            select(WebhookDelivery)
            .where(WebhookDelivery.webhook_id == webhook.id)
            .order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.id.desc())
        )
        return self.all(stmt.limit(limit))

    def earlier_attempts(self, job_id: str) -> tuple[int, datetime | None]:
        """How many attempts a delivery job recorded, and when the first one started."""
        stmt = select(func.count(), func.min(WebhookDelivery.created_at)).where(
            WebhookDelivery.job_id == job_id
        )
        count, first = self.session.execute(stmt).one()
        return int(count), first
