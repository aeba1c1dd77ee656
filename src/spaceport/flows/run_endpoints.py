"""Runs (FLOWS §F7.1): `GET /v1/flows/:id/runs`, `GET /v1/organizations/:id/flowRuns` (each
with `/count`, the filter language, newest first), `GET /v1/flowRuns/:id`,
`POST /v1/flowRuns/:id/retry`. Test runs are listed and counted only when the filter names
`test` (FLOWS §F4.5)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from fastapi import APIRouter
from sqlalchemy import ColumnElement

from spaceport.access.authorization import Scope, organization_scope
from spaceport.flows import runs
from spaceport.flows.errors import FlowGone
from spaceport.flows.models import Flow, FlowRun
from spaceport.flows.repository import FlowRepository, FlowRunRepository
from spaceport.flows.schemas import RetryRequest, RunStarted
from spaceport.kit.answers import Count, answer_model, many
from spaceport.kit.crud import relations_asked
from spaceport.kit.filters import Filter, parse_filter, parse_where, project
from spaceport.kit.json import ApiResponse
from spaceport.kit.repository import live
from spaceport.kit.routing import Router
from spaceport.kit.transaction import Db
from spaceport.kit.wire import Query, body_of

NEWEST_FIRST = [("createdAt", True)]
RUN = answer_model(FlowRun, "FlowRun")


def names_test(where: Any) -> bool:
    if isinstance(where, Mapping):
        return any(key == "test" or names_test(value) for key, value in where.items())
    if isinstance(where, list):
        return any(names_test(item) for item in where)
    return False


def conditions(where: Any, *base: ColumnElement[bool]) -> list[ColumnElement[bool]]:
    hidden = [] if names_test(where) else [FlowRun.test.is_(False)]
    return [*base, *hidden]


def listed(flt: Filter) -> Filter:
    relations_asked(flt.include, (), "FlowRun")  # COMPAT §4.3: a run has no relations
    return flt if flt.order else replace(flt, order=NEWEST_FIRST)


def answers(rows: list[FlowRun], flt: Filter) -> list[dict[str, Any]]:
    return [project(runs.answer(row), flt.fields) for row in rows]


def build_router() -> APIRouter:
    router = Router(prefix="/v1", tags=["flowRuns"])
    of_flow = organization_scope(via=Flow)
    in_organization = organization_scope()
    by_id = organization_scope(via=FlowRun)

    @router.get("/flows/{id}/runs", name="list_flow_runs", response_model=many(RUN))
    def flow_runs(session: Db, scope: Scope = of_flow, query: dict[str, Any] = Query) -> Any:
        flow = live(scope.instance, "flow")
        flt = listed(parse_filter(query))
        found = conditions(flt.where, FlowRun.flow_id == flow.id)
        return ApiResponse(answers(FlowRunRepository(session).find(flt, *found), flt))

    @router.get("/flows/{id}/runs/count", name="count_flow_runs", response_model=Count)
    def count_flow_runs(session: Db, scope: Scope = of_flow, query: dict[str, Any] = Query) -> Any:
        flow = live(scope.instance, "flow")
        found = conditions(parse_where(query), FlowRun.flow_id == flow.id)
        return ApiResponse({"count": FlowRunRepository(session).count(query, *found)})

    @router.get(
        "/organizations/{id}/flowruns", name="list_organization_flow_runs", response_model=many(RUN)
    )
    def organization_runs(
        session: Db, scope: Scope = in_organization, query: dict[str, Any] = Query
    ) -> Any:
        flt = listed(parse_filter(query))
        found = conditions(flt.where, FlowRun.organization_id == scope.organization_id)
        return ApiResponse(answers(FlowRunRepository(session).find(flt, *found), flt))

    @router.get(
        "/organizations/{id}/flowruns/count",
        name="count_organization_flow_runs",
        response_model=Count,
    )
    def count_organization_runs(
        session: Db, scope: Scope = in_organization, query: dict[str, Any] = Query
    ) -> Any:
        found = conditions(parse_where(query), FlowRun.organization_id == scope.organization_id)
        return ApiResponse({"count": FlowRunRepository(session).count(query, *found)})

    @router.get("/flowruns/{id}", name="get_flow_run", response_model=RUN)
    def get(scope: Scope = by_id, query: dict[str, Any] = Query) -> Any:
        flt = parse_filter(query)
        return ApiResponse(project(runs.answer(scope.instance), flt.fields))

    @router.post(
        "/flowruns/{id}/retry", name="retry_flow_run", response_model=RunStarted, status_code=202
    )
    def retry(session: Db, scope: Scope = by_id, data: RetryRequest = body_of(RetryRequest)) -> Any:
        """FLOWS §F7.3: a new run with `retryOf`, the same trigger, the flow as it is now."""
        run: FlowRun = scope.instance
        flow = FlowRepository(session).get(run.flow_id)
        if flow is None:
            raise FlowGone()
        started = runs.retry(session, run, flow, data.from_)
        return ApiResponse({"runId": started.id}, status_code=202)

    return router


router = build_router()
