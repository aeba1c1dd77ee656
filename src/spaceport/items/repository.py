"""Every query of items: SKU uniqueness (COMPAT §7.3) and search (COMPAT §1.11)."""

from __future__ import annotations

import dataclasses
from typing import Final

from sqlalchemy import select

from spaceport.items.models import Item
from spaceport.items.search import folded
from spaceport.kit.filters import Filter
from spaceport.kit.repository import Repository
from spaceport.kit.search import by_name

SEARCH_LIMIT: Final = 50


class ItemRepository(Repository[Item]):
    model = Item

    def sku_taken(self, organization_id: str, sku: str, item: Item | None) -> bool:
        """Whether another live item of the organization has this SKU."""
        stmt = select(Item.id).where(
            self.in_organization(organization_id), Item.sku == sku, *self.live_conditions()
        )
        if item is not None:
            stmt = stmt.where(Item.id != item.id)
        return self.exists(stmt)

    def with_sku(self, organization_id: str, sku: str) -> Item | None:
        """A live item of the organization with this SKU (loading a line by SKU, COMPAT §6.6)."""
        return self.first(self.live_in(organization_id).where(Item.sku == sku))

    def search(self, organization_id: str, term: str, flt: Filter) -> list[Item]:
        """`search-items?term=` (COMPAT §1.11): a case-insensitive substring of the name,
        description or SKU; best matches first (`kit.search.by_name`), then by name;
        `filter[limit]` (default 50), `skip`, `where`, `fields` and `include` apply as on the
        list."""
        flt = dataclasses.replace(
            flt, limit=flt.limit or SEARCH_LIMIT, order=flt.order or [("name", False)]
        )
        return by_name(self, organization_id, folded(term.strip()), flt)
