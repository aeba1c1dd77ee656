from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, EmailStr, Field

from spaceport.accounts.models import SCOPES
from spaceport.accounts.passwords import StrongPassword
from spaceport.kit.schemas import ApiModel, Custom

TWO_MONTHS = 60 * 24 * 3600  # COMPAT §3.2: the default ttl, in seconds
NEVER = -1  # COMPAT §3.2: a launch code that never expires
TEN_YEARS = 3653 * 24 * 3600  # the longest lifetime (lifetimes are bounded), leap days included


def _lifetime(ttl: int) -> int:
    """Issue 15 item 2: 1 second to 10 years, or -1; no stored expiry overflows an engine."""
    if ttl == NEVER or 1 <= ttl <= TEN_YEARS:
        return ttl
    raise ValueError(f"must be -1 (never expires) or between 1 and {TEN_YEARS} seconds (10 years)")


Ttl = Annotated[int, AfterValidator(_lifetime)]


def _as_list(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


def _known_scopes(scopes: list[str]) -> list[str]:
    unknown = [scope for scope in scopes if scope not in SCOPES]
    if unknown:
        raise ValueError(f"unknown scope {unknown[0]!r}; known scopes: {', '.join(SCOPES)}")
    return list(dict.fromkeys(scopes))


Scopes = Annotated[list[str], BeforeValidator(_as_list), AfterValidator(_known_scopes)]


class AccountCreate(ApiModel):
    email: EmailStr
    password: StrongPassword
    firstname: str = ""
    lastname: str = ""
    label: str = ""
    tax_number: str = ""
    custom: Custom


class AccountUpdate(ApiModel):
    email: EmailStr | None = None
    firstname: str | None = None
    lastname: str | None = None
    label: str | None = None
    tax_number: str | None = None
    custom: dict[str, object] | None = None
    locale: Literal["en", "sl"] | None = None  # WEB §W1.3: the web app's language


class Login(ApiModel):
    email: str
    password: str
    ttl: Ttl = TWO_MONTHS


class Impersonate(ApiModel):
    email: str | None = None
    id: str | None = None
    ttl: Ttl = TWO_MONTHS


class ResetRequest(ApiModel):
    email: str


class ResetPassword(ApiModel):
    password: StrongPassword


class ChangePassword(ApiModel):
    old_password: str
    new_password: StrongPassword


class TokenCreate(ApiModel):
    ttl: Ttl = TWO_MONTHS
    scopes: Scopes = Field(default_factory=list)


# -- answers (COMPAT §1.13) ---------------------------------------------------------------------


class LaunchCode(BaseModel):
    """An AccessToken (COMPAT §3.2): `id` is the launch code when it is issued, its hash when
    listed."""

    id: str
    ttl: int
    created: datetime
    userId: str
    scopes: list[str]


class Uniqueness(BaseModel):
    isUnique: bool


class Verification(BaseModel):
    isVerified: bool
