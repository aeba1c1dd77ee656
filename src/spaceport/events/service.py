"""Recording events. Every create, update and delete calls `record` in its own transaction, so
a committed change always has its event and a rolled-back one never does (COMPAT §8.1)."""

from __future__ import annotations

from typing import Any, Literal

from sqlalchemy.orm import Session

from spaceport.events.models import Event
from spaceport.kit import wakeup

Action = Literal["create", "update", "delete", "failed"]
# session.info key: what caused the transaction's changes (FLOWS §F8.6, a flow run's step)
CAUSE = "spaceport.event_cause"


def record(
    session: Session, model: str, action: Action, organization_id: str | None, data: dict[str, Any]
) -> Event:
    """Add the event `model/action` (`client/create`) with the instance as the API answers it,
    and the cause the transaction carries (`CAUSE`, set by a flow run's step)."""
    cause = session.info.get(CAUSE)
    event = Event(
        event=f"{model}/{action}", organization_id=organization_id, data=data, cause=cause
    )
    session.add(event)
    wakeup.ring_on_commit(session)  # the worker fans it out now, not at its next poll
    return event
