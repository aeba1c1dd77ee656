"""Recurrences (reference "Recurrence"; COMPAT §7.5): a document copied on planned dates."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from spaceport.kit.db import Model, SoftDeleted

TYPES = ("week", "month", "year")


class RecurrenceDate(BaseModel):
    """A `_recurrenceDates` entry as `service.plan` writes it (reference 004: the recurrence
    object's `_recurrenceDates[].documentId`, null until that iteration's copy is made)."""

    id: str
    date: date
    iteration: int
    documentId: str | None
    createdAt: datetime
    updatedAt: datetime


class Recurrence(Model, SoftDeleted):
    __tablename__ = "recurrences"
    __table_args__ = (
        Index("ix_recurrences_organization", "organization_id"),
        Index("ix_recurrences_document", "document_id"),
    )

    organization_id: Mapped[str] = mapped_column(String(24), ForeignKey("organizations.id"))
    document_id: Mapped[str] = mapped_column(String(24), ForeignKey("documents.id"))
    account_id: Mapped[str | None] = mapped_column(String(24))
    name: Mapped[str]
    type: Mapped[str] = mapped_column(String(8))
    date_first: Mapped[date] = mapped_column(Date)
    num_recurrences: Mapped[int] = mapped_column(Integer)
    auto_send: Mapped[bool] = mapped_column(default=False)
    notify: Mapped[bool] = mapped_column(default=True)
    save_as_draft: Mapped[bool] = mapped_column(default=False)
    # [{id, date "YYYY-MM-DD", iteration (1-based), documentId (null until generated),
    #   createdAt, updatedAt}]
    recurrence_dates: Mapped[list[Any]] = mapped_column(
        default=list,
        info={"api": "_recurrenceDates", "json_array": True, "answer": list[RecurrenceDate]},
    )
