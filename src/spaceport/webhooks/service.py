"""Webhooks (reference "Webhooks"; COMPAT §8.2): subscriptions, and the fan-out of every
committed outbox event to the matching subscriptions as one delivery job each."""

from __future__ import annotations

from typing import Any, Final

from sqlalchemy.orm import Session

from spaceport.config import Settings
from spaceport.events.models import Event
from spaceport.jobs import service as jobs
from spaceport.kit.errors import NotFound, invalid
from spaceport.kit.repository import once_per_transaction
from spaceport.resources import Resource, Values
from spaceport.webhooks import sealed, targets
from spaceport.webhooks.errors import WebhookDisabled
from spaceport.webhooks.models import Webhook, WebhookDelivery
from spaceport.webhooks.repository import WebhookRepository
from spaceport.webhooks.schemas import WebhookCreate, WebhookUpdate

DELIVER: Final = "webhook.deliver"
ACTIONS: Final = frozenset({"create", "update", "delete"})
# events other than changes: a flow run that failed (FLOWS §F7.4)
OTHER_EVENTS: Final = {"flowrun/failed": "flowRun/failed"}
OTHER_ACTIONS: Final = frozenset({"failed"})


# -- subscriptions ------------------------------------------------------------------------
def subscription(entry: str) -> str:
    """`client/create`, a bare action (`create`) or `*` (COMPAT §8.2), spelled canonically."""
    text = entry.strip()
    if text == "*" or text.lower() in ACTIONS | OTHER_ACTIONS:
        return text.lower()
    if text.lower() in OTHER_EVENTS:
        return OTHER_EVENTS[text.lower()]
    model, _, action = text.partition("/")
    names = model_names()
    if model.lower() not in names or action.lower() not in ACTIONS:
        raise invalid("events", f"{entry!r} is not MODEL_NAME/EVENT_NAME, an event name or *")
    return f"{names[model.lower()]}/{action.lower()}"


def model_names() -> dict[str, str]:
    """The models whose changes record events (COMPAT §8.1), by their lowercase spelling."""
    from spaceport import domains  # the list of resources imports this module

    return {name.lower(): name for name in domains.event_models()}


def subscriptions(entries: list[str]) -> list[str]:
    events = list(dict.fromkeys(subscription(entry) for entry in entries))
    if "*" in events and len(events) > 1:
        raise invalid("events", "* subscribes to every event and must be used alone")
    return events


def matches(events: list[str], event: str) -> bool:
    """`client/create` exactly, `create` for every model's create, `*` for everything."""
    action = event.partition("/")[2]
    return any(
        entry == "*" or entry == action or entry.lower() == event.lower() for entry in events
    )


def prepare(_session: Session, _organization_id: str, values: Values, _webhook: Any) -> Values:
    if "url" in values:
        try:
            targets.host_of(values["url"])
        except targets.TargetRefused as exc:
            raise invalid("url", str(exc)) from exc
    if "events" in values:
        values["events"] = subscriptions(values["events"])
    return values


webhooks = Resource(
    Webhook,
    "webhook",
    "webhooks",
    WebhookCreate,
    WebhookUpdate,
    prepare=prepare,
    repository=WebhookRepository,
)


def check_target(settings: Settings, url: str | None) -> None:
    """Refuse loopback and private targets (server-side request forgery), COMPAT §8.2."""
    if url is None:
        return
    try:
        targets.check_url(url, allow_private=settings.webhook_allow_private)
    except targets.TargetRefused as exc:
        raise invalid("url", str(exc)) from exc


def create(
    session: Session, settings: Settings, organization_id: str, values: Values
) -> tuple[Webhook, str]:
    """The new webhook and its secret in the clear, to be answered this once."""
    check_target(settings, values.get("url"))
    secret = sealed.new_secret()
    values = {**values, "secret": sealed.seal(secret, settings.secret_key)}
    return webhooks.create(session, organization_id, values), secret


def update(session: Session, settings: Settings, webhook: Webhook, values: Values) -> Webhook:
    check_target(settings, values.get("url"))
    return webhooks.update(session, webhook, values)


# -- fan-out ------------------------------------------------------------------------------
def enqueue_delivery(session: Session, webhook: Webhook, event_uid: str) -> None:
    # One queue per webhook: its deliveries go out one at a time, in the order of events.
    jobs.enqueue(
        session,
        DELIVER,
        {"webhookId": webhook.id, "eventUid": event_uid},
        organization_id=webhook.organization_id,
        queue=f"webhook:{webhook.id}",
    )


ENABLED = "webhooks.enabled"  # session.info: an organization's enabled webhooks, read once


def subscribers(session: Session, event: Event) -> list[Webhook]:
    """Enabled webhooks of the event's organization that existed when it happened (the
    organization's webhooks read once per fan-out transaction)."""
    organization_id = event.organization_id
    if organization_id is None:
        return []
    read = WebhookRepository(session).enabled_in
    rows = once_per_transaction(
        session, "webhooks.enabled", organization_id, lambda: read(organization_id)
    )
    return [
        webhook
        for webhook in rows
        if webhook.created_at <= event.created_at and matches(webhook.events, event.event)
    ]


def fan_out(session: Session, event: Event) -> None:
    """Called by the worker once per committed outbox event, in its transaction."""
    for webhook in subscribers(session, event):
        enqueue_delivery(session, webhook, event.uid)


# -- deliveries ---------------------------------------------------------------------------
def event_of(session: Session, webhook: Webhook, uid: str) -> Event:
    event = WebhookRepository(session).event(uid)
    if event is None or event.organization_id != webhook.organization_id:
        raise NotFound(f"Unknown event uid {uid!r}")
    return event


def redeliver(session: Session, webhook: Webhook, uid: str) -> None:
    event_of(session, webhook, uid)
    if not webhook.enabled:
        raise WebhookDisabled()
    enqueue_delivery(session, webhook, uid)


def delivery_answer(delivery: WebhookDelivery) -> Values:
    return {
        "id": delivery.id,
        "time": delivery.created_at,
        "uid": delivery.event_uid,
        "attempt": delivery.attempt,
        "statusCode": delivery.status_code,
        "durationMs": delivery.duration_ms,
        "error": delivery.error,
    }


def deliveries_of(session: Session, webhook: Webhook, limit: int = 1000) -> list[Values]:
    """Attempts, newest first."""
    rows = WebhookRepository(session).deliveries_of(webhook, limit)
    return [delivery_answer(row) for row in rows]
