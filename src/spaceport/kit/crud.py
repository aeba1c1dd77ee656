"""One way to declare a resource: the CRUD service every organization-scoped model shares.

A `Crud` knows its model, its names (the event's model name `client` → `client/create`, and the
URL collection `clients`), its request schemas and three typed hooks:

- `prepare(session, organization_id, values, instance or None) -> values`: the domain's rules
  before a create (instance None) or an update; raise a 422 to refuse;
- `guard_delete(session, instance)`: raise to refuse a delete;
- `includes`: the relations `filter[include]` may name (COMPAT §4.3), each
  `(session, instances) -> {instance id: value}`; any other name is a 400 that names it;
- `serialize_for(query) -> serialize`: how the query's options beside `filter` (such as
  `?parseSmartcodes=false`) ask the instances to be answered; the resource's `serialize` if unset.

Before a create or an update writes, the values are checked against the model (issue 15: a value
that breaks no uniqueness rule is never a 409): each id given for a foreign key names a live row
of the same organization (`check_references`, a 422 naming the property), and `kit.db`'s flush
check refuses a null for a required column and a text longer than its column, naming it.

and, for the OpenAPI document (COMPAT §1.13), `answered`: the types of what its answer has
beyond the table's columns (each include, embedded objects, a JSON column's content); the
answer's type (`answer_type`, see `kit.answers`) is derived from the columns and these.

Create, update and delete record their event in the same transaction (COMPAT §8.1); delete is
soft where the model is soft deleted (COMPAT §5.1). What binds the mechanism to the application —
the event recorder and the authorized phases its routes run in — is a `Binding` that a subclass
sets once (`spaceport.resources.Resource`), so this module keeps no domain words."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from fastapi import BackgroundTasks, Request
from pydantic import BaseModel
from sqlalchemy import inspect
from sqlalchemy.orm import Session

from spaceport.kit.answers import answer_model
from spaceport.kit.db import Model, SoftDeleted, defaulted_keys
from spaceport.kit.errors import BadRequest, UnknownReference
from spaceport.kit.filters import Filter, project
from spaceport.kit.repository import Repository, live, repository_of
from spaceport.kit.schemas import ApiModel
from spaceport.kit.serialize import api_name, to_api

M = TypeVar("M", bound=Model)
T = TypeVar("T")
Values = dict[str, Any]
Prepare = Callable[[Session, str, Values, Any], Values]
Guard = Callable[[Session, Any], None]
Include = Callable[[Session, list[Any]], Mapping[str, Any]]
Serialize = Callable[[Any], Values]
# record(session, model name, action, organization id, the instance as answered)
Recorder = Callable[[Session, str, Any, str | None, Values], object]


class Scoped(Protocol):
    """What the authorization dependency gives a route: the organization acted within, and for
    routes by id the instance the path names (found in any state: routes check it is live)."""

    @property
    def organization_id(self) -> str: ...

    @property
    def instance(self) -> Any: ...


class ScopedRead(Protocol):
    """`read(request, via, work)`: `work(session, scope)` in one reading transaction that first
    resolves the caller and the scope `scope(via)` would give (the path's organization, or the
    `via` instance the path names), all in one thread (issue 13: each hop between the event loop
    and a thread costs more than a query)."""

    def __call__(
        self, request: Request, via: type[Model] | None, work: Callable[[Session, Any], T]
    ) -> Awaitable[T]: ...


class ScopedWrite(Protocol):
    """`write(request, background, via, work)`: `ScopedRead` for a write — one writing
    transaction in the process's write turn, its `after_commit` work queued on `background`."""

    def __call__(
        self,
        request: Request,
        background: BackgroundTasks,
        via: type[Model] | None,
        work: Callable[[Session, Any], T],
    ) -> Awaitable[T]: ...


