"""Gapless numbering (COMPAT §6.2): `YYYY-NNNNN` from one counter per organization, type, year
and unit, advanced with UPDATE ... RETURNING in the creating transaction. A rolled-back create
rolls its number back with it, so numbers never skip; the row lock (PostgreSQL) or the write
lock (SQLite) makes concurrent creates take turns, so numbers never repeat."""

from __future__ import annotations

import re

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from spaceport.documents.models import DocumentCounter

DEFAULT_FORMAT = re.compile(r"^(\d{4})-(\d{5,})$")


def format_number(year: int, sequence: int) -> str:
    return f"{year}-{sequence:05d}"


def _key(
    organization_id: str, type_: str, year: int, unit_id: str | None
) -> list[ColumnElement[bool]]:
    return [
        DocumentCounter.organization_id == organization_id,
        DocumentCounter.type == type_,
        DocumentCounter.year == year,
        DocumentCounter.unit_id == (unit_id or ""),
    ]


def _ensure_counter(
    session: Session, organization_id: str, type_: str, year: int, unit_id: str | None
) -> None:
    """Create the counter at 0 if it is missing; a concurrent creator wins harmlessly."""
    exists = session.scalar(
        select(DocumentCounter.last).where(*_key(organization_id, type_, year, unit_id))
    )
    if exists is not None:
        return
    try:
        with session.begin_nested():
            session.add(
                DocumentCounter(
                    organization_id=organization_id,
                    type=type_,
                    year=year,
                    unit_id=unit_id or "",
                    last=0,
                )
            )
    except IntegrityError:
        pass


def issue_number(
    session: Session, organization_id: str, type_: str, year: int, unit_id: str | None
) -> str:
    """Take the next number of the sequence (the counter is created on first use)."""
    advance = (
        update(DocumentCounter)
        .where(*_key(organization_id, type_, year, unit_id))
        .values(last=DocumentCounter.last + 1)
        .returning(DocumentCounter.last)
    )
    sequence = session.execute(advance).scalar()
    if sequence is None:
        _ensure_counter(session, organization_id, type_, year, unit_id)
        sequence = session.execute(advance).scalar_one()
    return format_number(year, sequence)


def follow_given_number(
    session: Session, organization_id: str, type_: str, unit_id: str | None, number: str
) -> None:
    """A caller-given number in the default format moves its year's sequence past it."""
    match = DEFAULT_FORMAT.match(number)
    if match is None:
        return
    year, sequence = int(match.group(1)), int(match.group(2))
    _ensure_counter(session, organization_id, type_, year, unit_id)
    session.execute(
        update(DocumentCounter)
        .where(*_key(organization_id, type_, year, unit_id), DocumentCounter.last < sequence)
        .values(last=sequence)
    )


def last_sequence(
    session: Session, organization_id: str, type_: str, year: int, unit_id: str | None
) -> int:
    last = session.scalar(
        select(DocumentCounter.last).where(*_key(organization_id, type_, year, unit_id))
    )
    return last or 0
