"""Items: what an organization sells, saved to be loaded onto documents (COMPAT §7.3)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import ForeignKey, Index, String, event, false
from sqlalchemy.orm import Mapped, mapped_column

from spaceport.items.search import folded, search_text
from spaceport.kit.db import Model, SoftDeleted


class Item(Model, SoftDeleted):
    __tablename__ = "items"

    organization_id: Mapped[str] = mapped_column(String(24), ForeignKey("organizations.id"))
    name: Mapped[str]
    description: Mapped[str | None]
    unit: Mapped[str | None]
    price: Mapped[Decimal | None]
    price_gross: Mapped[Decimal | None]
    tax_ids: Mapped[list[Any]] = mapped_column(
        default=list, info={"json_array": True, "answer": list[str]}
    )
    sku: Mapped[str | None] = mapped_column(info={"api": "SKU"})
    # name, description and SKU casefolded, joined by U+001F: what search matches (items.search)
    search_text: Mapped[str] = mapped_column(default="", info={"private": True})
    # the name casefolded: what search ranks by (kit.search.by_name)
    name_key: Mapped[str] = mapped_column(default="", info={"private": True})


@event.listens_for(Item, "before_insert")
@event.listens_for(Item, "before_update")
def _refresh_search_text(_mapper: Any, _connection: Any, item: Item) -> None:
    """Every write path keeps what search matches current, as for clients and documents."""
    item.search_text = search_text(item.name, item.description, item.sku)
    item.name_key = folded(item.name)


# Search scans the organization's live items. This index visits them in table order (several
# times faster on SQLite than the name order of the next one, which serves lists sorted by name)
# and, matching two columns, is the one SQLite's planner picks for that scan.
Index("ix_items_organization", Item.organization_id, Item.is_deleted)
Index("ix_items_organization_name", Item.organization_id, Item.name)
# search's names starting with the term, ranked and ordered by name from the index alone
Index(
    "ix_items_organization_name_key",
    Item.organization_id,
    Item.name_key,
    Item.is_deleted,
    Item.name,
    Item.id,
    postgresql_ops={"name_key": "text_pattern_ops"},
)
# COMPAT §7.3: a SKU is unique per organization among the items that are not deleted.
Index(
    "ux_items_organization_sku",
    Item.organization_id,
    Item.sku,
    unique=True,
    sqlite_where=Item.is_deleted == false(),
    postgresql_where=Item.is_deleted == false(),
)
