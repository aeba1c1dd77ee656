"""Sessions of the web app (WEB §W2.3) and the CSRF tokens bound to them (WEB §W2.4).

A session is a random token in the cookie `spaceport_session`; the server keeps only its
SHA-256, so a copy of the database opens no session. It ends after `IDLE` unused (each use
moves `last_seen`, at most every `TOUCH_EVERY`, so reading pages seldom writes), at log out,
or when the account's password changes. Its CSRF token is an HMAC of the stored hash under the
server's secret key: nothing more to store, and unknown to whoever lacks the cookie."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.orm import Session

from spaceport.accounts.models import Account, WebSession
from spaceport.accounts.repository import AccountRepository
from spaceport.accounts.schemas import AccountUpdate
from spaceport.accounts.service import update_account
from spaceport.kit.db import Database, utcnow
from spaceport.web.repository import WebSessionRepository
from spaceport.web.words import Language

COOKIE = "spaceport_session"
LOGIN_COOKIE = "spaceport_login"  # the pre-session cookie the login form's token is bound to
IDLE = timedelta(days=7)
TOUCH_EVERY = timedelta(hours=1)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def csrf_token(secret_key: str, purpose: str, bound_to: str) -> str:
    """The CSRF token of a session (`purpose` "session", bound to its stored hash) or of the
    login form ("login", bound to the pre-session cookie's value)."""
    key = secret_key.split(",")[0].encode()
    return hmac.new(key, f"{purpose}:{bound_to}".encode(), hashlib.sha256).hexdigest()


def csrf_matches(secret_key: str, purpose: str, bound_to: str, given: str) -> bool:
    return bool(given) and hmac.compare_digest(csrf_token(secret_key, purpose, bound_to), given)


@dataclass(frozen=True)
class Visitor:
    """The account behind a request's session cookie."""

    account: Account
    session_id: str  # the stored hash
    stale: bool  # `last_seen` is older than `TOUCH_EVERY`: move it after this request


def open_session(session: Session, account: Account) -> str:
    """A new session of `account`; the token for its cookie (64 url-safe characters)."""
    token = secrets.token_urlsafe(48)
    session.add(WebSession(id=token_hash(token), account_id=account.id))
    session.flush()
    return token


def visitor_of(session: Session, token: str | None) -> Visitor | None:
    """The visitor of a cookie's token, or None when it names no live session."""
    if not token:
        return None
    found = WebSessionRepository(session).with_account(token_hash(token))
    if found is None:
        return None
    stored, account = found
    age = utcnow() - stored.last_seen
    if age > IDLE:
        return None
    return Visitor(account, stored.id, stale=age > TOUCH_EVERY)


def touch(database: Database, session_id: str) -> None:
    """Moves the session's `last_seen` to now (after the answer, in a short transaction)."""
    with database.transaction() as session:
        stored = WebSessionRepository(session).get(session_id)
        if stored is not None:
            stored.last_seen = utcnow()


def end_session(session: Session, session_id: str) -> None:
    WebSessionRepository(session).end(session_id)


def remember_language(database: Database, account_id: str, language: Language) -> None:
    """WEB §W1.3: a `?lang=` becomes the account's `locale` (after the answer, in a short
    transaction, through the accounts service as `PATCH /v1/accounts/:id` does)."""
    with database.transaction() as session:
        account = AccountRepository(session).get(account_id)
        if account is not None:
            update_account(session, account, AccountUpdate(locale=language))
