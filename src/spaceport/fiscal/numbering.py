"""FISCAL §S9: `<businessPremiseId>-<electronicDeviceId>-<n>`. Strategy C counts `n` from 1 per
organization, premise and year of issue; B per organization, premise, device and year. The
counter advances with UPDATE ... RETURNING in the creating transaction, as documents' numbers
do (COMPAT §6.2): a rolled-back create rolls its number back, concurrent creates take turns on
the row (PostgreSQL) or the write lock (SQLite), so numbers are gapless and never repeat."""

from __future__ import annotations

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from spaceport.fiscal.models import FiscalCounter


def _key(organization_id: str, premise: str, device: str, year: int) -> list[ColumnElement[bool]]:
    return [
        FiscalCounter.organization_id == organization_id,
        FiscalCounter.premise == premise,
        FiscalCounter.device == device,
        FiscalCounter.year == year,
    ]


def next_sequence(
    session: Session, organization_id: str, strategy: str, premise: str, device: str, year: int
) -> int:
    """The next `n` (FISCAL §S9), the counter created on first use."""
    scope = device if strategy == "B" else ""
    key = _key(organization_id, premise, scope, year)
    advance = (
        update(FiscalCounter)
        .where(*key)
        .values(last=FiscalCounter.last + 1)
        .returning(FiscalCounter.last)
    )
    found = session.execute(advance).scalar()
    if found is not None:
        return int(found)
    if session.scalar(select(FiscalCounter.last).where(*key)) is None:
        try:
            with session.begin_nested():
                session.add(
                    FiscalCounter(
                        organization_id=organization_id,
                        premise=premise,
                        device=scope,
                        year=year,
                        last=0,
                    )
                )
        except IntegrityError:
            pass  # a concurrent creator made it first
    return int(session.execute(advance).scalar_one())


def document_number(premise: str, device: str, sequence: int) -> str:
    """FISCAL §S9: `P1-D1-42`."""
    return f"{premise}-{device}-{sequence}"
