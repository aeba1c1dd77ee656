"""Test runs (FLOWS §F4.5): `{"data": …}`, or `{"event": "client/create", "id": "<id>"}` for
that instance as answered now (deleted too); the trigger's `where` applies. The request then
executes the run (`engine.execute_test`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from spaceport.flows import runs, triggers
from spaceport.flows.models import Flow, FlowRun
from spaceport.flows.schemas import TestRequest
from spaceport.kit.db import utcnow
from spaceport.kit.errors import invalid
from spaceport.kit.filters import memory as where


def instance_answer(session: Session, organization_id: str, model: str, id_: str) -> Any:
    """The instance of event model `model` as the API answers it now (deleted too), or None."""
    from spaceport import domains
    from spaceport.organizations import service as organizations
    from spaceport.organizations.models import Organization

    for resource in domains.RESOURCES:
        if resource.event.lower() == model.lower():
            found = resource.repo(session).get(id_, include_deleted=True)
            if found is None or getattr(found, "organization_id", None) != organization_id:
                return None
            return resource.serialize(found)
    if model == "organization" and id_ == organization_id:
        organization = session.get(Organization, id_)
        return organizations.answer(session, organization) if organization else None
    return None


def trigger_of(session: Session, flow: Flow, data: TestRequest) -> dict[str, Any]:
    kind = flow.trigger.get("type", "manual")
    if data.event is None:
        return {**runs.fired(kind, flow.organization_id, data.data), "type": kind}
    try:
        name = triggers.stored({"type": "event", "events": [data.event]})["events"][0]
    except Exception as exc:
        raise invalid("event", f"{data.event!r} is not MODEL_NAME/EVENT_NAME") from exc
    model, _, action = name.partition("/")
    found = instance_answer(session, flow.organization_id, model, data.id or "")
    if not action or found is None:
        raise invalid("id", f"No {model or data.event} {data.id!r} in this organization")
    return {
        "type": "event",
        "event": name,
        "model": model,
        "action": action,
        "organizationId": flow.organization_id,
        "uid": None,  # FLOWS §F5.2: null in test runs
        "data": found,
        "firedAt": utcnow(),
    }


def begin(session: Session, flow: Flow, data: TestRequest) -> FlowRun:
    trigger = trigger_of(session, flow, data)
    run = runs.start(session, flow, trigger, test=True)
    condition = flow.trigger.get("where")
    if condition and not where.matches(condition, trigger["data"]):
        # FLOWS §F4.5: no match, `filtered`, no step runs
        now = utcnow()
        run.status, run.started_at, run.finished_at = "filtered", now, now
        run.steps = [{**record, "status": "skipped"} for record in run.steps]
    return run
