"""The queries of documents (DESIGN: every query of the domain in its repository)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from spaceport.clients.models import Client
from spaceport.documents.models import Document
from spaceport.documents.payments.models import Payment
from spaceport.kit.filters import compile_where
from spaceport.kit.listing import dialect_of
from spaceport.kit.repository import is_live, live_conditions
from spaceport.kit.serialize import to_api
from spaceport.recurrences.models import Recurrence


def live(session: Session, document_id: str) -> Document | None:
    """The document with this id unless it was deleted (COMPAT §5.1), whatever its organization
    (the caller's access to it is checked after)."""
    document = session.get(Document, document_id)
    return document if is_live(document) else None


def by_ids(session: Session, organization_id: str, ids: Iterable[str]) -> dict[str, Document]:
    """The organization's documents among `ids` (deleted ones too), by id."""
    wanted = set(ids)
    if not wanted:
        return {}
    stmt = select(Document).where(
        Document.organization_id == organization_id, Document.id.in_(wanted)
    )
    return {row.id: row for row in session.scalars(stmt)}


def ids_in_organization(session: Session, organization_id: str, ids: Iterable[str]) -> set[str]:
    """Which of `ids` are documents of the organization (deleted ones too: a document may
    keep referring to one that was deleted since)."""
    return set(by_ids(session, organization_id, ids))


def unique_id_used(session: Session, organization_id: str, unique_id: str) -> bool:
    stmt = select(Document.id).where(
        Document.organization_id == organization_id, Document.unique_id == unique_id
    )
    return session.scalar(stmt.limit(1)) is not None


def number_used(
    session: Session,
    organization_id: str,
    type_: str,
    number: str,
    unit_id: str | None = None,
    except_id: str | None = None,
) -> bool:
    """COMPAT §6.2: the number in the type's (and unit's) sequence of the organization."""
    stmt = select(Document.id).where(
        Document.organization_id == organization_id,
        Document.type == type_,
        Document.numbering_unit == (unit_id or ""),
        Document.number == number,
    )
    if except_id:
        stmt = stmt.where(Document.id != except_id)
    return session.scalar(stmt.limit(1)) is not None


def search(session: Session, organization_id: str, term: str, limit: int) -> list[Document]:
    """`search-documents`: the term in the number, reference or client's name or email, case
    insensitive; newest first."""
    pattern = term.replace("%", r"\%").replace("_", r"\_")
    where = {
        "or": [
            {key: {"like": f"%{pattern}%", "options": "i"}}
            for key in ("number", "reference", "_documentClient.name", "_documentClient.email")
        ]
    }
    stmt = (
        select(Document)
        .where(
            Document.organization_id == organization_id,
            *live_conditions(Document),
            compile_where(where, Document, dialect_of(session)),
        )
        .order_by(Document.date.desc(), Document.id.desc())
        .limit(limit)
    )
    return list(session.scalars(stmt))


def last_number(
    session: Session, organization_id: str, type_: str, unit_id: str | None
) -> str | None:
    """The number of the type's latest numbered document (in the unit's sequence, if given)."""
    stmt = (
        select(Document.number)
        .where(
            Document.organization_id == organization_id,
            Document.type == type_,
            Document.number.is_not(None),
            Document.unit_id.is_(None) if unit_id is None else Document.unit_id == unit_id,
        )
        .order_by(Document.created_at.desc(), Document.id.desc())
        .limit(1)
    )
    return session.scalar(stmt)


# -- relations of `filter[include]` (COMPAT §4.3), each by document id ---------------------------


Child = TypeVar("Child", Payment, Recurrence)


def _live_children(
    session: Session, rows: list[Document], model: type[Child], order: Any
) -> dict[str, list[dict[str, Any]]]:
    """The live instances of `model` that belong to each document (COMPAT §5.1), in `order`."""
    grouped: dict[str, list[dict[str, Any]]] = {row.id: [] for row in rows}
    stmt = (
        select(model)
        .where(model.document_id.in_(grouped), *live_conditions(model))
        .order_by(order, model.id)
    )
    for child in session.scalars(stmt):
        grouped[child.document_id].append(to_api(child))
    return grouped


def payments_of(session: Session, rows: list[Document]) -> dict[str, list[dict[str, Any]]]:
    return _live_children(session, rows, Payment, Payment.date)


def clients_of(session: Session, rows: list[Document]) -> dict[str, dict[str, Any] | None]:
    client_ids = {row.client_id for row in rows if row.client_id}
    stmt = select(Client).where(Client.id.in_(client_ids))
    found = {client.id: to_api(client) for client in session.scalars(stmt)}
    return {row.id: found.get(row.client_id or "") for row in rows}


def recurrences_of(session: Session, rows: list[Document]) -> dict[str, list[dict[str, Any]]]:
    return _live_children(session, rows, Recurrence, Recurrence.created_at)


INCLUDES: dict[str, Callable[[Session, list[Document]], Mapping[str, Any]]] = {
    "payments": payments_of,
    "client": clients_of,
    "recurrences": recurrences_of,
}


def included(
    session: Session, rows: list[Document], names: Iterable[str]
) -> dict[str, Mapping[str, Any]]:
    """The relations asked for that documents have, each by document id."""
    return {name: INCLUDES[name](session, rows) for name in names if name in INCLUDES}
