"""Accounts and their launch codes (COMPAT §3.2, COMPAT §3.3)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from spaceport.kit.db import Base, Model, utcnow


class Account(Model):
    __tablename__ = "accounts"

    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200), info={"private": True})
    firstname: Mapped[str] = mapped_column(default="")
    lastname: Mapped[str] = mapped_column(default="")
    label: Mapped[str] = mapped_column(default="")
    tax_number: Mapped[str] = mapped_column(default="")
    email_verified: Mapped[bool] = mapped_column(default=False)
    # COMPAT §3.3: an account created with a launch code is a child of the caller's root.
    root_id: Mapped[str | None] = mapped_column(
        String(24), ForeignKey("accounts.id"), index=True, info={"private": True}
    )


# Launch-code scopes (COMPAT §3.5): `read` allows GET and HEAD only, `write` everything
# the account may do; a code without scopes has all rights of its account.
READ_SCOPE = "read"
SCOPES = (READ_SCOPE, "write")


class AccessToken(Base):
    """A launch code. Only its SHA-256 is stored (COMPAT §3.2); the code has 384 random bits,
    so a fast hash is enough and lookups stay O(1)."""

    __tablename__ = "access_tokens"
    __table_args__ = (Index("ix_access_tokens_account", "account_id"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 hex of the code
    account_id: Mapped[str] = mapped_column(String(24), ForeignKey("accounts.id"))
    ttl: Mapped[int]  # seconds; -1 never expires
    scopes: Mapped[list[Any]] = mapped_column(default=list)
    # "login" codes authorize the API; "reset" and "verify" codes are single-use tokens.
    purpose: Mapped[str] = mapped_column(String(16), default="login")
    created: Mapped[datetime] = mapped_column(default=utcnow)
