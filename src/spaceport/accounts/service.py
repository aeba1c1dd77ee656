"""Sign up, log in, launch codes, passwords (COMPAT §3.1 through COMPAT §3.6)."""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy.orm import Session

from spaceport.access.authorization import Caller, code_hash, token_for
from spaceport.access.repository import AccessRepository
from spaceport.accounts.errors import EmailTaken, RootOnly
from spaceport.accounts.models import AccessToken, Account
from spaceport.accounts.repository import AccountRepository
from spaceport.accounts.schemas import AccountCreate, AccountUpdate
from spaceport.kit.errors import NotFound, Unauthorized, invalid
from spaceport.kit.json import iso_datetime
from spaceport.kit.serialize import to_api

EMAIL_LINK_TTL = 7 * 24 * 3600  # seconds: a link to confirm an address works for a week


def normalize_email(email: str) -> str:
    return email.strip().lower()


def account_by_email(session: Session, email: str) -> Account | None:
    return AccountRepository(session).by_email(normalize_email(email))


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
    # Issue 16 point 4: invitations sent to this email wait until the address is verified
    return account


def link_invitations(session: Session, account: Account) -> None:
    """Invitations sent to this account's email now name it: only once the account has proven
    the address (issue 16 point 4), never at sign-up or at an unconfirmed email change."""
    if account.email_verified:
        AccessRepository(session).link_invitations(account.email, account.id)


def update_account(
    session: Session, account: Account, data: AccountUpdate
) -> tuple[Account, str | None]:
    """The account and, when the email changes, the single-use code of the link to send to
    the new address: the account keeps its email until that link is followed (issue 16
    point 4), so nobody takes an address, or the invitations sent to it, by naming it."""
    changes = data.given()
    email = changes.pop("email", None)
    for name, value in changes.items():
        if value is not None:
            setattr(account, name, value)
    code = None if email is None else change_email(session, account, normalize_email(email))
    session.flush()
    return account, code


def change_email(session: Session, account: Account, email: str) -> str | None:
    """A pending change to `email`, replacing any earlier one (whose link stops working)."""
    repository = AccountRepository(session)
    repository.drop_codes(account.id, ("email",))
    if email == account.email:
        account.pending_email = None
        return None
    if not is_unique(session, email):
        raise EmailTaken()
    account.pending_email = email
    code, _ = issue_code(session, account, EMAIL_LINK_TTL, purpose="email")
    return code


def confirm(session: Session, account_id: str, code: str) -> Account:
    """The link of a verification email (COMPAT §3.5) or of an email change (issue 16 point 4),
    single-use: the address is verified, a pending email becomes the account's email, and the
    invitations sent to the address now name the account."""
    token = (
        (token_for(session, code, "verify") or token_for(session, code, "email")) if code else None
    )
    repository = AccountRepository(session)
    account = repository.get(token.account_id) if token else None
    if token is None or account is None or account.id != account_id:
        raise Unauthorized("Invalid or expired token")
    session.delete(token)
    if token.purpose == "email":
        email = account.pending_email
        if email is None:
            raise Unauthorized("Invalid or expired token")
        if not is_unique(session, email):
            raise EmailTaken()
        account.email, account.pending_email = email, None
        # what was sent to the old address verifies nothing any more
        repository.drop_codes(account.id, ("verify", "email"))
    account.email_verified = True
    session.flush()
    link_invitations(session, account)
    return account


def credentials(session: Session, email: str) -> tuple[str, str] | None:
    """The account id and password hash behind an email, if there is an account."""
    account = account_by_email(session, email)
    return (account.id, account.password_hash) if account else None


def revoke_codes(session: Session, account: Account, keep: str | None = None) -> None:
    """Issue 15 item 3: a new password ends every other launch code and pending reset."""
    AccountRepository(session).revoke_codes(account.id, keep)


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
    account = AccountRepository(session).get(account_id)
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
        AccountRepository(session).get(account_id)
        if account_id
        else account_by_email(session, email or "")
    )
    if target is None or not caller.governs(target):
        raise NotFound("No child account with that id or email")
    return access_token_answer(*issue_code(session, target, ttl))


def account_for(session: Session, caller: Caller, account_id: str) -> Account:
    account = AccountRepository(session).get(account_id)
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
    account = AccountRepository(session).get(token.account_id) if token else None
    if token is None or account is None:
        raise Unauthorized("Invalid or expired token")
    session.delete(token)
    return account


def tokens_of(session: Session, account: Account) -> list[AccessToken]:
    return AccountRepository(session).login_tokens(account.id)


def delete_token(session: Session, account: Account, token_id: str) -> int:
    """`token_id` is a launch code, or the id under which `accessTokens` lists it (its hash)."""
    for key in (token_id, code_hash(token_id)):
        token = AccountRepository(session).token(key)
        if token is not None and token.account_id == account.id:
            session.delete(token)
            return 1
    return 0


def account_answer(account: Account) -> dict[str, Any]:
    return to_api(account)
