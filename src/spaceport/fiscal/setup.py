"""What fiscalization reads from an organization's setup: its `furs_env` (FISCAL §S7.1) and its
tax number as FURS takes it (FISCAL §S5.5)."""

from __future__ import annotations

import re
from typing import Final

from sqlalchemy.orm import Session

from spaceport.defaults import service as defaults
from spaceport.fiscal.errors import TaxNumberInvalid
from spaceport.organizations.models import Organization

ENVS: Final = ("test", "production")
DEFAULT_ENV: Final = "production"
EIGHT_DIGITS = re.compile(r"^[0-9]{8}$")


def env_of(session: Session, organization_id: str) -> str:
    """FISCAL §S7.1: `furs_env`, production when unset."""
    value = defaults.value_of(session, organization_id, "furs_env", DEFAULT_ENV)
    return value if value in ENVS else DEFAULT_ENV


def slovenian_tax_number(text: str | None) -> int | None:
    """`SI12345678`, `12345678` (spaces ignored) → 12345678; anything else None."""
    compact = re.sub(r"\s+", "", text or "").upper().removeprefix("SI")
    return int(compact) if EIGHT_DIGITS.match(compact) else None


def tax_number_of(organization: Organization) -> int:
    """FISCAL §S5.5: the organization's `taxNumber`, `SI` prefix dropped; not 8 digits: 422."""
    found = slovenian_tax_number(organization.tax_number)
    if found is None:
        raise TaxNumberInvalid()
    return found