# Marks an endpoint that authorizes its caller itself, through `Binding.read` or `Binding.write`,
# rather than through the caller dependency (for the OpenAPI document's security).
AUTHORIZES = "__spaceport_authorizes__"
E = TypeVar("E", bound=Callable[..., Any])


def authorizing(endpoint: E) -> E:
    setattr(endpoint, AUTHORIZES, True)  # noqa: B010 - a marker on a plain function
    return endpoint


@dataclass(frozen=True)
class Binding:
    """How the application records events and authorizes routes: `read` and `write` run a
    route's work in one phase, authorized for `/organizations/{id}/...` (`via` None) or for
    `/<models>/{id}` (`via` the model)."""

    record: Recorder
    read: ScopedRead
    write: ScopedWrite


def keep(_session: Session, _organization_id: str, values: Values, _instance: Any) -> Values:
    return values


def deletable(_session: Session, _instance: Any) -> None:
    """A delete guard that allows every delete."""


def relation_name(relation: str | Mapping[str, Any]) -> str:
    """`"taxes"`, `{"tax": "taxRate"}` or LoopBack's `{"relation": "taxes", "scope": ...}`."""
    if isinstance(relation, str):
        return relation
    if "relation" in relation:
        return str(relation["relation"])
    return str(next(iter(relation), ""))


def relations_asked(
    include: Sequence[str | Mapping[str, Any]], known: Collection[str], model_name: str
) -> list[str]:
    """The relation names of `filter[include]`, each one the model has. COMPAT §4.3: any other
    is a 400 that names it, as LoopBack answers."""
    names = list(dict.fromkeys(relation_name(relation) for relation in include))
    for name in names:
        if name not in known:
            raise BadRequest(f'Relation "{name}" is not defined for {model_name} model')
    return names


@dataclass
class Crud(Generic[M]):
    model: type[M]
    event: str  # model name in events: "client" → client/create
    collection: str  # URL name: "clients"
    create_schema: type[ApiModel]
    update_schema: type[ApiModel]
    prepare: Prepare = keep
    serialize: Callable[[M], Values] = to_api
    includes: Mapping[str, Include] = field(default_factory=dict)
    guard_delete: Guard = deletable
    repository: type[Repository[M]] | None = None
    serialize_for: Callable[[Mapping[str, Any]], Serialize] | None = None
    answered: Mapping[str, Any] = field(default_factory=dict)

    binding: ClassVar[Binding]

    @cached_property
    def answer_type(self) -> type[BaseModel]:
        """The instance as answered (COMPAT §1.13); an include the caller did not ask for is
        absent, one that found nothing is null."""
        properties = {
            name: kind | None if name in self.includes else kind
            for name, kind in self.answered.items()
        }
        return answer_model(self.model, **properties)

    def repo(self, session: Session) -> Repository[M]:
        return (self.repository or repository_of(self.model))(session)

    # -- the use cases -------------------------------------------------------------------------
    def create(self, session: Session, organization_id: str, values: Values) -> M:
        instance = self.repo(session).add(self.unsaved(session, organization_id, values))
        self.record(session, "create", instance)
        return instance

    def unsaved(self, session: Session, organization_id: str, values: Values) -> M:
        """The instance `create` saves, checked and not yet in any session (a document's new
        client is built before the document's write: `documents.service.prepare`)."""
        values = self.prepare(session, organization_id, without_null_custom(values), None)
        check_references(session, self.model, organization_id, values)
        defaulted = defaulted_keys(self.model)
        values = {k: v for k, v in values.items() if v is not None or k not in defaulted}
        return self.model(organization_id=organization_id, **values)

    def update(self, session: Session, instance: M, values: Values) -> M:
        values = without_null_custom(values)
        values = self.prepare(session, organization_of(instance), values, instance)
        check_references(session, self.model, organization_of(instance), values)
        for name, value in values.items():
            setattr(instance, name, value)
        session.flush()
        self.record(session, "update", instance)
        return instance

    def delete(self, session: Session, instance: M) -> None:
        """Soft where the model is soft deleted (COMPAT §5.1), else the row goes."""
        self.guard_delete(session, instance)
        if isinstance(instance, SoftDeleted):
            instance.soft_delete()
        else:
            session.delete(instance)
        session.flush()
        self.record(session, "delete", instance)

    def record(self, session: Session, action: str, instance: M) -> None:
        """COMPAT §8.1: the event in the same transaction as the change."""
        data = self.serialize(instance)
        self.binding.record(session, self.event, action, organization_of(instance), data)

    def live(self, instance: M | None) -> M:
        return live(instance, self.event)

    def serializer(self, query: Mapping[str, Any]) -> Callable[[M], Values]:
        """How `query` asks the instances to be answered (`serialize_for`), else `serialize`."""
        return self.serialize if self.serialize_for is None else self.serialize_for(query)

    # -- answers -------------------------------------------------------------------------------
    def answer_many(
        self,
        session: Session,
        rows: list[M],
        flt: Filter,
        serialize: Callable[[M], Values] | None = None,
    ) -> list[Values]:
        """Instances as answered (by `serialize`, the resource's own by default), with the
        relations `filter[include]` asks for (COMPAT §4.3) and only the `fields` asked for
        (COMPAT §4.4)."""
        names = relations_asked(flt.include, self.includes, self.model.__name__)
        answers = [(serialize or self.serialize)(row) for row in rows]
        for name in names:
            values = self.includes[name](session, rows)
            for answer in answers:
                answer[name] = values.get(answer["id"])
        return [project(answer, flt.fields) for answer in answers]

    def answer(
        self,
        session: Session,
        instance: M,
        flt: Filter,
        serialize: Callable[[M], Values] | None = None,
    ) -> Values:
        return self.answer_many(session, [instance], flt, serialize)[0]


