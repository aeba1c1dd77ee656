"""Every query of organizations: those an account has active access to (COMPAT §3.6)."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, bindparam, select
from sqlalchemy.orm import aliased

from spaceport.access.models import Access
from spaceport.access.repository import active_of
from spaceport.kit.db import Model
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


@cache
def with_access_via(model: type[Model]) -> Select[Model, Organization, Access]:
    """`WITH_ACCESS` for the organization of a `model` instance, read with it: the instance by
    id (deleted or not), its organization and the account's active access, in one query."""
    held = aliased(Access, name="held")  # `model` may be Access itself
    active = active_of(bindparam("account_id"), held)
    return (
        select(model, Organization, held)
        .join(Organization, Organization.id == model.organization_id)  # type: ignore[attr-defined]
        .outerjoin(held, and_(held.organization_id == Organization.id, active))
        .where(model.id == bindparam("instance_id"))
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

    def via_with_access(
        self, model: type[Model], instance_id: str, account_id: str
    ) -> tuple[Any, Organization, Access | None] | None:
        """The `model` instance with this id (deleted or not), its organization and the
        account's active access to it, in one query; None for an unknown id."""
        bound = {"instance_id": instance_id, "account_id": account_id}
        row = self.session.execute(with_access_via(model), bound).first()
        return None if row is None else (row[0], row[1], row[2])

    def of_member(self, account_id: str, flt: Filter) -> list[Organization]:
        return self.find(flt, member_condition(account_id))

    def count_of_member(self, account_id: str, query: Mapping[str, Any]) -> int:
        return self.count(query, member_condition(account_id))
