"""create_app(settings): routers, middleware, error handlers; nothing else."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from anyio import to_thread
from fastapi import FastAPI
from pydantic import BaseModel
from sqlalchemy import text

from spaceport import __version__, domains
from spaceport.access.authorization import authenticate_first, needs_caller, read_caller
from spaceport.access.endpoints import router as access_router
from spaceport.accounts.endpoints import router as accounts_router
from spaceport.categories.endpoints import router as categories_router
from spaceport.clients.endpoints import router as clients_router
from spaceport.companies.endpoints import router as companies_router
from spaceport.config import Settings, get_settings, with_secret_key
from spaceport.connections.endpoints import router as connections_router
from spaceport.countries.endpoints import router as countries_router
from spaceport.defaults.endpoints import router as defaults_router
from spaceport.documents.endpoints import router as documents_router
from spaceport.documents.payments.endpoints import router as payments_router
from spaceport.einvoices.endpoints import router as einvoices_router
from spaceport.events.endpoints import router as events_router
from spaceport.exports.endpoints import router as exports_router
from spaceport.fiscal.endpoints import router as fiscal_router
from spaceport.flows.endpoints import router as flows_router
from spaceport.flows.hooks import router as flow_hooks_router
from spaceport.flows.run_endpoints import router as flow_runs_router
from spaceport.items.endpoints import router as items_router
from spaceport.kit.cors import CorsMiddleware
from spaceport.kit.db import Database
from spaceport.kit.docs import install_docs
from spaceport.kit.errors import install_error_handlers
from spaceport.kit.idempotency import IdempotencyMiddleware, Replay, replay
from spaceport.kit.json import ApiResponse
from spaceport.kit.openapi import install as install_openapi
from spaceport.kit.ratelimit import RateLimitMiddleware
from spaceport.kit.transaction import gate_for
from spaceport.kit.wire import (
    DateMiddleware,
    WireMiddleware,
    patchable_collections,
    static_segments,
)
from spaceport.orders.endpoints import router as orders_router
from spaceport.organizations.endpoints import router as organizations_router
from spaceport.pdf.endpoints import router as pdf_router
from spaceport.pricing.endpoints import router as pricing_router
from spaceport.recurrences.endpoints import router as recurrences_router
from spaceport.taxes.endpoints import router as taxes_router
from spaceport.units.endpoints import router as units_router
from spaceport.web import endpoints as web
from spaceport.webhooks.endpoints import router as webhooks_router

SWITCH_INTERVAL_SECONDS = 0.0005


class Health(BaseModel):
    status: str


ROUTERS = (
    accounts_router,
    organizations_router,
    access_router,
    defaults_router,
    countries_router,
    taxes_router,
    items_router,
    clients_router,
    units_router,
    categories_router,
    pricing_router,
    companies_router,
    documents_router,
    payments_router,
    einvoices_router,
    events_router,
    orders_router,
    exports_router,
    webhooks_router,
    connections_router,
    pdf_router,
    recurrences_router,
    fiscal_router,
    flows_router,
    flow_runs_router,
    flow_hooks_router,
)


def create_app(settings: Settings | None = None, database: Database | None = None) -> FastAPI:
    settings = with_secret_key(settings) if settings else get_settings()
    db = database or Database(settings.database_url)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # Endpoints run in threads; under the GIL a few threads do more than many.
        to_thread.current_default_thread_limiter().total_tokens = settings.threads
        # A thread waiting for the GIL gets it within this, not CPython's 5 ms: a request
        # passes it a few dozen times (every query, every hop between loop and thread), so
        # beside a 5,000-line create a small write of another organization takes ~15 ms, not
        # ~140 (issue 15 item 6, `bench/neighbours.py`).
        sys.setswitchinterval(SWITCH_INTERVAL_SECONDS)
        yield
        if database is None:
            db.dispose()

    app = FastAPI(
        title="Spaceport",
        version=__version__,
        description="A self-hostable invoicing API that speaks the Space Invoices v1 API.",
        default_response_class=ApiResponse,
        lifespan=lifespan,
        docs_url=None,  # kit.docs serves /docs offline (COMPAT §1.13)
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.database = db
    app.state.write_gate = gate_for(db, settings.threads)
    app.state.opening_reads = (read_caller,)  # kit.transaction: in the thread that opens it
    install_error_handlers(app)
    app.add_exception_handler(Replay, replay)
    authenticate_first(ROUTERS)
    for router in ROUTERS:
        app.include_router(router)

    install_openapi(app, secured=needs_caller)
    install_docs(app)
    web.install(app)  # WEB §W1.1: the web app, from the same services

    @app.get("/health", tags=["health"], response_model=Health)
    def health() -> Any:
        with db.transaction(write=False) as session:
            session.execute(text("SELECT 1"))
        return ApiResponse({"status": "ok"})

    # Each one added wraps those before it: the last added is the outermost. From the outside
    # in: the Date header (COMPAT §1.12), CORS (COMPAT §1.14: outside the wire, so its
    # refusals carry the CORS headers too), the wire (paths normalized before the limiter and
    # the router see them), idempotency, the rate limit.
    app.add_middleware(
        RateLimitMiddleware, limit=settings.rate_limit, storage_uri=settings.redis_url
    )
    app.add_middleware(IdempotencyMiddleware)
    app.add_middleware(
        WireMiddleware,
        words=static_segments((*ROUTERS, *web.routers())) | {"health"},
        patchable=patchable_collections(ROUTERS),
        relations=domains.relation_collections(),
    )
    app.add_middleware(CorsMiddleware, origins=settings.cors_origins)
    app.add_middleware(DateMiddleware)
    return app