def without_null_custom(values: Values) -> Values:
    """`"custom": null` leaves `custom` as it is (every model has it, COMPAT §1.9). A null for
    any other required property is a 422 naming it (`kit.db`'s flush check)."""
    return {k: v for k, v in values.items() if k != "custom" or v is not None}


# -- references ---------------------------------------------------------------------------------
@cache
def references_of(model: type[Model]) -> Mapping[str, tuple[str, type[Model]]]:
    """attribute → (API name, referenced model), for each foreign key of `model` but its
    organization (which the route sets, never the body)."""
    found: dict[str, tuple[str, type[Model]]] = {}
    for prop in inspect(model).column_attrs:
        column = prop.columns[0]
        for key in column.foreign_keys:
            target = model_of_table(key.column.table)
            if prop.key != "organization_id" and target is not None:
                found[prop.key] = (api_name(prop.key, column.info), target)
    return found


def model_of_table(table: Any) -> type[Model] | None:
    for mapper in Model.registry.mappers:
        if mapper.local_table is table and issubclass(mapper.class_, Model):
            return mapper.class_
    return None


def check_references(
    session: Session, model: type[Model], organization_id: str, values: Values
) -> None:
    """Every id the values give for a foreign key names a live row of the same organization
    (issue 16: a 422 that reveals nothing of other organizations), checked before the write
    so a wrong or empty id (`"clientId": ""`) is never the database's foreign key error."""
    for key, (prop, target) in references_of(model).items():
        value = values.get(key)
        if value is None:
            continue
        repository = repository_of(target)(session)
        if hasattr(target, "organization_id"):
            found = isinstance(value, str) and repository.get_in(organization_id, value)
        else:
            found = isinstance(value, str) and repository.get(value)
        if not found:
            raise UnknownReference(prop, words(target.__name__), value)


def words(name: str) -> str:
    """`PriceList` → `price list`."""
    return re.sub(r"(?<!^)(?=[A-Z])", " ", name).lower()


def organization_of(instance: Model) -> str:
    organization_id: str = getattr(instance, "organization_id")  # noqa: B009 - not on Model
    return organization_id
