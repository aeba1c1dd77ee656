"""The dependencies every page takes (WEB §W2): the visitor behind the session cookie, the
organization of the path with the visitor's role, the readonly and admin refusals, and the
checked form of a POST (CSRF token and origin).

A page declares what it needs, in this order, and FastAPI resolves them in it:

    def page(request: Request, place: PlaceDep) -> Response                  # reading
    def save(request: Request, place: WritingPlaceDep, form: FormDep) -> ... # changing

so a readonly member gets the 403 page before the form is read (WEB §W2.5), and a forged POST
gets it before anything changes (WEB §W2.4)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import Depends, Request
from starlette.datastructures import FormData

from spaceport.access.authorization import active_access
from spaceport.access.models import Access
from spaceport.config import Settings
from spaceport.kit.transaction import Db, after_commit, database
from spaceport.organizations.models import Organization
from spaceport.organizations.repository import OrganizationRepository
from spaceport.web import sessions
from spaceport.web.pages import ForgedRequest, LoginNeeded, PageForbidden, PageNotFound, page_of
from spaceport.web.sessions import COOKIE, Visitor
from spaceport.web.words import DEFAULT_LANGUAGE, language_of

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"  # htmx sends the page's token in it (`hx-headers` in base.html)


def settings_of(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def asked_language(request: Request) -> None:
    """`?lang=` on any page (WEB §W1.3)."""
    asked = language_of(request.query_params.get("lang"))
    if asked:
        page_of(request).language = asked


def visitor(request: Request, session: Db) -> Visitor:
    """The signed-in account, or the login page and back here (WEB §W2.1). A `?lang=` is saved
    as the account's `locale` (WEB §W1.3); a session used after `TOUCH_EVERY` moves its
    `last_seen` once the answer is sent, and its cookie is given again (sliding expiry)."""
    page = page_of(request)
    found = sessions.visitor_of(session, request.cookies.get(COOKIE))
    if found is None:
        query = request.url.query
        raise LoginNeeded(request.url.path + (f"?{query}" if query else ""))
    account = found.account
    page.account = account
    page.csrf = sessions.csrf_token(settings_of(request).secret_key, "session", found.session_id)
    asked = language_of(request.query_params.get("lang"))
    page.language = asked or language_of(account.locale) or DEFAULT_LANGUAGE
    db = database(request)
    if found.stale:
        page.renew_cookie = True
        after_commit(session, partial(sessions.touch, db, found.session_id))
    if asked and asked != account.locale:
        after_commit(session, partial(sessions.remember_language, db, account.id, asked))
    return found


VisitorDep = Annotated[Visitor, Depends(visitor)]


@dataclass(frozen=True)
class Place:
    """An organization's page: the visitor, the organization, the visitor's access to it."""

    visitor: Visitor
    organization: Organization
    access: Access

    @property
    def role(self) -> str:
        return self.access.role


def place(session: Db, request: Request, visitor: VisitorDep, organization_id: str) -> Place:
    """WEB §W2.5: an organization without the account's active access is the 404 page."""
    organization = OrganizationRepository(session).get(organization_id)
    access = active_access(session, visitor.account.id, organization_id) if organization else None
    if organization is None or access is None:
        raise PageNotFound()
    page = page_of(request)
    page.organization, page.role = organization, access.role
    return Place(visitor, organization, access)


PlaceDep = Annotated[Place, Depends(place)]


def writing_place(place: PlaceDep) -> Place:
    """WEB §W2.5: a readonly member, or a deactivated organization, may change nothing."""
    if place.role == "readonly" or not place.organization.active:
        raise PageForbidden()
    return place


def admin_place(place: PlaceDep) -> Place:
    """WEB §W2.5: only admins see and use Team."""
    if place.role != "admin":
        raise PageForbidden()
    return place


WritingPlaceDep = Annotated[Place, Depends(writing_place)]
AdminPlaceDep = Annotated[Place, Depends(admin_place)]


def same_origin(request: Request) -> bool:
    """WEB §W2.4: the `Origin` of a POST, else its `Referer`, is this server's own."""
    own = f"{request.url.scheme}://{request.url.netloc}"
    origin = request.headers.get("origin")
    if origin is not None:
        return origin == own
    referer = request.headers.get("referer")
    if referer is None:
        return True  # neither header: the token alone decides
    parts = urlsplit(referer)
    return f"{parts.scheme}://{parts.netloc}" == own


async def checked_form(request: Request, purpose: str, bound_to: str) -> FormData:
    """The form of a POST whose origin and CSRF token (field or htmx's header) are right."""
    if not same_origin(request):
        raise ForgedRequest()
    form = await request.form()
    given = request.headers.get(CSRF_HEADER) or str(form.get(CSRF_FIELD) or "")
    if not sessions.csrf_matches(settings_of(request).secret_key, purpose, bound_to, given):
        raise ForgedRequest()
    return form


async def session_form(request: Request, visitor: VisitorDep) -> FormData:
    return await checked_form(request, "session", visitor.session_id)


FormDep = Annotated[FormData, Depends(session_form)]
