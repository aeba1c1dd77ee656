"""Defaults: an organization's settings, system-defined and custom (COMPAT §7.2)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import WithJsonSchema
from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from spaceport.kit.db import JSONType, Model

# The reference's "value any required": whatever JSON the caller gave, null included.
AnyValue = Annotated[
    Any,
    WithJsonSchema(
        {
            "description": "Any JSON: the value the caller set (a string, number, boolean, object,"
            " array or null), as given (COMPAT §7.2)."
        }
    ),
]


class Default(Model):
    __tablename__ = "defaults"
    __table_args__ = (UniqueConstraint("organization_id", "name"),)

    organization_id: Mapped[str] = mapped_column(String(24), ForeignKey("organizations.id"))
    name: Mapped[str] = mapped_column(String(200))
    value: Mapped[Any] = mapped_column(JSONType, nullable=True, info={"answer": AnyValue})
