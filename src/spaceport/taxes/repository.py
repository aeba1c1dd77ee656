"""Every query of taxes: the organization's taxes (oldest first), taxes by id, and whether a
document uses a tax (reference "Delete a Tax")."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import String, cast, select

from spaceport.documents.models import Document
from spaceport.kit.repository import Repository
from spaceport.taxes.models import Tax


class TaxRepository(Repository[Tax]):
    model = Tax

    def of_organization(self, organization_id: str) -> list[Tax]:
        """The organization's live taxes, oldest first: one query."""
        return self.all(self.live_in(organization_id).order_by(Tax.created_at, Tax.id))

    def named(self, organization_id: str, ids: Iterable[str]) -> dict[str, Tax]:
        """The named taxes that belong to the organization and are not deleted."""
        return self.by_ids(organization_id, ids)

    def used_on_documents(self, tax: Tax) -> bool:
        """Tax ids are unique 24-hex strings, so finding one in a document's lines is exact."""
        stmt = select(Document.id).where(
            Document.organization_id == tax.organization_id,
            cast(Document.document_items, String).contains(tax.id),
        )
        return self.exists(stmt)
