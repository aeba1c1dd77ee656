"""Access management: invitations, roles, enabling and disabling (reference "The access object")."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from spaceport.access.authorization import Caller
from spaceport.access.errors import AlreadyHasAccess, LastAdmin
from spaceport.access.models import Access
from spaceport.access.schemas import Invite
from spaceport.accounts.models import Account
from spaceport.kit.errors import NotFound, Unauthorized, invalid
from spaceport.kit.serialize import to_api


def invite(session: Session, organization_id: str, data: Invite) -> Access:
    """By `accountId`, or by `email`: an email without an account yet is linked at sign-up."""
    if data.account_id is None and data.email is None:
        raise invalid("email", "Either accountId or email is required")
    account = _invitee(session, data)
    email = account.email if account else str(data.email).lower()
    existing = session.scalars(
        select(Access).where(
            Access.organization_id == organization_id,
            or_(Access.account_id == account.id, Access.email == email)
            if account
            else Access.email == email,
        )
    ).first()
    if existing is not None and not existing.rejected:
        raise AlreadyHasAccess()
    access = existing or Access(organization_id=organization_id)
    access.account_id = account.id if account else None
    access.email = email
    access.role = data.role
    access.active = not data.require_confirmation
    access.rejected = False
    access.disabled = False
    session.add(access)
    session.flush()
    return access


def _invitee(session: Session, data: Invite) -> Account | None:
    if data.account_id is not None:
        account = session.get(Account, data.account_id)
        if account is None:
            raise invalid("accountId", "No account with this id")
        return account
    email = str(data.email).lower()
    return session.scalars(select(Account).where(Account.email == email)).first()


def accesses_of(session: Session, organization_id: str) -> list[Access]:
    return list(
        session.scalars(
            select(Access)
            .where(Access.organization_id == organization_id)
            .order_by(Access.created_at, Access.id)
        )
    )


def _admins_left_without(session: Session, access: Access) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(Access)
            .where(
                Access.organization_id == access.organization_id,
                Access.id != access.id,
                Access.role == "admin",
                Access.active.is_(True),
                Access.disabled.is_(False),
            )
        )
        or 0
    )


def _keep_an_admin(session: Session, access: Access) -> None:
    """An organization never loses its last admin: nobody could manage it any more."""
    if access.role == "admin" and _admins_left_without(session, access) == 0:
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


def invitation_for(session: Session, caller: Caller, access_id: str) -> Access:
    """Only the invited account answers an invitation."""
    access = session.get(Access, access_id)
    if access is None:
        raise NotFound(f"Unknown access id {access_id!r}")
    mine = access.account_id == caller.account.id or (
        access.account_id is None and access.email == caller.account.email
    )
    if not mine:
        raise Unauthorized()
    access.account_id = caller.account.id
    return access


def answer(access: Access) -> dict[str, Any]:
    return to_api(access)
