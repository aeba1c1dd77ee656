"""Turning fiscalization on through Defaults (FISCAL §S7, COMPAT §7.2): the values the FURS
Defaults may take, and the setup a write that turns it on requires."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from sqlalchemy.orm import Session

from spaceport.fiscal.certificates import CertificateRepository
from spaceport.fiscal.premises import PremiseRepository, live_devices
from spaceport.fiscal.setup import ENVS, slovenian_tax_number
from spaceport.kit.errors import invalid
from spaceport.organizations.models import Organization

VERIFYING: Final = ("furs_verifying", "firs_verifying")
CHOICES: Final = {"furs_env": ENVS, "furs_strategy": ("C", "B")}


def checked_value(name: str, value: Any) -> Any:
    """FISCAL §S7.1: `furs_env` test | production, `furs_strategy` C | B, the verifying flags
    booleans; other values 422."""
    if name in CHOICES and value is not None and value not in CHOICES[name]:
        raise invalid("value", f"{name} must be one of {', '.join(CHOICES[name])}")
    if name in VERIFYING and value is not None and not isinstance(value, bool):
        raise invalid("value", f"{name} must be true or false")
    return value


def is_on(values: Mapping[str, Any]) -> bool:
    """FISCAL §S7.1: `furs_verifying` wins over its alias `firs_verifying`."""
    value = values.get("furs_verifying")
    return (values.get("firs_verifying") if value is None else value) is True


def check_write(
    session: Session, organization_id: str, before: Mapping[str, Any], name: str, value: Any
) -> None:
    """FISCAL §S7.2: a write turning it on is 422, nothing changed, unless the setup is
    complete in the `furs_env` it leaves."""
    checked_value(name, value)
    after = {**before, name: value}
    if name not in (*VERIFYING, "furs_env") or is_on(before) or not is_on(after):
        return
    organization = session.get(Organization, organization_id)
    missing: list[str] = []
    if organization is None or slovenian_tax_number(organization.tax_number) is None:
        missing.append("a Slovenian organization (an 8-digit taxNumber)")
    if CertificateRepository(session).of(organization_id) is None:
        missing.append("an uploaded FURS certificate")
    env = str(after["furs_env"]) if after.get("furs_env") in ENVS else "production"
    premises = PremiseRepository(session).registered_in(organization_id, env)
    if not any(live_devices(session, premise) for premise in premises):
        missing.append(f"a business premise registered in {env} with an electronic device")
    if missing:
        raise invalid("value", f"Fiscal verification needs {', '.join(missing)}")
