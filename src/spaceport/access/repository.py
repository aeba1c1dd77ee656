"""Every query of access (COMPAT §3.6): an account's active access to an organization, an
organization's accesses, an earlier invitation of the same account or email, the admins that
would be left, and the invitations by email an account takes over at sign-up."""

from __future__ import annotations

from sqlalchemy import BindParameter, ColumnElement, and_, func, or_, select, update

from spaceport.access.models import Access
from spaceport.kit.repository import Repository


def active_of(
    account_id: str | BindParameter[str], access: type[Access] = Access
) -> ColumnElement[bool]:
    """The account's accesses that are active, enabled and accepted (COMPAT §3.6); of
    `access`, an alias of the table, when the query names it twice."""
    return and_(
        access.account_id == account_id,
        access.active.is_(True),
        access.disabled.is_(False),
        access.rejected.is_(False),
    )


class AccessRepository(Repository[Access]):
    model = Access

    def active(self, account_id: str, organization_id: str) -> Access | None:
        """The account's access to the organization, if it is active, enabled and accepted."""
        return self.first(
            select(Access).where(active_of(account_id), Access.organization_id == organization_id)
        )

    def of_organization(self, organization_id: str) -> list[Access]:
        """The organization's accesses, oldest first."""
        return self.all(
            select(Access)
            .where(Access.organization_id == organization_id)
            .order_by(Access.created_at, Access.id)
        )

    def invitation(self, organization_id: str, account_id: str | None, email: str) -> Access | None:
        """The organization's access of this account (by id or email), or of this email."""
        invited = (
            or_(Access.account_id == account_id, Access.email == email)
            if account_id
            else Access.email == email
        )
        return self.first(select(Access).where(Access.organization_id == organization_id, invited))

    def admins_left_without(self, access: Access) -> int:
        """The active admins of the organization other than `access`."""
        return (
            self.session.scalar(
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

    def link_invitations(self, email: str, account_id: str) -> None:
        """Invitations sent to `email` before its account existed now name the account."""
        self.session.execute(
            update(Access)
            .where(Access.account_id.is_(None), Access.email == email)
            .values(account_id=account_id)
        )
