"""Every query of clients: by email (COMPAT §6.4), the search (COMPAT §1.11) and the documents
of clients (`include=documents`, COMPAT §4.3)."""

from __future__ import annotations

import dataclasses
from typing import Final

from spaceport.clients.models import Client, search_key
from spaceport.documents.models import Document
from spaceport.kit.filters import Filter
from spaceport.kit.repository import Repository, repository_of
from spaceport.kit.search import by_name

SEARCH_LIMIT: Final = 50


class ClientRepository(Repository[Client]):
    model = Client

    def find_by_email(self, organization_id: str, email: str) -> Client | None:
        """The organization's (oldest) live client with this email, ignoring case."""
        key = search_key(email)
        if not key:
            return None
        stmt = self.live_in(organization_id).where(Client.email_key == key)
        return self.first(stmt.order_by(Client.created_at, Client.id))

    def search(self, organization_id: str, term: str, flt: Filter) -> list[Client]:
        """COMPAT §1.11 search: a case-insensitive substring of name, email, address, city, tax
        number, company number, contact or phone. Best first: the name equal to the term, then
        starting with it, then containing it, then the other fields; within a rank the filter's
        `order` (default name). `where`, `limit` (default 50) and `skip` apply as in lists
        (`kit.search.by_name`)."""
        flt = dataclasses.replace(
            flt,
            order=flt.order or [("name", False)],
            limit=SEARCH_LIMIT if flt.limit is None else flt.limit,
        )
        return by_name(self, organization_id, search_key(term), flt)

    def documents_of(self, clients: list[Client]) -> list[Document]:
        """The clients' live documents, newest first."""
        documents = repository_of(Document)(self.session)
        stmt = documents.statement().where(Document.client_id.in_([c.id for c in clients]))
        return documents.all(stmt.order_by(Document.date.desc(), Document.id.desc()))
