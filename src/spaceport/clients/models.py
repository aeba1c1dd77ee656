"""Clients: the organization's customers (reference "Clients"; COMPAT §5.1 soft delete)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column

from spaceport.kit.db import Model, SoftDeleted
from spaceport.parties import PartyColumns

# What the search looks in (besides the name, which also ranks the matches).
SEARCHED = ("name", "email", "address", "city", "tax_number", "company_number", "contact", "phone")
PRIVATE = {"private": True}


def search_key(text: str | None) -> str:
    """Case-insensitive form of a value, computed here rather than with SQL lower() so both
    engines match alike (SQLite's lower() only folds ASCII)."""
    return (text or "").strip().casefold()


class Client(PartyColumns, Model, SoftDeleted):
    __tablename__ = "clients"
    __table_args__ = (
        # listing pages by id within an organization (COMPAT §4.2)
        Index("ix_clients_organization", "organization_id", "id"),
        # a document's `_documentClient.email` finds its client (COMPAT §6.4)
        Index("ix_clients_organization_email", "organization_id", "email_key"),
        # lists filtered by city and ordered by name (bench/filters.py measures this one)
        Index("ix_clients_organization_city", "organization_id", "city", "name"),
        # search's names starting with the term, ranked and ordered by name from the index
        # alone (clients/repository, kit.search.starting_with)
        Index(
            "ix_clients_organization_name_key",
            "organization_id",
            "name_key",
            "is_deleted",
            "name",
            "id",
            postgresql_ops={"name_key": "text_pattern_ops"},
        ),
    )

    organization_id: Mapped[str] = mapped_column(String(24), ForeignKey("organizations.id"))
    name: Mapped[str]
    tax_subject: Mapped[bool] = mapped_column(default=False)
    contact: Mapped[str | None]
    is_end_customer: Mapped[bool] = mapped_column(default=False)
    # Derived, never answered: case-folded keys for email matching and search.
    name_key: Mapped[str] = mapped_column(default="", info=PRIVATE)
    email_key: Mapped[str | None] = mapped_column(default=None, info=PRIVATE)
    search_text: Mapped[str] = mapped_column(Text, default="", info=PRIVATE)

    def refresh_search_keys(self) -> None:
        self.name_key = search_key(self.name)
        self.email_key = search_key(self.email) or None
        # one line per field, so a term never matches across two fields
        self.search_text = "\n".join(search_key(getattr(self, name)) for name in SEARCHED)


@event.listens_for(Client, "before_insert")
@event.listens_for(Client, "before_update")
def _refresh_search_keys(_mapper: Any, _connection: Any, client: Client) -> None:
    """Every write path (the API, a document saving its client) keeps the keys current."""
    client.refresh_search_keys()
