"""Flows (WEB §W6.1, FLOWS.md): the list (Name, Trigger, Enabled, Last run status), New flow
and a flow's page (its Definition `{"trigger", "steps"}` as indented JSON, Save flow, Disable
or Enable, its runs newest first), and a run's steps with their input, output and error as
JSON. Saves go through the flows service the API uses: every problem of FLOWS §F3.3 (path and
message) is shown in the alert and nothing is saved."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any, Final

from fastapi import Request, Response
from sqlalchemy.orm import Session

from spaceport.flows import runs, service
from spaceport.flows.models import Flow, FlowRun
from spaceport.flows.repository import FlowRepository, FlowRunRepository
from spaceport.flows.schemas import FlowCreate, FlowUpdate
from spaceport.kit.errors import ValidationFailed
from spaceport.kit.routing import Router
from spaceport.kit.transaction import Db
from spaceport.kit.wire import validate
from spaceport.organizations.models import Organization
from spaceport.web import formats
from spaceport.web.forms import REQUIRED, messages_of
from spaceport.web.guard import FormDep, PlaceDep, WritingPlaceDep, settings_of
from spaceport.web.pages import PageNotFound, PageRoute, page_of, render, see_other
from spaceport.web.paging import paged
from spaceport.web.repository import CatalogRepository

router = Router(route_class=PageRoute, include_in_schema=False)

EXAMPLE: Final = {
    "trigger": {"type": "event", "events": ["client/create"]},
    "steps": [
        {
            "key": "welcome",
            "type": "action",
            "action": "spaceport.updateClient",
            "input": {"id": "{{ trigger.data.id }}", "contact": "Welcome team"},
        }
    ],
}


def as_json(value: Any) -> str:
    """Indented JSON, non-ASCII kept (WEB §W6.1)."""
    return json.dumps(value, indent=2, ensure_ascii=False, default=str)


def definition_of(flow: Flow) -> str:
    answered = service.serialize(flow)
    return as_json({"trigger": answered["trigger"], "steps": answered["steps"]})


def trigger_text(trigger: dict[str, Any], t: Callable[[str], str]) -> str:
    """WEB §W6.1: the events joined by ", ", or the schedule."""
    kind = trigger.get("type")
    if kind == "event":
        return ", ".join(str(event) for event in trigger.get("events") or [])
    if kind == "schedule":
        if trigger.get("cron"):
            zone = trigger.get("timezone")
            return f"cron {trigger['cron']}" + (f" ({zone})" if zone else "")
        return t("every {n} min").format(n=trigger.get("every"))
    return t("Webhook") if kind == "webhook" else str(kind or "")


def capitalized(status: str | None) -> str:
    """WEB §W6.1: run and step statuses capitalized ("Succeeded"); "—" before any run."""
    return status.capitalize() if status else "—"


def duration(run: FlowRun) -> str:
    if run.started_at is None or run.finished_at is None:
        return ""
    seconds = (run.finished_at - run.started_at).total_seconds()
    return f"{seconds:.1f} s" if seconds < 60 else f"{int(seconds // 60)} min {int(seconds % 60)} s"


def run_error(run: FlowRun) -> str:
    """FLOWS §F7.2: a failed run's `{step, message}` as "<step>: <message>"."""
    if not run.error:
        return ""
    step, message = run.error.get("step"), str(run.error.get("message") or "")
    return f"{step}: {message}" if step else message


def moment(value: datetime | None, organization: Organization) -> str:
    return formats.moment(value, organization.locale, organization.timezone)


def flow_in(session: Session, organization: Organization, flow_id: str) -> Flow:
    flow = FlowRepository(session).get_in(organization.id, flow_id)
    if flow is None:
        raise PageNotFound()
    return flow


def parsed(text: str) -> tuple[dict[str, Any] | None, list[str]]:
    """The Definition as `{"trigger", "steps"}`, or what is wrong with it."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        return None, [f"Definition is not valid JSON: {error}"]
    if not isinstance(value, dict) or "trigger" not in value or "steps" not in value:
        return None, ['Definition must be a JSON object with "trigger" and "steps".']
    others = sorted(set(value) - {"trigger", "steps"})
    if others:
        return None, [f"Definition has only trigger and steps, not {', '.join(others)}."]
    return {"trigger": value["trigger"], "steps": value["steps"]}, []


def problems(error: ValidationFailed) -> list[str]:
    """FLOWS §F3.3's messages, each with its path."""
    return [f"{path}: {message}" for path, found in messages_of(error).items() for message in found]


@router.get("/app/o/{organization_id}/flows")
def list_flows(request: Request, session: Db, place: PlaceDep) -> Response:
    listing = CatalogRepository(session)
    pages, flows = paged(request, listing, listing.flows(place.organization.id))
    last = listing.last_run_statuses([flow.id for flow in flows])
    t = page_of(request).t
    rows = [(flow, trigger_text(flow.trigger, t), capitalized(last.get(flow.id))) for flow in flows]
    return render(request, "flows.html", rows=rows, pager=pages)


