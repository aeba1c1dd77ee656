"""Every query of organizations: those an account has active access to (COMPAT §3.6)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import ColumnElement, and_, bindparam, select

from spaceport.access.models import Access
from spaceport.access.repository import active_of
from spaceport.kit.filters import Filter
from spaceport.kit.repository import Repository
from spaceport.organizations.models import Organization


def member_condition(account_id: str) -> ColumnElement[bool]:
    """Organizations the account has active access to."""
    return Organization.id.in_(select(Access.organization_id).where(active_of(account_id)))


# Every scoped request asks this: built once, its values bound at each execution (issue 13:
# building the statement cost twice as much as running it).
WITH_ACCESS = (
    select(Organization, Access)
    .outerjoin(
        Access,
        and_(Access.organization_id == Organization.id, active_of(bindparam("account_id"))),
    )
    .where(Organization.id == bindparam("organization_id"))
    .limit(1)
)


class OrganizationRepository(Repository[Organization]):
    model = Organization

    def with_access_of(
        self, organization_id: str, account_id: str
    ) -> tuple[Organization | None, Access | None]:
        """The organization and the account's active access to it, in one query (issue 13:
        every scoped request asks): (None, None) for an unknown id, (organization, None)
        when the account has no active access."""
        bound = {"organization_id": organization_id, "account_id": account_id}
        row = self.session.execute(WITH_ACCESS, bound).first()
        return (row[0], row[1]) if row is not None else (None, None)

    def of_member(self, account_id: str, flt: Filter) -> list[Organization]:
        return self.find(flt, member_condition(account_id))

    def count_of_member(self, account_id: str, query: Mapping[str, Any]) -> int:
        return self.count(query, member_condition(account_id))
