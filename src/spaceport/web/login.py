"""Log in and log out (WEB §W2.1 through WEB §W2.4).

The password is checked as the API's login checks it (`accounts.passwords`: a dummy hash for an
unknown email, outside every transaction and the write turn); only failed logins count against
the budgets of WEB §W2.2, and a spent budget answers 429 without checking anything."""

from __future__ import annotations

import secrets
from functools import partial
from urllib.parse import urlsplit

from fastapi import BackgroundTasks, Request, Response
from sqlalchemy.orm import Session

from spaceport.accounts import passwords
from spaceport.accounts import service as accounts
from spaceport.accounts.repository import AccountRepository
from spaceport.kit.errors import TooManyRequests, Unauthorized
from spaceport.kit.ratelimit import KeyedLimits
from spaceport.kit.routing import Router
from spaceport.kit.transaction import Db, read_phase, write_phase
from spaceport.web import sessions
from spaceport.web.guard import FormDep, VisitorDep, asked_language, checked_form, settings_of
from spaceport.web.pages import PageRoute, give_session_cookie, page_of, render, see_other
from spaceport.web.sessions import COOKIE, LOGIN_COOKIE
from spaceport.web.words import Language, language_of

router = Router(route_class=PageRoute, include_in_schema=False)
HOME = "/app/"
ATTEMPTS = "web-login"


def safe_next(given: str | None) -> str:
    """WEB §W2.1: `next` only under `/app/`, never another host."""
    if not given:
        return HOME
    parts = urlsplit(given)
    inside = given == "/app" or given.startswith("/app/")
    if parts.scheme or parts.netloc or not inside or "\\" in given or "//" in given:
        return HOME
    return given


def failures(request: Request) -> KeyedLimits:
    """The process's budgets of failed logins (WEB §W2.2), made once per settings."""
    settings = settings_of(request)
    limits = {
        "email": settings.web_login_failures_email,
        "address": settings.web_login_failures_address,
    }
    state = request.app.state
    found: tuple[dict[str, str], KeyedLimits] | None = getattr(state, "web_login_limits", None)
    if found is None or found[0] != limits:
        found = (limits, KeyedLimits(limits, settings.redis_url))
        state.web_login_limits = found
    return found[1]


def attempt_keys(request: Request, email: str) -> dict[str, str]:
    address = request.client.host if request.client else "unknown"
    return {"email": accounts.normalize_email(email), "address": address}


def login_page(
    request: Request,
    status: int = 200,
    email: str = "",
    alert: str = "",
    next_path: str = "",
    chosen: Language | None = None,
) -> Response:
    """The form, its token bound to the pre-session cookie (made here when missing)."""
    page = page_of(request)
    cookie = request.cookies.get(LOGIN_COOKIE) or secrets.token_urlsafe(32)
    page.csrf = sessions.csrf_token(settings_of(request).secret_key, "login", cookie)
    next_path = next_path or request.query_params.get("next", "")
    response = render(
        request,
        "login.html",
        status,
        email=email,
        alert=alert,
        next_path=safe_next(next_path),
        chosen=chosen,
    )
    secure = request.url.scheme == "https"
    response.set_cookie(
        LOGIN_COOKIE, cookie, path="/app", httponly=True, samesite="lax", secure=secure
    )
    return response


@router.get("/app/login")
def show_login(request: Request) -> Response:
    asked_language(request)
    return login_page(request, chosen=language_of(request.query_params.get("lang")))


def start_session(
    session: Session, account_id: str, verified_hash: str, language: Language | None
) -> str:
    """A session for an account whose password was verified against `verified_hash` (outside
    this transaction); a password changed since then fails the login. A language chosen on
    the login page becomes the account's (WEB §W1.3)."""
    account = AccountRepository(session).get(account_id)
    if account is None or account.password_hash != verified_hash:
        raise Unauthorized("login failed")
    if language is not None:
        account.locale = language
    return sessions.open_session(session, account)


@router.post("/app/login")
async def log_in(request: Request, background: BackgroundTasks) -> Response:
    form = await checked_form(request, "login", request.cookies.get(LOGIN_COOKIE, ""))
    email, password = str(form.get("email") or ""), str(form.get("password") or "")
    next_path, language = str(form.get("next") or ""), language_of(str(form.get("lang") or ""))
    if language:
        page_of(request).language = language
    again = partial(login_page, request, email=email, next_path=next_path, chosen=language)
    keys = attempt_keys(request, email)
    try:
        failures(request).check(ATTEMPTS, keys)
    except TooManyRequests:
        return again(status=429, alert="Too many attempts. Try again later.")
    found = await read_phase(request, partial(accounts.credentials, email=email))
    token = None
    if await passwords.verify_password(found[1] if found else None, password) and found:
        start = partial(start_session, account_id=found[0], verified_hash=found[1])
        try:
            token = await write_phase(request, background, partial(start, language=language))
        except Unauthorized:
            token = None
    if token is None:
        try:
            failures(request).hit(ATTEMPTS, keys)
        except TooManyRequests:
            pass  # this failure spent the budget: the next login is refused
        return again(status=401, alert="Wrong email or password")
    response = see_other(safe_next(next_path))
    give_session_cookie(request, response, token)
    response.delete_cookie(LOGIN_COOKIE, path="/app")
    return response


@router.post("/app/logout")
def log_out(request: Request, session: Db, visitor: VisitorDep, _form: FormDep) -> Response:
    """WEB §W2.3: the session ends on the server; then the login page."""
    sessions.end_session(session, visitor.session_id)
    response = see_other("/app/login")
    response.delete_cookie(COOKIE, path="/app", httponly=True, samesite="lax")
    return response
