"""Recording events. Every create, update and delete calls `record` in its own transaction, so
a committed change always has its event and a rolled-back one never does (COMPAT §8.1)."""

from __future__ import annotations

from typing import Any, Literal

from sqlalchemy.orm import Session

from spaceport.events.models import Event

Action = Literal["create", "update", "delete"]


def record(
    session: Session, model: str, action: Action, organization_id: str | None, data: dict[str, Any]
) -> Event:
    """Add the event `model/action` (`client/create`) with the instance as the API answers it."""
    event = Event(event=f"{model}/{action}", organization_id=organization_id, data=data)
    session.add(event)
    return event
