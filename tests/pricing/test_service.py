"""The price a client pays (COMPAT §7.6): `pricing.service.active_sale_price`, the newest
active sale price list of the client whose window holds the moment."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from spaceport.kit.db import Database
from spaceport.pricing import service
from tests.conftest import Api
from tests.pricing.test_endpoints import client_of, item, price, price_list


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


class Prices:
    """An organization with a client, an item, and price lists made on demand."""

    def __init__(self, api: Api, database: Database) -> None:
        self.api, self.database = api, database
        self.oid = api.create_organization()["id"]
        self.client_id = client_of(api, self.oid)
        self.item_id = item(api, self.oid)

    def list_with_price(self, amount: str, **data: Any) -> dict[str, Any]:
        pl = price_list(self.api, self.oid, clientId=self.client_id, **data)
        return price(self.api, pl["id"], self.item_id, price=amount)

    def on(self, when: str, client_id: str | None = None) -> Decimal | None:
        with self.database.transaction(write=False) as session:
            found = service.active_sale_price(
                session, self.oid, client_id or self.client_id, self.item_id, at(when)
            )
            return None if found is None else found.price


@pytest.fixture
def prices(api: Api, database: Database) -> Prices:
    return Prices(api, database)


def test_active_sale_price_within_the_window(prices: Prices) -> None:
    prices.list_with_price("80", activeFrom="2026-01-01", activeTo="2026-03-31")
    assert prices.on("2025-12-31T23:59:59") is None
    assert prices.on("2026-01-01T00:00:00") == 80  # both ends belong to the window
    assert prices.on("2026-02-15T12:00:00") == 80
    assert prices.on("2026-03-31T23:59:59") == 80  # a date-only activeTo: the whole day
    assert prices.on("2026-04-01T00:00:00") is None


def test_active_sale_price_with_open_ends(prices: Prices) -> None:
    prices.list_with_price("70", activeFrom="2026-06-01")
    assert prices.on("2026-05-31T23:59:59") is None
    assert prices.on("2099-01-01T00:00:00") == 70


def test_active_sale_price_open_at_the_start(prices: Prices) -> None:
    prices.list_with_price("60", activeTo="2026-06-01")
    assert prices.on("1999-01-01T00:00:00") == 60
    assert prices.on("2026-06-02T00:00:00") is None


def test_active_sale_price_takes_the_newest_list(prices: Prices) -> None:
    prices.list_with_price("90")
    prices.list_with_price("85", activeFrom="2026-01-01", activeTo="2026-01-31")
    assert prices.on("2026-01-15T00:00:00") == 85
    assert prices.on("2026-02-15T00:00:00") == 90


def test_active_sale_price_skips_inactive_purchase_and_deleted(prices: Prices) -> None:
    prices.list_with_price("10", active="false")
    prices.list_with_price("20", type="purchase")
    deleted_price = prices.list_with_price("30")
    prices.api.delete(f"/v1/prices/{deleted_price['id']}")
    deleted_list = prices.list_with_price("40")
    prices.api.delete(f"/v1/priceLists/{deleted_list['priceListId']}")
    assert prices.on("2026-01-01T00:00:00") is None
    prices.list_with_price("50")
    assert prices.on("2026-01-01T00:00:00") == 50


def test_active_sale_price_belongs_to_the_client(prices: Prices) -> None:
    prices.list_with_price("10")
    other_client = client_of(prices.api, prices.oid, "Blue Origin")
    general = price_list(prices.api, prices.oid, name="No client")
    price(prices.api, general["id"], prices.item_id, price="99")
    assert prices.on("2026-01-01T00:00:00", other_client) is None
    with prices.database.transaction(write=False) as session:
        assert (
            service.active_sale_price(session, prices.oid, None, prices.item_id, at("2026-01-01"))
            is None
        )
