"""The schedule trigger (FLOWS §F4.2): the `flow.tick` job, due at every minute's start, keeps
itself alive (as `recurrence.tick` does) and fires each enabled schedule flow whose tick has
come: once for all the ticks missed since its last, a run per tick (`tick:<time>`), or with a
`collection` a run per instance the flow has not seen (`poll:<id>`), oldest first, at most 100
a tick. Seen: every instance created up to the (last) enabling or the last change of
`collection` (`poll_since`), and every one a run was started for. Each flow is fired in a
transaction holding its row, and runs collide on their keys (FLOWS §F8.1)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import datetime, timedelta
from typing import Any, Final

from sqlalchemy.orm import Session

from spaceport.config import Settings
from spaceport.flows import cron, runs
from spaceport.flows.models import Flow
from spaceport.flows.repository import FlowRepository
from spaceport.jobs import service as jobs
from spaceport.jobs.models import Job
from spaceport.jobs.repository import JobRepository
from spaceport.kit.db import Database, Model, utcnow
from spaceport.kit.errors import BadRequest
from spaceport.kit.filters import compile_where
from spaceport.kit.filters import memory as where
from spaceport.kit.json import iso_datetime
from spaceport.organizations.models import Organization

TICK: Final = "flow.tick"
POLL_LIMIT: Final = 100
COLLECTIONS: Final = (
    "documents",
    "clients",
    "items",
    "payments",
    "recurrences",
    "taxes",
    "units",
    "categories",
    "prices",
    "orders",
)
KEYS: Final = frozenset({"type", "every", "cron", "timezone", "collection", "where"})


def collection(name: str) -> tuple[type[Model], str, Callable[[Any], dict[str, Any]]]:
    """The model of a polled collection, its event model name, and its answer."""
    from spaceport import domains

    resource = next(r for r in domains.RESOURCES if r.collection == name)
    return resource.model, resource.event, resource.serialize


# -- checking (FLOWS §F3.3) ----------------------------------------------------------------
def problems(trigger: Mapping[str, Any], dialect: str) -> Iterator[tuple[str, str]]:
    for key in trigger:
        if key not in KEYS:
            yield f"trigger.{key}", "is not a property of a schedule trigger"
    every, expression = trigger.get("every"), trigger.get("cron")
    if (every is None) == (expression is None):
        yield "trigger", "a schedule takes `every` or `cron`, one of them"
    if every is not None and (
        isinstance(every, bool) or not isinstance(every, int) or not 1 <= every <= 15
    ):
        yield "trigger.every", "must be a whole number of minutes from 1 to 15"
    if expression is not None:
        try:
            cron.parse(str(expression))
        except cron.CronError as exc:
            yield "trigger.cron", str(exc)
    if "timezone" in trigger:
        try:
            cron.zone(str(trigger["timezone"]))
        except cron.CronError as exc:
            yield "trigger.timezone", str(exc)
    name = trigger.get("collection")
    if name is not None and name not in COLLECTIONS:
        yield "trigger.collection", f"must be one of {', '.join(COLLECTIONS)}"
    elif "where" in trigger and name is None:
        yield "trigger.where", "needs a `collection` to filter"
    elif "where" in trigger and name is not None:
        try:  # FLOWS §F4.2: as that list's filter
            compile_where(trigger["where"], collection(name)[0], dialect)
        except BadRequest as exc:
            yield "trigger.where", exc.message.removeprefix("Invalid filter: ")
        for message in where.problems(trigger["where"], "trigger.where"):
            if "near" in message:
                yield "trigger.where", message


def prepared(values: dict[str, Any], flow: Flow | None, now: datetime) -> dict[str, Any]:
    """What a save of a schedule flow sets: ticks and polls counted from now on an enabling or
    a new `collection` (editing `where` keeps the seen instances)."""
    trigger = values.get("trigger", flow.trigger if flow else {})
    enabling = "enabled_at" in values
    changed = flow is None or trigger.get("collection") != flow.trigger.get("collection")
    found: dict[str, Any] = {}
    if enabling or flow is None or "trigger" in values:
        found["ticked_until"] = now
    if enabling or changed:
        found["poll_since"] = now
    return found


# -- the tick ------------------------------------------------------------------------------
def ensure_tick(session: Session) -> None:
    """A `flow.tick` job pending, unless one is."""
    if not JobRepository(session).pending(TICK):
        jobs.enqueue(session, TICK, {}, run_at=next_minute(utcnow()))


def next_minute(moment: datetime) -> datetime:
    return cron.minute_floor(moment) + timedelta(minutes=1)


def tick(database: Database, _settings: Settings, _job: Job) -> None:
    try:
        fire_due(database, utcnow())
    finally:
        with database.transaction() as session:
            ensure_tick(session)


def fire_due(database: Database, now: datetime) -> None:
    with database.transaction(write=False) as session:
        ids = FlowRepository(session).enabled_schedule_ids()
    for flow_id in ids:
        with database.transaction() as session:
            flow = FlowRepository(session).locked(flow_id)
            if flow is not None and flow.enabled:
                fire(session, flow, now)


def fire(session: Session, flow: Flow, now: datetime) -> None:
    organization = session.get(Organization, flow.organization_id)
    if organization is None or not organization.active:  # FLOWS §F3.4
        return
    timezone = str(flow.trigger.get("timezone") or organization.timezone or "UTC")
    since = flow.ticked_until or flow.enabled_at or now
    due = cron.latest_due(flow.trigger, timezone, since, now)
    flow.ticked_until = now
    if due is None:
        return
    name = flow.trigger.get("collection")
    if name is None:
        trigger = fired(flow, due, None, None)
        runs.start_once(session, flow, trigger, f"tick:{iso_datetime(due)}")
        return
    model, event_model, answer = collection(name)
    for instance in FlowRepository(session).unseen(flow, model, POLL_LIMIT):
        trigger = fired(flow, due, event_model, answer(instance))
        runs.start_once(session, flow, trigger, f"poll:{instance.id}")


def fired(flow: Flow, at: datetime, model: str | None, data: Any) -> dict[str, Any]:
    """FLOWS §F5.2: a schedule's trigger; `model` for polls."""
    return {**runs.fired("schedule", flow.organization_id, data, at), "model": model}
