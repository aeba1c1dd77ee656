"""Every query of price lists and prices: a list's live prices (`include=prices`), one live
price per item in a list, and the sale price a client pays on a day (COMPAT §7.6)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select

from spaceport.kit.repository import Repository, live_conditions
from spaceport.pricing.models import Price, PriceList


class PriceRepository(Repository[Price]):
    model = Price

    def in_lists(self, price_list_ids: list[str]) -> list[Price]:
        """The lists' live prices, in id order."""
        stmt = self.statement().where(Price.price_list_id.in_(price_list_ids))
        return self.all(stmt.order_by(Price.id))

    def item_priced(self, price_list_id: str, item_id: str, price: Price | None) -> bool:
        """Whether the list has a live price for the item besides `price`."""
        stmt = select(Price.id).where(
            Price.price_list_id == price_list_id, Price.item_id == item_id, *self.live_conditions()
        )
        if price is not None:
            stmt = stmt.where(Price.id != price.id)
        return self.exists(stmt)

    def active_sale_price(
        self, organization_id: str, client_id: str, item_id: str, on: datetime
    ) -> Price | None:
        """The item's live price in the client's newest sale list that is active on `on`:
        `active` and `on` within [activeFrom, activeTo] (either end may be open)."""
        stmt = (
            self.statement()
            .join(PriceList, Price.price_list_id == PriceList.id)
            .where(
                PriceList.organization_id == organization_id,
                PriceList.client_id == client_id,
                PriceList.type == "sale",
                PriceList.active.is_(True),
                *live_conditions(PriceList),
                or_(PriceList.active_from.is_(None), PriceList.active_from <= on),
                or_(PriceList.active_to.is_(None), PriceList.active_to >= on),
                Price.item_id == item_id,
            )
            .order_by(PriceList.created_at.desc(), PriceList.id.desc())
        )
        return self.first(stmt)
