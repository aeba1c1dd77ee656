"""Flows (FLOWS §F3): the resource, with every save checked whole (FLOWS §F3.3), the hook's
secret (FLOWS §F4.3) and the enabling time runs start from (FLOWS §F3.4)."""

from __future__ import annotations

from typing import Final

from sqlalchemy.orm import Session

from spaceport.config import Settings
from spaceport.connections.repository import ConnectionRepository
from spaceport.flows import schedules, triggers, validation
from spaceport.flows.models import Flow
from spaceport.flows.repository import FlowRepository
from spaceport.flows.schemas import FlowCreate, FlowUpdate
from spaceport.kit import sealing
from spaceport.kit.db import utcnow
from spaceport.kit.serialize import to_api
from spaceport.resources import Resource, Values
from spaceport.webhooks.sealed import new_secret

HOOK_PATH: Final = "/v1/hooks/flows"
DROPPED_WHEN_NULL: Final = frozenset({"name", "enabled", "trigger", "steps", "custom"})


def connection_type(session: Session, organization_id: str) -> validation.ConnectionType:
    """FLOWS §F3.3: the type of the organization's live connection of an id, or None."""
    repository = ConnectionRepository(session)

    def type_of(connection_id: str) -> str | None:
        found = repository.get_in(organization_id, connection_id)
        return found.type if found is not None else None

    return type_of


def given(values: Values) -> Values:
    return {k: v for k, v in values.items() if v is not None or k not in DROPPED_WHEN_NULL}


def check(
    session: Session, settings: Settings, organization_id: str, values: Values, flow: Flow | None
) -> None:
    """FLOWS §F3.3: the flow as it would be saved, checked whole before anything is written."""
    whole = {
        "trigger": values.get("trigger", flow.trigger if flow else None),
        "steps": values.get("steps", flow.steps if flow else None),
    }
    types = connection_type(session, organization_id)
    dialect = session.get_bind().dialect.name
    allow_private = settings.webhook_allow_private
    validation.check_flow(whole, types, allow_private=allow_private, dialect=dialect)


def prepare(session: Session, _organization_id: str, values: Values, flow: Flow | None) -> Values:
    """What a checked save stores besides the values given (`check` has run)."""
    values = given(values)
    now = utcnow()
    if "trigger" in values:
        values["trigger"] = triggers.stored(values["trigger"])
        values["trigger_type"] = values["trigger"]["type"]
    enabled = values.get("enabled", flow.enabled if flow else True)
    if enabled and (flow is None or not flow.enabled):
        values["enabled_at"] = now  # FLOWS §F3.4: runs start for what happens after
    if values.get("trigger_type", flow.trigger_type if flow else None) == "schedule":
        values.update(schedules.prepared(values, flow, now))
        schedules.ensure_tick(session)
    return values


def serialize(flow: Flow) -> Values:
    """As events carry it (FLOWS §F3.1: without `hookUrl`)."""
    return to_api(flow)


flows = Resource(
    Flow,
    "flow",
    "flows",
    FlowCreate,
    FlowUpdate,
    prepare=prepare,
    serialize=serialize,
    repository=FlowRepository,
)


def sealed_secret(settings: Settings) -> str:
    return sealing.seal(new_secret(), settings.secret_key)


def create(
    session: Session, settings: Settings, organization_id: str, account_id: str, values: Values
) -> Flow:
    check(session, settings, organization_id, given(values), None)
    values = {**values, "created_by": account_id, "hook_secret": sealed_secret(settings)}
    return flows.create(session, organization_id, values)


def update(session: Session, settings: Settings, flow: Flow, values: Values) -> Flow:
    check(session, settings, flow.organization_id, given(values), flow)
    return flows.update(session, flow, values)


def rotate_hook(session: Session, settings: Settings, flow: Flow) -> Flow:
    """FLOWS §F4.3: a new secret; the old URL answers 404 from now on."""
    return flows.update(session, flow, {"hook_secret": sealed_secret(settings)})


def hook_url(flow: Flow, settings: Settings) -> str | None:
    if flow.trigger_type != "webhook" or flow.hook_secret is None:
        return None
    secret = sealing.unseal(flow.hook_secret, settings.secret_key)
    return f"{settings.public_url.rstrip('/')}{HOOK_PATH}/{flow.id}/{secret}"


def answer(flow: Flow, settings: Settings, *, writer: bool) -> Values:
    """FLOWS §F3.2: `hookUrl` shown to roles that may write."""
    return {**serialize(flow), "hookUrl": hook_url(flow, settings) if writer else None}


def answer_many(flows_: list[Flow], settings: Settings, *, writer: bool) -> list[Values]:
    return [answer(flow, settings, writer=writer) for flow in flows_]
