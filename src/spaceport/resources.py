"""`Resource`: the kit's CRUD mechanism (`kit.crud`, `kit.routes`) bound to this application —
events recorded in the outbox (COMPAT §8.1) and routes authorized by the one authorization
(`access.authorization`, DESIGN), each in one phase. A domain declares its resource in its
`service.py`:

    clients = Resource(Client, "client", "clients", ClientCreate, ClientUpdate,
                       prepare=prepare, includes={"documents": ...},
                       repository=ClientRepository)

and serves it from its `endpoints.py` with the routes it wants:

    router = clients.router()                          # all six
    router = webhooks.router(only=("find", "count", "get", "delete"))
    router.include_router(prices.children(PriceList, parent_collection="pricelists",
                                          key="price_list_id", paths=("prices",)))

Every resource is listed once in `spaceport.domains`, which derives what others need from the
list (the relation routes of the wire, the model names webhooks subscribe to)."""

from __future__ import annotations

from collections.abc import Collection
from typing import TypeVar

from fastapi import APIRouter

from spaceport.access.authorization import scoped_read, scoped_write
from spaceport.events import service as events
from spaceport.kit import routes
from spaceport.kit.crud import Binding, Crud, Values
from spaceport.kit.db import Model
from spaceport.kit.repository import live
from spaceport.kit.routes import ALL, IN_PARENT, ORGANIZATIONS, Route

M = TypeVar("M", bound=Model)

BINDING = Binding(record=events.record, read=scoped_read, write=scoped_write)


class Resource(Crud[M]):
    binding = BINDING

    def router(
        self, only: Collection[Route] = ALL, organization_paths: Collection[str] = ORGANIZATIONS
    ) -> APIRouter:
        return routes.router(self, only, organization_paths)

    def children(
        self,
        parent: type[Model],
        *,
        parent_collection: str,
        key: str,
        paths: Collection[str],
        only: Collection[Route] = IN_PARENT,
    ) -> APIRouter:
        return routes.children(
            self, parent, parent_collection=parent_collection, key=key, paths=paths, only=only
        )


__all__ = ["Resource", "Values", "live"]
