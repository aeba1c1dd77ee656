"""The one list of the actions a flow step may name (FLOWS §F6.1), in the order
`GET /v1/flowActions` lists them. A provider's module declares its `Action`s (see
`spaceport.flows.actions`); a new provider is one line here, e.g.
`*contextual.ACTIONS` (FLOWS §F6.4) once `spaceport.flows.contextual` declares them."""

from __future__ import annotations

from functools import cache
from typing import Final

from spaceport.flows import contextual, http_action, spaceport_actions
from spaceport.flows.actions import Action, by_name

ACTIONS: Final[tuple[Action, ...]] = (
    *spaceport_actions.ACTIONS,  # FLOWS §F6.2
    http_action.HTTP_REQUEST,  # FLOWS §F6.3
    *contextual.ACTIONS,  # FLOWS §F6.4
)


@cache
def actions() -> dict[str, Action]:
    return by_name(ACTIONS)


def find(name: str) -> Action | None:
    return actions().get(name)
