"""Rendering pages (WEB §W1.2): Jinja2 templates shipped in the package, autoescaped; the error
pages (404 "Not found", 403 "Forbidden": WEB §W2.5); and `PageRoute`, the route class of every
page, which answers errors as pages instead of the API's JSON envelope."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, unquote, urlencode

from fastapi import Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from jinja2 import Environment, PackageLoader, StrictUndefined

from spaceport.accounts.models import Account
from spaceport.kit.errors import ApiError
from spaceport.organizations.models import Organization
from spaceport.web import formats
from spaceport.web.sessions import COOKIE, IDLE
from spaceport.web.words import DEFAULT_LANGUAGE, SLOVENIAN, Language, translate

templates = Environment(
    loader=PackageLoader("spaceport.web", "templates"),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
templates.filters.update(
    amount=formats.amount,
    day=formats.day,
    quantity=formats.quantity,
    month=formats.month,
    country=formats.country,
)

# WEB §W2.5, WEB §W9: the role of an access as a page names it
ROLE_NAMES = {"admin": "Admin", "default": "Member", "readonly": "Read only"}


@dataclass
class PageState:
    """What every template knows of its request: the language, the CSRF token of its forms,
    the signed-in account and, on an organization's pages, the organization and the role."""

    path: str
    query: dict[str, str]
    language: Language = DEFAULT_LANGUAGE
    csrf: str = ""
    account: Account | None = None
    organization: Organization | None = None
    role: str | None = None
    notices: list[str] = field(default_factory=list)
    renew_cookie: bool = False  # the session was used after a while: its cookie is given again

    def t(self, word: str) -> str:
        return translate(word, self.language)

    def in_language(self, language: Language) -> str:
        """This page in `language` (WEB §W1.3: "English" and "Slovenščina" link to itself)."""
        query = {**{k: v for k, v in self.query.items() if k != "lang"}, "lang": language}
        return f"{self.path}?{urlencode(query)}"

    @property
    def readonly(self) -> bool:
        """WEB §W2.5: a readonly member, or a deactivated organization, sees no write control."""
        deactivated = self.organization is not None and not self.organization.active
        return self.role == "readonly" or deactivated

    @property
    def base(self) -> str:
        """The path of the organization's pages (`/app/o/<id>`)."""
        return f"/app/o/{self.organization.id}" if self.organization else "/app"


def page_of(request: Request) -> PageState:
    state: PageState | None = getattr(request.state, "page", None)
    if state is None:
        state = PageState(request.url.path, dict(request.query_params))
        request.state.page = state
    return state


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    page = page_of(request)
    html = templates.get_template(template).render(page=page, t=page.t, **context)
    response = HTMLResponse(html, status_code=status)
    response.headers["Cache-Control"] = "no-store"  # pages hold one account's data
    return response


NOTICE_COOKIE = "spaceport_notice"


class SeeOther(RedirectResponse):
    """A 303 whose notice (WEB §W1.5: "Saved.") the next page shows: `PageRoute` carries it
    there in a short-lived cookie, and takes only words of `words.py` back from it."""

    def __init__(self, location: str, notice: str | None = None) -> None:
        super().__init__(location, status_code=303)
        self.notice = notice


def see_other(location: str, notice: str | None = None) -> SeeOther:
    """WEB §W1.1: a form that succeeded answers 303."""
    return SeeOther(location, notice)


def carried_notice(request: Request) -> str | None:
    """The notice of the 303 that led here, if it is one of the app's words."""
    carried = unquote(request.cookies.get(NOTICE_COOKIE, ""))
    return carried if carried in SLOVENIAN else None


class PageError(Exception):
    """An error answered as a page with its `h1`."""

    status_code = 500
    title = "Error"
    explanation = ""


class PageNotFound(PageError):
    """WEB §W2.5: no such page, or an organization (or its instance) the account may not see;
    it tells nothing more."""

    status_code = 404
    title = "Not found"
    explanation = "There is nothing here, or you have no access to it."


class PageForbidden(PageError):
    status_code = 403
    title = "Forbidden"
    explanation = "Your role does not allow this."


class ForgedRequest(PageForbidden):
    """WEB §W2.4: a POST without the right CSRF token, or from another origin."""

    explanation = "This form has expired or was sent from elsewhere. Reload the page and try again."


class LoginNeeded(Exception):
    """WEB §W2.1: no session; the login page, then back to `next`."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


def error_page(request: Request, error: PageError) -> HTMLResponse:
    return render(request, "error.html", status=error.status_code, error=error)


def page_error_of(error: ApiError) -> PageError:
    """An error of a service, as a page: what the API answers 401 or 404 (no access, no such
    instance) is the 404 page; its 403 is the 403 page."""
    if error.status_code in (401, 404):
        return PageNotFound()
    if error.status_code == 403:
        return PageForbidden()
    found = PageError()
    found.status_code, found.explanation = error.status_code, error.message
    return found


class PageRoute(APIRoute):
    """The route class of the web app: errors are pages, a missing session is the login page."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()

        async def handle_page(request: Request) -> Response:
            notice = carried_notice(request)
            if notice:
                page_of(request).notices.append(notice)
            try:
                response = await handle(request)
            except LoginNeeded as needed:
                return see_other(f"/app/login?{urlencode({'next': needed.next_path})}")
            except PageError as error:
                return error_page(request, error)
            except ApiError as error:
                return error_page(request, page_error_of(error))
            if page_of(request).renew_cookie and COOKIE in request.cookies:
                give_session_cookie(request, response, request.cookies[COOKIE])
            carry_notice(request, response)
            return response

        return handle_page


def carry_notice(request: Request, response: Response) -> None:
    """A 303 with a notice hands it on; the page that shows it (any but a 303) drops it."""
    secure = request.url.scheme == "https"
    if isinstance(response, SeeOther) and response.notice:
        response.set_cookie(
            NOTICE_COOKIE,
            quote(response.notice),
            max_age=60,
            path="/app",
            httponly=True,
            samesite="lax",
            secure=secure,
        )
    elif NOTICE_COOKIE in request.cookies and response.status_code != 303:
        response.delete_cookie(NOTICE_COOKIE, path="/app", httponly=True, samesite="lax")


def give_session_cookie(request: Request, response: Response, token: str) -> None:
    """WEB §W2.3: Path /app, HttpOnly, SameSite=Lax, Secure over https; the browser keeps it
    as long as the server does when unused (the server decides)."""
    response.set_cookie(
        COOKIE,
        token,
        max_age=int(IDLE.total_seconds()),
        path="/app",
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )
