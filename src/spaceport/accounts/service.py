"""Sign up, log in, launch codes, passwords (COMPAT §3.1 through COMPAT §3.6)."""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from spaceport.access.authorization import Caller, code_hash, token_for
from spaceport.access.models import Access
from spaceport.accounts.errors import EmailTaken, RootOnly
from spaceport.accounts.models import AccessToken, Account
from spaceport.accounts.schemas import AccountCreate, AccountUpdate
from spaceport.kit.errors import NotFound, Unauthorized, invalid
from spaceport.kit.json import iso_datetime
from spaceport.kit.serialize import to_api


def normalize_email(email: str) -> str:
    return email.strip().lower()


def account_by_email(session: Session, email: str) -> Account | None:
    return session.scalars(select(Account).where(Account.email == normalize_email(email))).first()


def is_unique(session: Session, email: str) -> bool:
    return account_by_email(session, email) is None


def sign_up(
    session: Session, data: AccountCreate, password_hash: str, creator: Caller | None
) -> Account:
    """A root account without a caller; with one, a child of the caller's root (COMPAT §3.3).
    The password was hashed before (accounts.passwords), whether the email is taken or not."""
    if not is_unique(session, data.email):
        raise EmailTaken()
    account = Account(
        email=normalize_email(data.email),
        password_hash=password_hash,
        firstname=data.firstname,
        lastname=data.lastname,
        label=data.label,
        tax_number=data.tax_number,
        custom=data.custom,
        root_id=creator.root_id if creator else None,
    )
    session.add(account)
    session.flush()
    link_invitations(session, account)
    return account


def link_invitations(session: Session, account: Account) -> None:
    """Invitations sent to this email before the account existed now name it."""
    session.execute(
        update(Access)
        .where(Access.account_id.is_(None), Access.email == account.email)
        .values(account_id=account.id)
    )


def update_account(session: Session, account: Account, data: AccountUpdate) -> Account:
    changes = data.given()
    if "email" in changes and changes["email"] is not None:
        email = normalize_email(changes["email"])
        if email != account.email and not is_unique(session, email):
            raise EmailTaken()
        changes["email"] = email
    for name, value in changes.items():
        if value is not None:
            setattr(account, name, value)
    session.flush()
    return account


def credentials(session: Session, email: str) -> tuple[str, str] | None:
    """The account id and password hash behind an email, if there is an account."""
    account = account_by_email(session, email)
    return (account.id, account.password_hash) if account else None


def revoke_codes(session: Session, account: Account, keep: str | None = None) -> None:
    """Issue 15 item 3: a new password ends every other launch code and pending reset."""
    session.execute(
        delete(AccessToken).where(
            AccessToken.account_id == account.id,
            AccessToken.purpose.in_(("login", "reset")),
            AccessToken.id != (keep or ""),
        )
    )


def set_password(session: Session, account: Account, password_hash: str, keep: str | None) -> None:
    account.password_hash = password_hash
    revoke_codes(session, account, keep)
    session.flush()


def issue_code(
    session: Session,
    account: Account,
    ttl: int,
    purpose: str = "login",
    scopes: list[str] | None = None,
) -> tuple[str, AccessToken]:
    """A new launch code: 64 url-safe random characters, stored only as a hash (COMPAT §3.2)."""
    code = secrets.token_urlsafe(48)
    token = AccessToken(
        id=code_hash(code), account_id=account.id, ttl=ttl, purpose=purpose, scopes=scopes or []
    )
    session.add(token)
    session.flush()
    return code, token


def access_token_answer(code: str, token: AccessToken) -> dict[str, Any]:
    return {
        "id": code,
        "ttl": token.ttl,
        "created": iso_datetime(token.created),
        "userId": token.account_id,
        "scopes": token.scopes,
    }


def token_listing(token: AccessToken) -> dict[str, Any]:
    """A stored launch code without its secret: only the hash is known."""
    return {
        "id": token.id,
        "ttl": token.ttl,
        "created": iso_datetime(token.created),
        "userId": token.account_id,
        "scopes": token.scopes,
    }


def log_in(session: Session, account_id: str, verified_hash: str, ttl: int) -> dict[str, Any]:
    """A launch code for an account whose password was verified against `verified_hash`
    (outside this transaction); a password changed since then fails the login."""
    account = session.get(Account, account_id)
    if account is None or account.password_hash != verified_hash:
        raise Unauthorized("login failed")
    return access_token_answer(*issue_code(session, account, ttl))


def impersonate(
    session: Session, caller: Caller, account_id: str | None, email: str | None, ttl: int
) -> dict[str, Any]:
    if caller.account.root_id is not None:
        raise RootOnly()
    if account_id is None and email is None:
        raise invalid("email", "Either id or email is required")
    target = (
        session.get(Account, account_id) if account_id else account_by_email(session, email or "")
    )
    if target is None or not caller.governs(target):
        raise NotFound("No child account with that id or email")
    return access_token_answer(*issue_code(session, target, ttl))


def account_for(session: Session, caller: Caller, account_id: str) -> Account:
    account = session.get(Account, account_id)
    if account is None:
        raise NotFound(f"Unknown account id {account_id!r}")
    if not caller.governs(account):
        raise Unauthorized()
    return account


def redeemable(session: Session, code: str | None, purpose: str) -> None:
    """401 unless `code` is a valid single-use token of `purpose` (it stays unspent)."""
    if not code or token_for(session, code, purpose) is None:
        raise Unauthorized("Invalid or expired token")


def redeem(session: Session, code: str | None, purpose: str) -> Account:
    """A single-use token (password reset, email verification): valid once, then gone."""
    token = token_for(session, code, purpose) if code else None
    account = session.get(Account, token.account_id) if token else None
    if token is None or account is None:
        raise Unauthorized("Invalid or expired token")
    session.delete(token)
    return account


def tokens_of(session: Session, account: Account) -> list[AccessToken]:
    return list(
        session.scalars(
            select(AccessToken)
            .where(AccessToken.account_id == account.id, AccessToken.purpose == "login")
            .order_by(AccessToken.created)
        )
    )


def delete_token(session: Session, account: Account, token_id: str) -> int:
    """`token_id` is a launch code, or the id under which `accessTokens` lists it (its hash)."""
    for key in (token_id, code_hash(token_id)):
        token = session.get(AccessToken, key)
        if token is not None and token.account_id == account.id:
            session.delete(token)
            return 1
    return 0


def account_answer(account: Account) -> dict[str, Any]:
    return to_api(account)
