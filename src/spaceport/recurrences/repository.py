"""Every query of recurrences: a document's recurrences, the ones due for generation, the
recurrence's row locked while an iteration is generated (the tick jobs that schedule them are
`jobs.repository`'s)."""

from __future__ import annotations

from sqlalchemy import select

from spaceport.documents.models import Document
from spaceport.kit.repository import Repository, is_live
from spaceport.organizations.models import Organization
from spaceport.recurrences.models import Recurrence


class RecurrenceRepository(Repository[Recurrence]):
    model = Recurrence

    def newest_of(self, document_id: str) -> Recurrence | None:
        """The document's live recurrence created last (COMPAT §7.5, the singular route)."""
        stmt = self.statement().where(Recurrence.document_id == document_id)
        return self.first(stmt.order_by(Recurrence.created_at.desc(), Recurrence.id.desc()))

    def of_documents(self, document_ids: list[str]) -> list[Recurrence]:
        """The documents' live recurrences, oldest first (`include=recurrences`, COMPAT §4.3)."""
        stmt = self.statement().where(Recurrence.document_id.in_(document_ids))
        return self.all(stmt.order_by(Recurrence.created_at, Recurrence.id))

    def live_with_organizations(self) -> list[tuple[Recurrence, Organization]]:
        """Every live recurrence with its organization (whose calendar says what is due)."""
        stmt = (
            select(Recurrence, Organization)
            .join(Organization, Organization.id == Recurrence.organization_id)
            .where(*self.live_conditions())
            .order_by(Recurrence.id)
        )
        return [(row[0], row[1]) for row in self.session.execute(stmt)]

    def locked(self, recurrence_id: str) -> Recurrence | None:
        """The live recurrence, its row locked (PostgreSQL) until the transaction ends."""
        found = self.session.get(Recurrence, recurrence_id, with_for_update=True)
        return found if is_live(found) else None

    def copy_with_unique_id(self, organization_id: str, unique_id: str) -> Document | None:
        """The document an iteration already created (its `uniqueId`, COMPAT §6.11)."""
        stmt = select(Document).where(
            Document.organization_id == organization_id, Document.unique_id == unique_id
        )
        return self.first(stmt)
