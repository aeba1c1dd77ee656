"""One way to declare a resource: the CRUD service every organization-scoped model shares.

A `Crud` knows its model, its names (the event's model name `client` → `client/create`, and the
URL collection `clients`), its request schemas and three typed hooks:

- `prepare(session, organization_id, values, instance or None) -> values`: the domain's rules
  before a create (instance None) or an update; raise a 422 to refuse;
- `guard_delete(session, instance)`: raise to refuse a delete;
- `includes`: the relations `filter[include]` may name (COMPAT §4.3), each
  `(session, instances) -> {instance id: value}`; any other name is a 400 that names it.

Create, update and delete record their event in the same transaction (COMPAT §8.1); delete is
soft where the model is soft deleted (COMPAT §5.1). What binds the mechanism to the application —
the event recorder and the authorization dependency — is a `Binding` that a subclass sets once
(`spaceport.resources.Resource`), so this module keeps no domain words."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from sqlalchemy.orm import Session

from spaceport.kit.db import Model, SoftDeleted
from spaceport.kit.errors import BadRequest
from spaceport.kit.filters import Filter, project
from spaceport.kit.repository import Repository, live, repository_of
from spaceport.kit.schemas import ApiModel
from spaceport.kit.serialize import to_api

M = TypeVar("M", bound=Model)
Values = dict[str, Any]
Prepare = Callable[[Session, str, Values, Any], Values]
Guard = Callable[[Session, Any], None]
Include = Callable[[Session, list[Any]], Mapping[str, Any]]
# record(session, model name, action, organization id, the instance as answered)
Recorder = Callable[[Session, str, Any, str | None, Values], object]


class Scoped(Protocol):
    """What the authorization dependency gives a route: the organization acted within, and for
    routes by id the instance the path names (found in any state: routes check it is live)."""

    @property
    def organization_id(self) -> str: ...

    @property
    def instance(self) -> Any: ...


@dataclass(frozen=True)
class Binding:
    """How the application records events and authorizes routes. `scope(None)` is the
    dependency for `/organizations/{id}/...`; `scope(Model)` for `/<models>/{id}`."""

    record: Recorder
    scope: Callable[[type[Model] | None], Any]


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

    binding: ClassVar[Binding]

    def repo(self, session: Session) -> Repository[M]:
        return (self.repository or repository_of(self.model))(session)

    # -- the use cases -------------------------------------------------------------------------
    def create(self, session: Session, organization_id: str, values: Values) -> M:
        values = self.prepare(session, organization_id, values, None)
        instance = self.repo(session).add(self.model(organization_id=organization_id, **values))
        self.record(session, "create", instance)
        return instance

    def update(self, session: Session, instance: M, values: Values) -> M:
        values = self.prepare(session, organization_of(instance), values, instance)
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

    def answer(self, session: Session, instance: M, flt: Filter) -> Values:
        return self.answer_many(session, [instance], flt)[0]


def organization_of(instance: Model) -> str:
    organization_id: str = getattr(instance, "organization_id")  # noqa: B009 - not on Model
    return organization_id
