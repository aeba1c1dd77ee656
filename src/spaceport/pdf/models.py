"""Logo and signature images of an organization (reference "Upload Logo or Signature image")."""

from __future__ import annotations

from sqlalchemy import ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from spaceport.kit.db import Model

IMAGE_TYPES = ("logo", "signature")


class OrganizationImage(Model):
    __tablename__ = "organization_images"
    __table_args__ = (UniqueConstraint("organization_id", "type"),)

    organization_id: Mapped[str] = mapped_column(String(24), ForeignKey("organizations.id"))
    type: Mapped[str] = mapped_column(String(16))
    content_type: Mapped[str] = mapped_column(String(32))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
