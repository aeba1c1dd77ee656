"""Gapless numbering (COMPAT §6.2): `YYYY-NNNNN` from one counter per organization, type, year
and unit, advanced with UPDATE ... RETURNING in the creating transaction. A rolled-back create
rolls its number back with it, so numbers never skip; the row lock (PostgreSQL) or the write
lock (SQLite) makes concurrent creates take turns, so numbers never repeat."""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from spaceport.documents.errors import NumberTaken
from spaceport.documents.models import Document
from spaceport.documents.repository import Counters, DocumentRepository
from spaceport.organizations.calendar import local_date
from spaceport.organizations.models import Organization

DEFAULT_FORMAT = re.compile(r"^(\d{4})-(\d{5,})$")


def format_number(year: int, sequence: int) -> str:
    return f"{year}-{sequence:05d}"


def assign_number(
    session: Session, organization: Organization, document: Document, number: str | None
) -> None:
    """A draft has none; a given number must be unique (422, `NumberTaken`) and moves its
    sequence past it; else the next of the document's year and unit is taken."""
    document.numbering_unit = document.unit_id or ""
    if document.draft:
        document.number = None
        return
    if number:
        unique = is_unique_number(
            session, organization.id, document.type, number, document.unit_id, document.id
        )
        if not unique:
            raise NumberTaken(number, document.type)
        follow_given_number(session, organization.id, document.type, document.unit_id, number)
        document.number = number
        return
    year = local_date(document.date, organization).year
    document.number = issue_number(session, organization.id, document.type, year, document.unit_id)


def is_unique_number(
    session: Session,
    organization_id: str,
    type_: str,
    number: str,
    unit_id: str | None = None,
    except_id: str | None = None,
) -> bool:
    used = DocumentRepository(session).number_used
    return not used(organization_id, type_, number, unit_id, except_id)


def provisional_number(
    organization: Organization, document: Document, given: str | None
) -> str | None:
    """A number of the shape the document will take: the given one, or the first of its year's
    sequence (`service.store` checks again when the number taken is longer)."""
    if document.draft:
        return None
    return given or format_number(local_date(document.date, organization).year, 1)


def issue_number(
    session: Session, organization_id: str, type_: str, year: int, unit_id: str | None
) -> str:
    """Take the next number of the sequence (the counter is created on first use)."""
    counters = Counters(session)
    sequence = counters.advance_locked(organization_id, type_, year, unit_id)
    if sequence is None:
        counters.create_missing(organization_id, type_, year, unit_id)
        sequence = counters.advance_locked(organization_id, type_, year, unit_id)
    if sequence is None:  # pragma: no cover - the counter exists now
        raise RuntimeError("the document counter is missing")
    return format_number(year, sequence)


def follow_given_number(
    session: Session, organization_id: str, type_: str, unit_id: str | None, number: str
) -> None:
    """A caller-given number in the default format moves its year's sequence past it."""
    match = DEFAULT_FORMAT.match(number)
    if match is None:
        return
    year, sequence = int(match.group(1)), int(match.group(2))
    counters = Counters(session)
    counters.create_missing(organization_id, type_, year, unit_id)
    counters.raise_to(organization_id, type_, year, unit_id, sequence)


def last_sequence(
    session: Session, organization_id: str, type_: str, year: int, unit_id: str | None
) -> int:
    return Counters(session).last(organization_id, type_, year, unit_id) or 0


def last_number(
    session: Session, organization_id: str, type_: str, unit_id: str | None
) -> str | None:
    """The number of the type's latest numbered document (`last-doc-number`)."""
    return DocumentRepository(session).last_number(organization_id, type_, unit_id)
