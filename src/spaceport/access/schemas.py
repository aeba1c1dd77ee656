from __future__ import annotations

from typing import Literal

from pydantic import EmailStr

from spaceport.kit.schemas import ApiModel

Role = Literal["admin", "default", "readonly"]


class Invite(ApiModel):
    account_id: str | None = None
    email: EmailStr | None = None
    role: Role = "default"
    require_confirmation: bool = True
    send_email: bool = True


class ChangeRole(ApiModel):
    role: Role
