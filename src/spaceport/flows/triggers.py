"""Triggers (FLOWS §F4): what a trigger may be (checked at save, FLOWS §F3.3), what
`GET /v1/flowTriggers` describes (FLOWS §F4.6), and the event trigger (FLOWS §F4.1): the
worker hands every committed outbox event to `fan_out`, in the transaction that marks it
dispatched, and the runs it creates commit with that mark (FLOWS §F8.1)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Final

from sqlalchemy.orm import Session

from spaceport.events.models import Event
from spaceport.flows import runs, schedules
from spaceport.flows.models import Flow
from spaceport.flows.repository import FlowRepository
from spaceport.kit.errors import ValidationFailed
from spaceport.kit.filters import memory as where
from spaceport.kit.repository import once_per_transaction
from spaceport.organizations.models import Organization

TYPES: Final = ("event", "schedule", "webhook")
# FLOWS §F4.1: flow, connection and flowRun events trigger no flow
SILENT_MODELS: Final = frozenset({"flow", "flowrun", "connection"})
MAX_DEPTH: Final = 5  # FLOWS §F8.6
EVENT_KEYS: Final = frozenset({"type", "events", "where"})


def event_entries() -> list[str]:
    """The events a flow may name: every model's create, update and delete."""
    from spaceport import domains  # the list of resources imports this module

    models = [m for m in domains.event_models() if m.lower() not in SILENT_MODELS]
    return [f"{model}/{action}" for model in models for action in ("create", "update", "delete")]


def described() -> list[dict[str, Any]]:
    """FLOWS §F4.6."""
    return [
        {"type": "event", "events": event_entries()},
        {"type": "schedule", "collections": list(schedules.COLLECTIONS)},
        {"type": "webhook"},
    ]


# -- checking (FLOWS §F3.3) ----------------------------------------------------------------
def problems(trigger: Mapping[str, Any], dialect: str) -> Iterator[tuple[str, str]]:
    kind = trigger.get("type")
    if kind == "event":
        yield from event_problems(trigger)
    elif kind == "schedule":
        yield from schedules.problems(trigger, dialect)
    elif kind == "webhook":
        for key in trigger:
            if key != "type":
                yield f"trigger.{key}", "a webhook trigger takes no other property"
    else:
        yield "trigger.type", f"must be one of {', '.join(TYPES)}"


def event_problems(trigger: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    from spaceport.webhooks.service import ACTIONS, subscription

    for key in trigger:
        if key not in EVENT_KEYS:
            yield f"trigger.{key}", "is not a property of an event trigger"
    events = trigger.get("events")
    if not isinstance(events, list) or not events:
        yield "trigger.events", "must list at least one event"
        events = []
    for i, entry in enumerate(events):
        path = f"trigger.events[{i}]"
        if not isinstance(entry, str):
            yield path, "must be an event name"
            continue
        try:
            name = subscription(entry)
        except ValidationFailed:
            yield path, f"{entry!r} is not MODEL_NAME/EVENT_NAME, an event name or *"
            continue
        model, _, action = name.rpartition("/")
        if model.lower() in SILENT_MODELS or action not in ACTIONS | {"*"}:
            yield path, f"{entry!r} triggers no flow (flow, connection and flowRun events)"
        elif name == "*" and len(events) > 1:
            yield path, "* names every event and must be used alone"
    if "where" in trigger:
        for message in where.problems(trigger["where"], "trigger.where"):
            yield "trigger.where", message


def stored(trigger: Mapping[str, Any]) -> dict[str, Any]:
    """The trigger as saved, its event entries spelled canonically (`client/create`)."""
    from spaceport.webhooks.service import subscription

    if trigger.get("type") != "event":
        return dict(trigger)
    return {**trigger, "events": [subscription(entry) for entry in trigger["events"]]}


# -- the event trigger (FLOWS §F4.1) -------------------------------------------------------
def event_matches(entries: list[str], event: str) -> bool:
    """COMPAT §8.2's matching: `client/create` exactly, a bare action, `*`."""
    model, _, action = event.partition("/")
    return any(e == "*" or e == action or e.lower() == event.lower() for e in entries)


def event_context(event: Event) -> dict[str, Any]:
    """FLOWS §F5.2: the run's `trigger`."""
    model, _, action = event.event.partition("/")
    return {
        "type": "event",
        "event": event.event,
        "model": model,
        "action": action,
        "organizationId": event.organization_id,
        "uid": event.uid,
        "data": event.data,
        "firedAt": event.created_at,
    }


def starts(flow: Flow, event: Event, depth: int) -> bool:
    cause = event.cause or {}
    if cause.get("flowId") == flow.id or depth > MAX_DEPTH:  # FLOWS §F8.6
        return False
    if flow.enabled_at is None or flow.enabled_at > event.created_at:  # FLOWS §F3.4
        return False
    if not event_matches(flow.trigger.get("events", []), event.event):
        return False
    condition = flow.trigger.get("where")
    return not condition or where.matches(condition, event.data)


def event_flows(session: Session, organization_id: str) -> list[Flow]:
    """The organization's enabled event flows, read once per fan-out transaction (a batch of
    events of one organization reads them once)."""
    read = FlowRepository(session).enabled_of_type
    return once_per_transaction(
        session, "flows.event_flows", organization_id, lambda: read(organization_id, "event")
    )


def fan_out(session: Session, event: Event) -> None:
    """The event callback of `background.TASKS`: one run per matching flow, keyed
    `event:<uid>` (FLOWS §F8.1). The key is new: the worker fans each event out once, its row
    locked, in the transaction that marks it dispatched."""
    if event.organization_id is None or event.event.partition("/")[0].lower() in SILENT_MODELS:
        return
    organization = once_per_transaction(  # held: the next event's read needs no query
        session,
        "flows.organization",
        event.organization_id,
        lambda: session.get(Organization, event.organization_id),
    )
    if organization is None or not organization.active:  # FLOWS §F3.4
        return
    depth = int((event.cause or {}).get("depth", 0)) + 1
    for flow in event_flows(session, event.organization_id):
        if starts(flow, event, depth):
            runs.start(session, flow, event_context(event), key=f"event:{event.uid}", depth=depth)
