"""Access management: invitations, roles, enabling and disabling (reference "The access object")."""

from __future__ import annotations

import hmac
import secrets
from typing import Any

from sqlalchemy.orm import Session

from spaceport.access.authorization import code_hash
from spaceport.access.errors import AlreadyHasAccess, LastAdmin
from spaceport.access.models import Access
from spaceport.access.repository import AccessRepository
from spaceport.access.schemas import Invite
from spaceport.accounts.models import Account
from spaceport.accounts.repository import AccountRepository
from spaceport.kit.errors import NotFound, Unauthorized, invalid
from spaceport.kit.serialize import to_api


def invite(session: Session, organization_id: str, data: Invite) -> tuple[Access, str | None]:
    """By `accountId`, or by `email`. Issue 16 point 4: an invitation by email names an account
    only once it has verified the address (now, or when it verifies it later), and comes with
    a single-use token, returned here for its email, that lets whoever received it accept."""
    if data.account_id is None and data.email is None:
        raise invalid("email", "Either accountId or email is required")
    account = _invitee(session, data)
    if data.account_id is None and account is not None and not account.email_verified:
        account = None  # the address is not proven to be this account's
    email = account.email if account else str(data.email).lower()
    existing = AccessRepository(session).invitation(
        organization_id, account.id if account else None, email
    )
    if existing is not None and not existing.rejected:
        raise AlreadyHasAccess()
    access = existing or Access(organization_id=organization_id)
    access.account_id = account.id if account else None
    access.email = email
    access.role = data.role
    access.active = not data.require_confirmation
    access.rejected = False
    access.disabled = False
    code = None if data.account_id is not None else secrets.token_urlsafe(32)
    access.invitation_hash = code_hash(code) if code else None
    session.add(access)
    session.flush()
    return access, code


def _invitee(session: Session, data: Invite) -> Account | None:
    if data.account_id is not None:
        account = AccountRepository(session).get(data.account_id)
        if account is None:
            raise invalid("accountId", "No account with this id")
        return account
    email = str(data.email).lower()
    return AccountRepository(session).by_email(email)


def accesses_of(session: Session, organization_id: str) -> list[Access]:
    return AccessRepository(session).of_organization(organization_id)


def _keep_an_admin(session: Session, access: Access) -> None:
    """An organization never loses its last admin: nobody could manage it any more."""
    if access.role == "admin" and AccessRepository(session).admins_left_without(access) == 0:
        raise LastAdmin()


def remove(session: Session, access: Access) -> None:
    _keep_an_admin(session, access)
    session.delete(access)
    session.flush()


def set_disabled(session: Session, access: Access, disabled: bool) -> None:
    if disabled:
        _keep_an_admin(session, access)
    access.disabled = disabled
    session.flush()


def change_role(session: Session, access: Access, role: str) -> None:
    if role != "admin":
        _keep_an_admin(session, access)
    access.role = role
    session.flush()


def invitation_for(session: Session, account: Account, access_id: str, token: str) -> Access:
    """Only the invited account answers an invitation (issue 16 point 4): the account it names,
    an account that has verified the address it was sent to, or whoever gives the token of its
    email. The token is single-use: once answered, the invitation names the account."""
    access = AccessRepository(session).get(access_id)
    if access is None:
        raise NotFound(f"Unknown access id {access_id!r}")
    open_to = access.account_id is None
    proven = account.email_verified and access.email == account.email
    given = bool(token) and access.invitation_hash is not None
    received = given and hmac.compare_digest(access.invitation_hash or "", code_hash(token))
    if not (access.account_id == account.id or (open_to and (proven or received))):
        raise Unauthorized()
    access.account_id = account.id
    access.invitation_hash = None
    return access


def answer_invitation(
    session: Session, account: Account, access_id: str, token: str, *, accept: bool
) -> Access:
    """The invited account accepts (the access becomes active) or rejects the invitation."""
    access = invitation_for(session, account, access_id, token)
    access.active, access.rejected = accept, not accept
    session.flush()
    return access


def answer(access: Access) -> dict[str, Any]:
    return to_api(access)
