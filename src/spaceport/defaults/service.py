"""Defaults (reference "Defaults"; COMPAT §7.2)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from spaceport.defaults.errors import DefaultNameFixed, DefaultNameTaken
from spaceport.defaults.models import Default
from spaceport.defaults.repository import DefaultRepository
from spaceport.defaults.schemas import DefaultCreate, DefaultUpdate
from spaceport.kit import repository
from spaceport.kit.errors import invalid
from spaceport.kit.repository import once_per_transaction
from spaceport.resources import Resource

# Known names whose values arrive as strings from form bodies but mean numbers or booleans.
INTEGER_DEFAULTS = frozenset({"invoice_dueDays", "estimate_validTillDays"})
BOOLEAN_DEFAULTS = frozenset({"image_logo", "image_signature", "furs_verifying", "firs_verifying"})
FURS_DEFAULTS = frozenset({"furs_verifying", "firs_verifying", "furs_env", "furs_strategy"})


MAX_DAYS = 36_500  # a hundred years keeps every derived date in range (kit.bounds)


def whole_days(name: str, value: Any) -> int:
    """`invoice_dueDays` and `estimate_validTillDays`: 0 to 36,500 days, from a form string
    or a JSON number (COMPAT §7.2; COMPAT §2.2: never a 500 when a document uses it)."""
    try:
        days = Decimal(value.strip() if isinstance(value, str) else value)
    except (TypeError, ValueError, ArithmeticError):
        days = Decimal("NaN")
    if isinstance(value, bool) or not days.is_finite() or days != days.to_integral_value():
        raise invalid("value", f"{name} must be a whole number of days")
    if not 0 <= days <= MAX_DAYS:
        raise invalid("value", f"{name} must be between 0 and {MAX_DAYS} days")
    return int(days)


def coerce_value(name: str, value: Any) -> Any:
    if name in INTEGER_DEFAULTS:
        return whole_days(name, value)
    if isinstance(value, str) and name in BOOLEAN_DEFAULTS:
        if value.lower() not in ("true", "false", "1", "0"):
            raise invalid("value", f"{name} must be true or false")
        return value.lower() in ("true", "1")
    return value


def prepare(
    session: Session, organization_id: str, values: dict[str, Any], default: Default | None
) -> dict[str, Any]:
    """`name` is unique per organization and can't be updated (COMPAT §7.2)."""
    forget(session, organization_id)
    if default is None:
        if find(session, organization_id, values["name"]) is not None:
            raise DefaultNameTaken(values["name"])
    elif values.get("name", default.name) != default.name:
        raise DefaultNameFixed()
    name = default.name if default else values["name"]
    if "value" in values:
        values["value"] = coerce_value(name, values["value"])
        if name in FURS_DEFAULTS:  # FISCAL §S7: the values, and the setup turning it on needs
            from spaceport.fiscal import enabling  # fiscal sits above defaults

            current = values_of(session, organization_id)
            enabling.check_write(session, organization_id, current, name, values["value"])
    if values.get("custom", {}) is None:
        del values["custom"]
    return values


def before_delete(session: Session, default: Default) -> None:
    forget(session, default.organization_id)


defaults = Resource(
    Default,
    "default",
    "defaults",
    DefaultCreate,
    DefaultUpdate,
    prepare=prepare,
    guard_delete=before_delete,
    repository=DefaultRepository,
)


def defaults_of(session: Session, organization_ids: list[str]) -> dict[str, list[Default]]:
    return DefaultRepository(session).of_organizations(organization_ids)


def find(session: Session, organization_id: str, name: str) -> Default | None:
    return DefaultRepository(session).named(organization_id, name)


def values_of(session: Session, organization_id: str) -> dict[str, Any]:
    """All of the organization's Defaults by name, read once per transaction."""
    read = DefaultRepository(session).values_of
    return once_per_transaction(session, "defaults", organization_id, lambda: read(organization_id))


def forget(session: Session, organization_id: str) -> None:
    repository.forget(session, "defaults", organization_id)


def value_of(session: Session, organization_id: str, name: str, fallback: Any = None) -> Any:
    value = values_of(session, organization_id).get(name)
    return fallback if value is None else value


def create(session: Session, organization_id: str, name: str, value: Any) -> Default:
    return defaults.create(session, organization_id, {"name": name, "value": value})


def put(session: Session, organization_id: str, name: str, value: Any) -> Default:
    """Set a Default whether or not it exists yet (used by other domains, e.g. images)."""
    default = find(session, organization_id, name)
    if default is None:
        return create(session, organization_id, name, value)
    return defaults.update(session, default, {"value": value})
