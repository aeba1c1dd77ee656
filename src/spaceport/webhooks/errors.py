"""The rules of webhooks, each a named error (COMPAT §2.1 renders them)."""

from __future__ import annotations

from spaceport.kit.errors import InvalidProperty


class WebhookDisabled(InvalidProperty):
    prop = "enabled"

    def __init__(self) -> None:
        super().__init__("The webhook is disabled; enable it first")
