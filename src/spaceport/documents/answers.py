"""A document as the API answers it, and the event of its change (COMPAT §8.1)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from spaceport.documents import smartcodes
from spaceport.documents.lines import answered_line
from spaceport.documents.models import ALL_TYPE_DATES, TYPE_DATES, Document
from spaceport.events import service as events
from spaceport.kit.serialize import to_api


def answer(document: Document, parse_smartcodes: bool = True) -> dict[str, Any]:
    """The document as the API answers it: the type's own dates only (COMPAT §6.3), smart
    codes parsed unless asked not to (COMPAT §6.10), every line in the reference's shape
    (COMPAT §6.6)."""
    body = to_api(document)
    for name in ALL_TYPE_DATES - set(TYPE_DATES[document.type]):
        body.pop(name, None)
    body["_documentItems"] = [answered_line(line) for line in body["_documentItems"]]
    return smartcodes.parse_fields(body) if parse_smartcodes else body


def record(session: Session, document: Document, action: events.Action) -> None:
    events.record(session, "document", action, document.organization_id, answer(document))