def new_flow_page(
    request: Request, values: dict[str, str], errors: dict[str, list[str]], alert: list[str]
) -> Response:
    status = 422 if errors or alert else 200
    return render(
        request, "flow_new.html", status=status, values=values, errors=errors, alert=alert
    )


@router.get("/app/o/{organization_id}/flows/new")
def new_flow(request: Request, place: WritingPlaceDep) -> Response:
    return new_flow_page(request, {"definition": as_json(EXAMPLE)}, {}, [])


@router.post("/app/o/{organization_id}/flows/new")
def create_flow(request: Request, session: Db, place: WritingPlaceDep, form: FormDep) -> Response:
    """As `POST /v1/organizations/:id/flows` with the name and the definition."""
    values = {
        "name": str(form.get("name") or "").strip(),
        "definition": str(form.get("definition") or ""),
    }
    errors = {} if values["name"] else {"name": [page_of(request).t(REQUIRED)]}
    definition, alert = parsed(values["definition"])
    if errors or definition is None:
        return new_flow_page(request, values, errors, alert)
    try:
        data = validate(FlowCreate, {"name": values["name"], **definition})
        flow = service.create(
            session,
            settings_of(request),
            place.organization.id,
            place.visitor.account.id,
            data.given_with_defaults(),
        )
    except ValidationFailed as error:
        return new_flow_page(request, values, {}, problems(error))
    return see_other(f"/app/o/{place.organization.id}/flows/{flow.id}")


def flow_page(
    request: Request,
    session: Session,
    organization: Organization,
    flow: Flow,
    definition: str,
    alert: list[str],
) -> Response:
    listing = CatalogRepository(session)
    pages, found = paged(request, listing, listing.runs_of(flow.id))
    shown = [
        (
            run,
            capitalized(run.status),
            moment(run.started_at or run.created_at, organization),
            duration(run),
        )
        for run in found
    ]
    return render(
        request,
        "flow.html",
        status=422 if alert else 200,
        flow=flow,
        definition=definition,
        alert=alert,
        runs=shown,
        pager=pages,
    )


@router.get("/app/o/{organization_id}/flows/{flow_id}")
def show_flow(request: Request, session: Db, place: PlaceDep, flow_id: str) -> Response:
    flow = flow_in(session, place.organization, flow_id)
    return flow_page(request, session, place.organization, flow, definition_of(flow), [])


@router.post("/app/o/{organization_id}/flows/{flow_id}")
def save_flow(
    request: Request, session: Db, place: WritingPlaceDep, form: FormDep, flow_id: str
) -> Response:
    """As `PATCH /v1/flows/:id` with `trigger` and `steps`; a refused save changes nothing."""
    flow = flow_in(session, place.organization, flow_id)
    typed = str(form.get("definition") or "")
    definition, alert = parsed(typed)
    if definition is None:
        return flow_page(request, session, place.organization, flow, typed, alert)
    try:
        data = validate(FlowUpdate, definition)
        service.update(session, settings_of(request), flow, data.given())
    except ValidationFailed as error:
        return flow_page(request, session, place.organization, flow, typed, problems(error))
    return see_other(f"/app/o/{place.organization.id}/flows/{flow.id}", notice="Flow saved.")


@router.post("/app/o/{organization_id}/flows/{flow_id}/enabled")
def toggle_flow(
    request: Request, session: Db, place: WritingPlaceDep, form: FormDep, flow_id: str
) -> Response:
    """Disable/Enable: `PATCH /v1/flows/:id {"enabled"}` (enabling starts runs from now on,
    FLOWS §F3.4)."""
    flow = flow_in(session, place.organization, flow_id)
    enabled = not flow.enabled
    service.update(session, settings_of(request), flow, {"enabled": enabled})
    notice = "Flow enabled." if enabled else "Flow disabled."
    return see_other(f"/app/o/{place.organization.id}/flows/{flow.id}", notice=notice)


@router.get("/app/o/{organization_id}/flows/{flow_id}/runs/{run_id}")
def show_run(request: Request, session: Db, place: PlaceDep, flow_id: str, run_id: str) -> Response:
    organization = place.organization
    flow = flow_in(session, organization, flow_id)
    run = FlowRunRepository(session).get(run_id)
    if run is None or run.flow_id != flow.id:
        raise PageNotFound()
    answered = runs.answer(run)
    steps = [
        {
            "key": step.get("key", ""),
            "status": capitalized(step.get("status")),
            "input": as_json(step.get("input")),
            "output": as_json(step.get("output")),
            "error": as_json(step["error"]) if step.get("error") is not None else "",
        }
        for step in answered["steps"]
    ]
    return render(
        request,
        "flow_run.html",
        flow=flow,
        run=run,
        run_status=capitalized(run.status),
        started=moment(run.started_at or run.created_at, organization),
        duration=duration(run),
        error=run_error(run),
        steps=steps,
    )
