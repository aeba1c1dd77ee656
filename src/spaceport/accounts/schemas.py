from __future__ import annotations

from pydantic import EmailStr, Field

from spaceport.kit.schemas import ApiModel, Custom

TWO_MONTHS = 60 * 24 * 3600  # COMPAT §3.2: the default ttl, in seconds


class AccountCreate(ApiModel):
    email: EmailStr
    password: str = Field(min_length=1)
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


class Login(ApiModel):
    email: str
    password: str
    ttl: int = Field(default=TWO_MONTHS, ge=-1)


class Impersonate(ApiModel):
    email: str | None = None
    id: str | None = None
    ttl: int = Field(default=TWO_MONTHS, ge=-1)


class ResetRequest(ApiModel):
    email: str


class ResetPassword(ApiModel):
    password: str = Field(min_length=1)


class ChangePassword(ApiModel):
    old_password: str
    new_password: str = Field(min_length=1)


class TokenCreate(ApiModel):
    ttl: int = Field(default=TWO_MONTHS, ge=-1)
    scopes: list[str] = Field(default_factory=list)
