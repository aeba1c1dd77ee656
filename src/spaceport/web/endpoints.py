"""The web app in the API's ASGI app (WEB §W1.1): its pages under `/app/`, its static files
under `/app/static/` (shipped in the package: htmx, the styles), `GET /` sending a person
there, and the 404 page for any other path under `/app/`.

A new page is a module of `web/` with its own `router = Router(route_class=PageRoute, ...)`,
listed once in `PAGES` below."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles

from spaceport.kit.routing import Router
from spaceport.web import (
    clients,
    dashboard,
    document,
    document_actions,
    documents,
    fiscalization,
    flows,
    invoice_form,
    items,
    login,
    new_invoice,
    organizations,
    settings,
    team,
    webhooks,
)
from spaceport.web.guard import asked_language
from spaceport.web.pages import PageNotFound, PageRoute, error_page

PAGES = (
    login.router,
    organizations.router,
    dashboard.router,
    invoice_form.router,  # before documents: `…/documents/new` is no document's id
    new_invoice.router,
    documents.router,
    document.router,
    document_actions.router,
    settings.router,
    fiscalization.router,
    team.router,
    clients.router,
    items.router,
    flows.router,
    webhooks.router,
)

fallback = Router(route_class=PageRoute, include_in_schema=False)


@fallback.api_route("/app/{rest:path}", methods=["GET", "POST", "HEAD"])
def not_found(request: Request, rest: str) -> Response:
    asked_language(request)
    return error_page(request, PageNotFound())


def routers() -> tuple[APIRouter, ...]:
    return (*PAGES, fallback)


def install(app: FastAPI) -> None:
    """Mounts the static files, then the pages (the catch-all 404 last)."""
    static = StaticFiles(packages=[("spaceport.web", "static")])
    app.mount("/app/static", static, name="web-static")

    @app.get("/", include_in_schema=False)
    def home() -> Response:
        return RedirectResponse("/app/", status_code=307)

    for router in routers():
        app.include_router(router)
