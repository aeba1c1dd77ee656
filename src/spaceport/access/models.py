"""Access: which accounts may act on an organization, and in which role (COMPAT §3.6)."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from spaceport.kit.db import Model

ROLES = ("admin", "default", "readonly")


class Access(Model):
    __tablename__ = "accesses"
    __table_args__ = (
        Index("ix_accesses_account_organization", "account_id", "organization_id"),
        Index("ix_accesses_organization", "organization_id"),
        Index("ix_accesses_email", "email"),
    )

    organization_id: Mapped[str] = mapped_column(String(24), ForeignKey("organizations.id"))
    # Null until an invitation by email finds its account (linked at sign-up).
    account_id: Mapped[str | None] = mapped_column(String(24), ForeignKey("accounts.id"))
    email: Mapped[str | None] = mapped_column(String(254))
    # Issue 16 point 4: the SHA-256 of the token an invitation by email sends, which lets the
    # one who received it accept it; null once answered, and for invitations by account id.
    invitation_hash: Mapped[str | None] = mapped_column(String(64), info={"private": True})
    role: Mapped[str] = mapped_column(String(16), default="default")
    active: Mapped[bool] = mapped_column(default=True)
    rejected: Mapped[bool] = mapped_column(default=False)
    disabled: Mapped[bool] = mapped_column(default=False)
