"""What callers send to create or change recurrences (reference "Create Recurrence")."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from spaceport.kit.schemas import ApiDate, ApiModel

RecurrenceType = Literal["week", "month", "year"]


class RecurrenceCreate(ApiModel):
    """POST (create) and PUT (replace): the four required ones; the rest back to defaults."""

    name: str
    type: RecurrenceType
    date_first: ApiDate
    num_recurrences: int = Field(ge=1)
    auto_send: bool = False
    notify: bool = True
    save_as_draft: bool = False
    custom: dict[str, Any] = Field(default_factory=dict)


class RecurrenceUpdate(ApiModel):
    """PATCH: only what is given."""

    name: str | None = None
    type: RecurrenceType | None = None
    date_first: ApiDate | None = None
    num_recurrences: int | None = Field(default=None, ge=1)
    auto_send: bool | None = None
    notify: bool | None = None
    save_as_draft: bool | None = None
    custom: dict[str, Any] | None = None
