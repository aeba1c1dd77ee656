"""The rules of flows, each a named error (COMPAT §2.1 renders them)."""

from __future__ import annotations

from spaceport.kit.errors import Conflict, NotFound


class NotRetryable(Conflict):
    """FLOWS §F7.3, FLOWS §F4.5: 409."""


class UnknownHook(NotFound):
    """FLOWS §F4.3: a wrong secret, an unknown or deleted flow, another trigger type."""

    def __init__(self) -> None:
        super().__init__("There is no method to handle this route")


class FlowDisabled(Conflict):
    """FLOWS §F4.3: a hook call on a disabled flow."""

    def __init__(self) -> None:
        super().__init__("The flow is disabled")


class FlowGone(Conflict):
    def __init__(self) -> None:
        super().__init__("The flow was deleted")
