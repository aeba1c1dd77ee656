"""Every query of organizations: those an account has active access to (COMPAT §3.6)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import ColumnElement, select

from spaceport.access.models import Access
from spaceport.kit.filters import Filter
from spaceport.kit.repository import Repository
from spaceport.organizations.models import Organization


def member_condition(account_id: str) -> ColumnElement[bool]:
    """Organizations the account has active access to."""
    return Organization.id.in_(
        select(Access.organization_id).where(
            Access.account_id == account_id,
            Access.active.is_(True),
            Access.disabled.is_(False),
            Access.rejected.is_(False),
        )
    )


class OrganizationRepository(Repository[Organization]):
    model = Organization

    def of_member(self, account_id: str, flt: Filter) -> list[Organization]:
        return self.find(flt, member_condition(account_id))

    def count_of_member(self, account_id: str, query: Mapping[str, Any]) -> int:
        return self.count(query, member_condition(account_id))
