"""Connections: an organization's credentials to an outside service (FLOWS §F2)."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from spaceport.kit.db import Model, SoftDeleted


class Connection(Model, SoftDeleted):
    __tablename__ = "connections"
    __table_args__ = (Index("ix_connections_organization", "organization_id"),)

    organization_id: Mapped[str] = mapped_column(String(24), ForeignKey("organizations.id"))
    name: Mapped[str] = mapped_column(Text)
    type: Mapped[str] = mapped_column(String(32))  # "contextual" (FLOWS §F2.2), fixed at create
    base_url: Mapped[str] = mapped_column(Text)
    # FLOWS §F2.3: sealed under SPACEPORT_SECRET_KEY (kit/sealing.py), never answered
    api_key: Mapped[str] = mapped_column(Text, info={"private": True, "sealed": True})
    api_key_last4: Mapped[str] = mapped_column(String(4), info={"api": "apiKeyLast4"})
