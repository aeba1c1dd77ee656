"""Categories: how an organization classifies income and expenses (COMPAT §7.6)."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from spaceport.kit.db import Model, SoftDeleted


class Category(Model, SoftDeleted):
    __tablename__ = "categories"
    # `alias` is unique among the organization's live categories: checked by the service,
    # since a deleted category keeps its row (COMPAT §5.1) and must not block the alias.
    __table_args__ = (Index("ix_categories_organization_alias", "organization_id", "alias"),)

    organization_id: Mapped[str] = mapped_column(String(24), ForeignKey("organizations.id"))
    name: Mapped[str]
    alias: Mapped[str]
    description: Mapped[str | None]


class DocumentCategory(Model):
    """A document's amount booked to a category (COMPAT §7.6 DocumentCategory)."""

    __tablename__ = "document_categories"
    __table_args__ = (Index("ix_document_categories_document", "document_id"),)

    organization_id: Mapped[str] = mapped_column(String(24), ForeignKey("organizations.id"))
    document_id: Mapped[str] = mapped_column(String(24), ForeignKey("documents.id"))
    category_id: Mapped[str] = mapped_column(String(24), ForeignKey("categories.id"))
    amount: Mapped[Decimal]
