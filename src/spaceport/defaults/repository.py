"""Every query of Defaults: by name (unique per organization, COMPAT §7.2), an organization's
values by name, and the Defaults of several organizations (their `_defaults`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from spaceport.defaults.models import Default
from spaceport.kit.repository import Repository


class DefaultRepository(Repository[Default]):
    model = Default

    def named(self, organization_id: str, name: str) -> Default | None:
        return self.first(self.live_in(organization_id).where(Default.name == name))

    def values_of(self, organization_id: str) -> dict[str, Any]:
        """The organization's Defaults as {name: value}."""
        stmt = select(Default.name, Default.value).where(self.in_organization(organization_id))
        return {name: value for name, value in self.session.execute(stmt)}

    def of_organizations(self, organization_ids: list[str]) -> dict[str, list[Default]]:
        """Each organization's Defaults, oldest first."""
        stmt = self.statement().where(Default.organization_id.in_(organization_ids))
        grouped: dict[str, list[Default]] = {oid: [] for oid in organization_ids}
        for row in self.all(stmt.order_by(Default.created_at, Default.id)):
            grouped[row.organization_id].append(row)
        return grouped
