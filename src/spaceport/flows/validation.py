"""A flow checked whole at each save (FLOWS §F3.3): every problem at once, each keyed by the
path of the offending value (`trigger.events[1]`, `steps[2].then[0].input.name`); a refused
save changes nothing (the caller raises before writing)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, Final

from spaceport.flows import catalog, inputs, templates, triggers
from spaceport.kit.errors import ValidationFailed
from spaceport.kit.filters import memory as where

KEY: Final = re.compile(r"^[a-z][A-Za-z0-9_]*$")
MAX_STEPS: Final = 50
STEP_TYPES: Final = ("action", "filter", "branch")
# (organization id, connection id) -> the type of that live connection of the organization
ConnectionType = Callable[[str], str | None]


class Checker:
    def __init__(self, connection_type: ConnectionType, allow_private: bool, dialect: str) -> None:
        self.messages: dict[str, list[str]] = {}
        self.dialect = dialect
        self.allow_private = allow_private
        self.connection_type = connection_type
        self.keys: set[str] = set()
        self.count = 0

    def add(self, path: str, message: str) -> None:
        self.messages.setdefault(path, []).append(message)

    # -- the trigger (FLOWS §F4) -----------------------------------------------------------
    def trigger(self, trigger: Any) -> None:
        if not isinstance(trigger, Mapping):
            self.add("trigger", "must be an object with a type")
            return
        for path, message in triggers.problems(trigger, self.dialect):
            self.add(path, message)

    # -- the steps (FLOWS §F5) -------------------------------------------------------------
    def steps(self, steps: Any, path: str, known: set[str]) -> set[str]:
        """Checks a list of steps; the step keys it defines, for the steps after it."""
        if not isinstance(steps, list):
            self.add(path, "must be a list of steps")
            return known
        known = set(known)
        for i, step in enumerate(steps):
            known |= self.step(step, f"{path}[{i}]", known)
        return known

    def step(self, step: Any, path: str, known: set[str]) -> set[str]:
        self.count += 1
        if not isinstance(step, Mapping):
            self.add(path, "must be an object")
            return set()
        key = step.get("key")
        defined: set[str] = set()
        if not isinstance(key, str) or not KEY.fullmatch(key):
            self.add(f"{path}.key", "must match ^[a-z][A-Za-z0-9_]*$")
        elif key in self.keys:
            self.add(f"{path}.key", f"{key!r} is used twice in the flow")
        else:
            self.keys.add(key)
            defined.add(key)
        kind = step.get("type")
        if kind == "action":
            self.action(step, path, known)
        elif kind == "filter":
            self.where(step.get("where"), f"{path}.where", known)
        elif kind == "branch":
            self.where(step.get("where"), f"{path}.where", known)
            for side in ("then", "else"):
                defined |= self.steps(step.get(side, []), f"{path}.{side}", known) - known
        else:
            self.add(f"{path}.type", f"must be one of {', '.join(STEP_TYPES)}")
        return defined

    def action(self, step: Mapping[str, Any], path: str, known: set[str]) -> None:
        name = step.get("action")
        action = catalog.find(name) if isinstance(name, str) else None
        if action is None:
            self.add(f"{path}.action", f"{name!r} is not a known action (GET /v1/flowActions)")
        connection_id = step.get("connectionId")
        if action is not None and action.connection_type is None and connection_id is not None:
            self.add(f"{path}.connectionId", f"{action.name} takes no connection")
        elif action is not None and action.connection_type is not None:
            if not isinstance(connection_id, str) or not connection_id:
                self.add(f"{path}.connectionId", f"{action.name} needs a connection")
            elif self.connection_type(connection_id) != action.connection_type:
                self.add(
                    f"{path}.connectionId",
                    f"is not a live {action.connection_type} connection of this organization",
                )
        given = step.get("input", {})
        if not isinstance(given, Mapping):
            self.add(f"{path}.input", "must be an object")
            return
        if action is not None:
            for where_, messages in inputs.check(
                action.input_schema, given, f"{path}.input", at_save=True
            ).items():
                for message in messages:
                    self.add(where_, message)
            if action.check is not None:
                for name, message in action.check(given, self.allow_private).items():
                    self.add(f"{path}.input.{name}", message)
        self.templates(given, f"{path}.input", known)

    def where(self, value: Any, path: str, known: set[str]) -> None:
        if value is None:
            self.add(path, "is required")
            return
        for message in where.problems(value, path):
            self.add(path, message)
        self.templates(value, path, known)

    def templates(self, value: Any, path: str, known: set[str]) -> None:
        """FLOWS §F3.3: every string a template that parses and names what the context has."""
        for where_, message in templates.check(value, known, path).items():
            self.add(where_, message)


def check_flow(
    values: Mapping[str, Any],
    connection_type: ConnectionType,
    *,
    allow_private: bool,
    dialect: str,
) -> None:
    """Raise the 422 of FLOWS §F3.3 naming every problem of the flow `values`."""
    checker = Checker(connection_type, allow_private, dialect)
    checker.trigger(values.get("trigger"))
    steps = values.get("steps")
    checker.steps(steps, "steps", set())
    if isinstance(steps, list) and not 1 <= checker.count <= MAX_STEPS:
        checker.add("steps", f"must hold 1 to {MAX_STEPS} steps in all")
    if checker.messages:
        raise ValidationFailed(checker.messages)
