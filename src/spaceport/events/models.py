"""The outbox (COMPAT §8.1): one row per change, written in the change's own transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, String, false
from sqlalchemy.orm import Mapped, mapped_column

from spaceport.kit.db import Base, utcnow
from spaceport.kit.ids import new_id, new_uuid


class Event(Base):
    __tablename__ = "events"
    __table_args__ = (Index("ix_events_organization_created", "organization_id", "created_at"),)
    __mapper_args__ = {"eager_defaults": False}  # never fetch `dispatched` back on insert

    id: Mapped[str] = mapped_column(
        String(24), primary_key=True, default=new_id, info={"private": True}
    )
    uid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uuid)
    organization_id: Mapped[str | None] = mapped_column(String(24))
    event: Mapped[str] = mapped_column(String(64))
    data: Mapped[dict[str, Any]]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # FLOWS §F8.6: `{"flowId", "depth"}` of the flow run whose step made this change, if any
    cause: Mapped[dict[str, Any] | None] = mapped_column(default=None, info={"private": True})
    # Set by the worker in the transaction that fans the event out into jobs (exactly once).
    # Deferred and defaulted by the database: rows are written and read without it.
    dispatched: Mapped[bool] = mapped_column(
        server_default=false(), index=True, deferred=True, info={"private": True}
    )
