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
    # WEB §W1.3: the language of the web app's pages for this account.
    locale: Mapped[str] = mapped_column(String(8), default="en", server_default="en")
    # Issue 16 point 4: a new email takes effect once the link sent to it is followed; until
    # then the account keeps `email` (and logs in with it).
    pending_email: Mapped[str | None] = mapped_column(String(254), info={"private": True})
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
    # "login" codes authorize the API; "reset", "verify" (the email) and "email" (a new email,
    # `Account.pending_email`) codes are single-use tokens.
    purpose: Mapped[str] = mapped_column(String(16), default="login")
    created: Mapped[datetime] = mapped_column(default=utcnow)


class WebSession(Base):
    """A sign-in to the web app (WEB §W2.3): only the SHA-256 of its cookie's random token is
    stored. It is no launch code (`/v1` never reads this table) and ends after a week unused,
    at log out, or when the account's password changes (`AccountRepository.revoke_codes`)."""

    __tablename__ = "web_sessions"
    __table_args__ = (Index("ix_web_sessions_account", "account_id"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 hex of the token
    account_id: Mapped[str] = mapped_column(String(24), ForeignKey("accounts.id"))
    created: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(default=utcnow)
