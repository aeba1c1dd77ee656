"""The queries of documents (DESIGN: every query of the domain in its repository)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from spaceport.documents.models import Document


def ids_in_organization(session: Session, organization_id: str, ids: Iterable[str]) -> set[str]:
    """Which of `ids` are documents of the organization (deleted ones too: a document may
    keep referring to one that was deleted since)."""
    wanted = set(ids)
    if not wanted:
        return set()
    stmt = select(Document.id).where(
        Document.organization_id == organization_id, Document.id.in_(wanted)
    )
    return set(session.scalars(stmt))


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
