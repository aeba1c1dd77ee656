"""Every query of items: SKU uniqueness (COMPAT §7.3) and search (COMPAT §1.11)."""

from __future__ import annotations

import dataclasses
from typing import Any, Final

from sqlalchemy import ColumnElement, case, select

from spaceport.items.models import Item
from spaceport.items.search import SEPARATOR, escape_like, folded
from spaceport.kit.filters import Filter, apply_filter
from spaceport.kit.repository import Repository
from spaceport.kit.search import searched

SEARCH_LIMIT: Final = 50


def search_order(term: str) -> list[ColumnElement[Any]]:
    """The rank of a match (a case-insensitive substring of name, description or SKU,
    `kit.search.searched`): the exact name, a name prefix, inside the name, then the other
    properties. `search_text` is `name␟description␟sku`, so a match followed by two separators
    lies inside the name."""
    text = escape_like(folded(term.strip()))
    if not text:
        return []
    stored = Item.search_text

    def like(pattern: str) -> ColumnElement[bool]:
        return stored.like(pattern, escape="\\")

    rank = case(
        (like(f"{text}{SEPARATOR}%"), 0),
        (like(f"{text}%"), 1),
        (like(f"%{text}%{SEPARATOR}%{SEPARATOR}%"), 2),
        else_=3,
    )
    return [rank]


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
        """`search-items?term=`: best matches first, then by name; `filter[limit]` (default
        50), `skip`, `where`, `fields` and `include` apply as on the list."""
        literal = folded(term.strip())
        stmt = select(Item).where(*searched(Item, organization_id, literal, self.dialect))
        flt = dataclasses.replace(
            flt, limit=flt.limit or SEARCH_LIMIT, order=flt.order or [("name", False)]
        )
        return self.all(apply_filter(stmt.order_by(*search_order(term)), flt, Item, self.dialect))
