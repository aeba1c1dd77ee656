"""The one list of declared resources, and what is derived from it.

- `relation_collections()`: the collections reachable through their relation route
  `/v1/organizations/:id/<models>/:fk` (COMPAT §1.10, every organization-scoped model), for the
  wire middleware;
- `event_models()`: the model names of events `model/action` (COMPAT §8.1), which webhooks
  subscribe to (COMPAT §8.2).

A new resource is declared in its domain (`Resource(...)`, see `spaceport.resources`) and
added here once."""

from __future__ import annotations

from functools import cache
from typing import Any, Final

from spaceport.categories.service import bookings, categories
from spaceport.clients.service import clients
from spaceport.connections.service import connections
from spaceport.defaults.service import defaults
from spaceport.documents.payments.service import payments
from spaceport.documents.service import documents
from spaceport.fiscal.premises import devices, premises
from spaceport.flows.service import flows
from spaceport.items.service import items
from spaceport.orders.service import orders
from spaceport.pricing.service import price_lists, prices
from spaceport.recurrences.service import recurrences
from spaceport.resources import Resource
from spaceport.taxes.service import taxes
from spaceport.units.service import units
from spaceport.webhooks.service import webhooks

RESOURCES: Final[tuple[Resource[Any], ...]] = (
    clients,
    items,
    taxes,
    units,
    categories,
    bookings,
    price_lists,
    prices,
    orders,
    defaults,
    webhooks,
    recurrences,
    documents,
    payments,
    premises,
    devices,
    connections,
    flows,
)

# Models whose routes their domain writes itself (not a Resource): organizations (COMPAT §7.1;
# they are the scope, so they have no relation route) and flow runs (FLOWS §F7.4, whose event
# `flowRun/failed` webhooks may subscribe to): their event model names.
OTHER_EVENT_MODELS: Final = ("organization", "flowRun")


@cache
def relation_collections() -> frozenset[str]:
    """COMPAT §1.10: every organization-scoped model's relation route."""
    return frozenset(r.collection for r in RESOURCES)


@cache
def event_models() -> tuple[str, ...]:
    """COMPAT §8.1: the models whose creates, updates and deletes record events."""
    return tuple(dict.fromkeys([*(r.event for r in RESOURCES), *OTHER_EVENT_MODELS]))
