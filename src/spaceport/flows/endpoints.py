"""Flows (FLOWS §F3.1): the shared CRUD routes with answers that show `hookUrl` to writers,
`run` (FLOWS §F4.4), `test` (FLOWS §F4.5), `rotate-hook` (FLOWS §F4.3), and the catalogs
`GET /v1/flowActions` (FLOWS §F6.1) and `GET /v1/flowTriggers` (FLOWS §F4.6)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, BackgroundTasks, Depends, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from spaceport.access.authorization import Scope, authorize, caller_of, organization_scope
from spaceport.access.authorization import current_caller as caller_dependency
from spaceport.config import SettingsDep
from spaceport.flows import catalog, engine, runs, service, testing, triggers
from spaceport.flows.models import Flow, FlowRun
from spaceport.flows.repository import FlowRepository, FlowRunRepository
from spaceport.flows.schemas import FlowCreate, FlowUpdate, RunRequest, RunStarted, TestRequest
from spaceport.flows.service import flows
from spaceport.kit.answers import answer_model, many
from spaceport.kit.filters import parse_filter
from spaceport.kit.json import ApiResponse
from spaceport.kit.transaction import Db, database, read_phase, write_phase
from spaceport.kit.wire import Query, body_of

FLOW = answer_model(Flow, "Flow", hookUrl=str | None)
RUN = answer_model(FlowRun, "FlowRun")
CATALOG = list[dict[str, Any]]


def writer(scope: Scope) -> bool:
    return scope.access.role != "readonly"


def build_router() -> APIRouter:
    router = flows.router(only=("count", "delete"))
    in_organization = organization_scope()
    by_id = organization_scope(via=Flow)

    @router.post("/organizations/{id}/flows", name="create_flow", response_model=FLOW)
    def create(
        session: Db,
        settings: SettingsDep,
        scope: Scope = in_organization,
        data: Any = body_of(FlowCreate),
    ) -> Any:
        values = data.given_with_defaults()
        flow = service.create(
            session, settings, scope.organization_id, scope.caller.account.id, values
        )
        return ApiResponse(service.answer(flow, settings, writer=True))

    @router.get("/organizations/{id}/flows", name="list_flows", response_model=many(FLOW))
    def find(
        session: Db,
        settings: SettingsDep,
        scope: Scope = in_organization,
        query: dict[str, Any] = Query,
    ) -> Any:
        flt = parse_filter(query)
        rows = flows.repo(session).find_in(scope.organization_id, flt)

        def shown(flow: Flow) -> dict[str, Any]:
            return service.answer(flow, settings, writer=writer(scope))

        return ApiResponse(flows.answer_many(session, rows, flt, shown))

    @router.get("/flows/{id}", name="get_flow", response_model=FLOW)
    def get(
        session: Db, settings: SettingsDep, scope: Scope = by_id, query: dict[str, Any] = Query
    ) -> Any:
        flow = flows.live(scope.instance)

        def shown(found: Flow) -> dict[str, Any]:
            return service.answer(found, settings, writer=writer(scope))

        return ApiResponse(flows.answer_many(session, [flow], parse_filter(query), shown)[0])

    @router.patch("/flows/{id}", name="patch_flow", response_model=FLOW)
    @router.put("/flows/{id}", name="put_flow", response_model=FLOW)
    def update(
        session: Db, settings: SettingsDep, scope: Scope = by_id, data: Any = body_of(FlowUpdate)
    ) -> Any:
        flow = service.update(session, settings, flows.live(scope.instance), data.given())
        return ApiResponse(service.answer(flow, settings, writer=True))

    @router.post("/flows/{id}/rotate-hook", name="rotate_flow_hook", response_model=FLOW)
    def rotate_hook(session: Db, settings: SettingsDep, scope: Scope = by_id) -> Any:
        flow = service.rotate_hook(session, settings, flows.live(scope.instance))
        return ApiResponse(service.answer(flow, settings, writer=True))

    @router.post("/flows/{id}/run", name="run_flow", response_model=RunStarted, status_code=202)
    def run(session: Db, scope: Scope = by_id, data: RunRequest = body_of(RunRequest)) -> Any:
        """FLOWS §F4.4: enabled or not, the trigger's `where` not applied."""
        flow = flows.live(scope.instance)
        started = runs.start(session, flow, runs.fired("manual", flow.organization_id, data.data))
        return ApiResponse({"runId": started.id}, status_code=202)

    @router.post("/flows/{id}/test", name="test_flow", response_model=RUN)
    async def test(
        request: Request,
        background: BackgroundTasks,
        settings: SettingsDep,
        data: TestRequest = body_of(TestRequest),
    ) -> Any:
        """FLOWS §F4.5: the run executes in the request; the transactions are its own."""
        flow_id = request.path_params["id"]

        def begin(session: Session) -> str:
            flow = flows.live(FlowRepository(session).get(flow_id, include_deleted=True))
            authorize(session, caller_of(session, request), flow.organization_id, "POST")
            return testing.begin(session, flow, data).id

        run_id = await write_phase(request, background, begin)
        await run_in_threadpool(engine.execute_test, database(request), settings, run_id)

        def finished(session: Session) -> dict[str, Any]:
            found = FlowRunRepository(session).get(run_id)
            assert found is not None
            return runs.answer(found)

        return ApiResponse(await read_phase(request, finished))

    signed_in = [Depends(caller_dependency)]  # FLOWS §F1.1: a launch code

    @router.get(
        "/flowactions", name="list_flow_actions", dependencies=signed_in, response_model=CATALOG
    )
    def flow_actions() -> Any:
        return ApiResponse([action.answer() for action in catalog.ACTIONS])

    @router.get(
        "/flowtriggers",
        name="list_flow_triggers",
        dependencies=[Depends(caller_dependency)],
        response_model=CATALOG,
    )
    def flow_triggers() -> Any:
        return ApiResponse(triggers.described())

    return router


router = build_router()
