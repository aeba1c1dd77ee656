"""The generic repository: the queries every model shares, bound to a session.

Soft delete (COMPAT §5.1: a soft-deleted instance leaves every query unless asked for) and the
organization scope are written here once. A domain's `repository.py` subclasses `Repository`
for its model and adds the queries only it needs:

    class ClientRepository(Repository[Client]):
        model = Client

        def find_by_email(self, organization_id: str, email: str) -> Client | None:
            return self.first(self.live_in(organization_id).where(Client.email_key == ...))

Services call `ClientRepository(session).find_by_email(...)`; endpoints never query."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import cache
from typing import Any, ClassVar, Generic, TypeVar, cast

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.orm import Session

from spaceport.kit.db import Base, Model
from spaceport.kit.errors import NotFound
from spaceport.kit.filters import Filter, apply_filter, count_stmt, parse_where

M = TypeVar("M", bound=Model)
T = TypeVar("T")


def not_deleted(model: type[Base]) -> ColumnElement[bool] | None:
    """COMPAT §5.1: the predicate of a model's live rows, or None when it is never soft deleted."""
    flag = getattr(model, "is_deleted", None)
    return None if flag is None else cast(ColumnElement[bool], flag.is_(False))


def live_conditions(model: type[Base]) -> list[ColumnElement[bool]]:
    """`not_deleted(model)` as a list of conditions (empty for models never soft deleted)."""
    hidden = not_deleted(model)
    return [] if hidden is None else [hidden]


def is_live(instance: object | None) -> bool:
    """COMPAT §5.1: an instance that exists and is not soft deleted."""
    return instance is not None and not getattr(instance, "is_deleted", False)


def live(instance: T | None, what: str) -> T:
    """COMPAT §5.1: a soft-deleted instance is gone for every route by id (404)."""
    if instance is None or not is_live(instance):
        raise NotFound(f"Unknown {what} id")
    return instance


def dialect_of(session: Session) -> str:
    return session.get_bind().dialect.name


class Repository(Generic[M]):
    """Reads of one model within one session (the request's or the task's transaction)."""

    model: ClassVar[type[Any]]

    def __init__(self, session: Session) -> None:
        self.session = session

    # -- statements ----------------------------------------------------------------------------
    @property
    def dialect(self) -> str:
        return dialect_of(self.session)

    def live_conditions(self, *, include_deleted: bool = False) -> list[ColumnElement[bool]]:
        return [] if include_deleted else live_conditions(self.model)

    def in_organization(self, organization_id: str) -> ColumnElement[bool]:
        return cast(ColumnElement[bool], self.model.organization_id == organization_id)

    def statement(self, *, include_deleted: bool = False) -> Select[M]:
        """`SELECT model` of the live rows (every row with `include_deleted`)."""
        return select(self.model).where(*self.live_conditions(include_deleted=include_deleted))

    def live_in(self, organization_id: str, *, include_deleted: bool = False) -> Select[M]:
        """The organization's live rows: the start of nearly every query of a domain."""
        stmt = self.statement(include_deleted=include_deleted)
        return stmt.where(self.in_organization(organization_id))

    # -- running statements --------------------------------------------------------------------
    def first(self, stmt: Select[T]) -> T | None:
        return self.session.scalars(stmt.limit(1)).first()

    def all(self, stmt: Select[T]) -> list[T]:
        return list(self.session.scalars(stmt))

    def exists(self, stmt: Select[Any]) -> bool:
        return self.session.execute(stmt.limit(1)).first() is not None

    # -- the shared reads ----------------------------------------------------------------------
    def get(self, instance_id: str, *, include_deleted: bool = False) -> M | None:
        """The instance with this id, whatever its organization; live unless asked."""
        found: M | None = self.session.get(self.model, instance_id)
        return found if include_deleted or is_live(found) else None

    def get_in(self, organization_id: str, instance_id: str) -> M | None:
        """The organization's live instance with this id."""
        found = self.get(instance_id)
        return found if found is not None and found.organization_id == organization_id else None  # type: ignore[attr-defined]

    def by_ids(
        self, organization_id: str, ids: Iterable[str], *, include_deleted: bool = False
    ) -> dict[str, M]:
        """The organization's live instances among `ids` (every one with `include_deleted`),
        by id."""
        wanted = set(ids)
        if not wanted:
            return {}
        stmt = self.live_in(organization_id, include_deleted=include_deleted)
        stmt = stmt.where(self.model.id.in_(wanted))
        return {row.id: row for row in self.all(stmt)}

    def find(
        self,
        flt: Filter,
        *conditions: ColumnElement[bool],
        ranked: Sequence[ColumnElement[Any]] = (),
    ) -> list[M]:
        """The rows matching `conditions` and the filter language (COMPAT §4.1, COMPAT §4.2):
        its where, order, limit, skip and `deleted` (soft-deleted rows only when it asks,
        COMPAT §4.5); ordered by `ranked` (a search's rank) before the filter's order.

        A page (a `limit`) is found in two steps, the ids in order and then their rows (issue
        13): the database puts the ids in order from an index alone where one covers the where
        and the order, and reads only the page's rows, not every row its sort looks at."""
        if flt.limit is None:
            stmt = select(self.model).where(*conditions).order_by(*ranked)
            return self.all(apply_filter(stmt, flt, self.model, self.dialect))
        key = getattr(self.model, "id")  # noqa: B009 - Base declares no id
        stmt = select(key).where(*conditions).order_by(*ranked)
        page = apply_filter(stmt, flt, self.model, self.dialect)
        ids: list[str] = list(self.session.scalars(page))
        if not ids:
            return []
        rows = {row.id: row for row in self.all(select(self.model).where(key.in_(ids)))}
        return [rows[i] for i in ids if i in rows]  # one deleted in between is gone

    def find_in(self, organization_id: str, flt: Filter) -> list[M]:
        return self.find(flt, self.in_organization(organization_id))

    def count(self, query: Mapping[str, Any], *conditions: ColumnElement[bool]) -> int:
        """COMPAT §4.5: count takes `where` only; soft-deleted instances never count."""
        base = select(self.model.id).where(*conditions)
        stmt = count_stmt(base, parse_where(query), self.model, self.dialect)
        return self.session.scalar(stmt) or 0

    def count_in(self, organization_id: str, query: Mapping[str, Any]) -> int:
        return self.count(query, self.in_organization(organization_id))

    # -- writes ----------------------------------------------------------------------------------
    def add(self, instance: M) -> M:
        self.session.add(instance)
        self.session.flush()
        return instance


@cache
def repository_of(model: type[M]) -> type[Repository[M]]:
    """The plain repository of `model`, for models without queries of their own."""
    plain: type[Repository[M]] = type(
        f"{model.__name__}Repository", (Repository,), {"model": model}
    )
    return plain


def once_per_transaction(session: Session, what: str, key: str, read: Callable[[], T]) -> T:
    """`read()` for `key` the first time this transaction asks for `what`, then the same value
    (a batch of events of one organization reads its flows and webhooks once)."""
    cache: dict[str, T] = session.info.setdefault(what, {})
    if key not in cache:
        cache[key] = read()
    return cache[key]


def forget(session: Session, what: str, key: str) -> None:
    """The transaction changed what `once_per_transaction` read: read it again next time."""
    session.info.get(what, {}).pop(key, None)
