"""Every query of documents (DESIGN): numbers and unique ids, the search, the statistics, the
relations `filter[include]` names (COMPAT §4.3), the activities of sent mail, and the counters
that number documents (COMPAT §6.2)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any, Final, NamedTuple, cast

from sqlalchemy import ColumnElement, Table, bindparam, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from spaceport.clients.models import Client
from spaceport.documents.models import Document, DocumentActivity, DocumentCounter
from spaceport.documents.payments.models import Payment
from spaceport.kit.filters import compile_where
from spaceport.kit.repository import Repository, live_conditions
from spaceport.kit.search import caseless, is_common, like_literal, searched
from spaceport.recurrences.models import Recurrence


class Totals(NamedTuple):
    """One row of the statistics: a type and currency, how many documents and their sums."""

    type: str
    currency_id: str
    documents: int
    total: Decimal | None
    total_with_tax: Decimal | None
    total_paid: Decimal | None
    total_due: Decimal | None


class DocumentRepository(Repository[Document]):
    model = Document

    def referable(self, organization_id: str, ids: Iterable[str]) -> dict[str, Document]:
        """The organization's documents among `ids`, deleted ones too (a document may keep
        referring to one that was deleted since), by id."""
        return self.by_ids(organization_id, ids, include_deleted=True)

    def unique_id_used(self, organization_id: str, unique_id: str) -> bool:
        """COMPAT §6.11: by any document of the organization, deleted ones too."""
        stmt = self.live_in(organization_id, include_deleted=True)
        return self.exists(stmt.where(Document.unique_id == unique_id))

    def number_used(
        self,
        organization_id: str,
        type_: str,
        number: str,
        unit_id: str | None = None,
        except_id: str | None = None,
    ) -> bool:
        """COMPAT §6.2: the number in the type's (and unit's) sequence of the organization,
        deleted documents too (a number is never reused)."""
        stmt = self.live_in(organization_id, include_deleted=True).where(
            Document.type == type_,
            Document.numbering_unit == (unit_id or ""),
            Document.number == number,
        )
        if except_id:
            stmt = stmt.where(Document.id != except_id)
        return self.exists(stmt)

    def search(self, organization_id: str, term: str, limit: int) -> list[Document]:
        """`search-documents`: the term in the number, reference or client's name or email,
        case insensitive; newest first. The trigram index of `search_text` finds the rows
        holding the pattern's literal (kit/search), newest first, a page at a time; the
        `where` decides among them, as it always did. It stays out of the candidates' query
        (issue 13 item 5): PostgreSQL cannot estimate a regular expression, and with it took
        a common term for a rare one, reading every candidate where walking the date index
        finds a page at once."""
        pattern = term.replace("%", r"\%").replace("_", r"\_")
        where = {
            "or": [
                {key: {"like": f"%{pattern}%", "options": "i"}}
                for key in ("number", "reference", "_documentClient.name", "_documentClient.email")
            ]
        }
        decides = compile_where(where, Document, self.dialect)
        literal = caseless(like_literal(f"%{pattern}%"))
        # on SQLite, a common literal's first page is met soonest walking the date index
        walk = self.dialect == "sqlite" and is_common(self.session, Document, literal)
        newest = (Document.date.desc(), Document.id.desc())
        candidates = (
            select(Document.id)
            .where(*live_conditions(Document))
            .where(*searched(Document, organization_id, literal, self.dialect, walk=walk))
            .order_by(*newest)
            .limit(limit)
        )
        found: list[Document] = []
        start = 0
        while True:
            ids = list(self.session.scalars(candidates.offset(start)))
            if ids:
                stmt = select(Document).where(Document.id.in_(ids), decides).order_by(*newest)
                found.extend(self.all(stmt))
            if len(found) >= limit or len(ids) < limit:
                return found[:limit]
            start += limit

    def last_number(self, organization_id: str, type_: str, unit_id: str | None) -> str | None:
        """The number of the type's latest numbered document (in the unit's sequence, if
        given), deleted ones too."""
        stmt = (
            select(Document.number)
            .where(
                self.in_organization(organization_id),
                Document.type == type_,
                Document.number.is_not(None),
                Document.unit_id.is_(None) if unit_id is None else Document.unit_id == unit_id,
            )
            .order_by(Document.created_at.desc(), Document.id.desc())
        )
        return self.first(stmt)

    def totals(
        self, organization_id: str, since: datetime | None, before: datetime | None
    ) -> list[Totals]:
        """Issued (live, non-draft, non-canceled) documents dated in [since, before), counted
        and summed by type and currency."""
        stmt = (
            select(
                Document.type,
                Document.currency_id,
                func.count(),
                func.sum(Document.total),
                func.sum(Document.total_with_tax),
                func.sum(Document.total_paid),
                func.sum(Document.total_due),
            )
            .where(
                self.in_organization(organization_id),
                *self.live_conditions(),
                Document.draft.is_(False),
                Document.canceled.is_(False),
            )
            .group_by(Document.type, Document.currency_id)
            .order_by(Document.type, Document.currency_id)
        )
        if since is not None:
            stmt = stmt.where(Document.date >= since)
        if before is not None:
            stmt = stmt.where(Document.date < before)
        return [Totals(*row) for row in self.session.execute(stmt)]

    # -- relations of `filter[include]` (COMPAT §4.3), each by document id -----------------------
    def payments_of(self, rows: list[Document]) -> dict[str, list[Payment]]:
        """The documents' live payments, by date (COMPAT §5.1)."""
        return self._children(rows, Payment, Payment.date)

    def recurrences_of(self, rows: list[Document]) -> dict[str, list[Recurrence]]:
        """The documents' live recurrences, oldest first (COMPAT §5.1)."""
        return self._children(rows, Recurrence, Recurrence.created_at)

    def clients_of(self, rows: list[Document]) -> dict[str, Client | None]:
        """Each document's saved client, in whatever state."""
        client_ids = {row.client_id for row in rows if row.client_id}
        found = {c.id: c for c in self.all(select(Client).where(Client.id.in_(client_ids)))}
        return {row.id: found.get(row.client_id or "") for row in rows}

    def _children(self, rows: list[Document], model: type[Any], order: Any) -> dict[str, list[Any]]:
        grouped: dict[str, list[Any]] = {row.id: [] for row in rows}
        stmt = select(model).where(model.document_id.in_(grouped), *live_conditions(model))
        for child in self.all(stmt.order_by(order, model.id)):
            grouped[child.document_id].append(child)
        return grouped


class ActivityRepository(Repository[DocumentActivity]):
    """What happened to documents after they were issued (sent, delivered, failed, opened)."""

    model = DocumentActivity

    def by_token(self, token: str) -> DocumentActivity | None:
        """The `sent` activity whose tracking pixel has this token."""
        return self.first(self.statement().where(DocumentActivity.token == token))

    def of_document(self, document_id: str) -> list[DocumentActivity]:
        stmt = self.statement().where(DocumentActivity.document_id == document_id)
        return self.all(stmt.order_by(DocumentActivity.created_at, DocumentActivity.id))


COUNTERS: Final = cast(Table, DocumentCounter.__table__)
# Built once (issue 13): a Core statement on the table, which neither rebuilds its cache key
# per call nor evaluates its criteria against the session's objects as an ORM update does.
ADVANCE: Final = (
    update(COUNTERS)
    .where(
        COUNTERS.c.organization_id == bindparam("counter_organization_id"),
        COUNTERS.c.type == bindparam("counter_type"),
        COUNTERS.c.year == bindparam("counter_year"),
        COUNTERS.c.unit_id == bindparam("counter_unit_id"),
    )
    .values(last=COUNTERS.c.last + 1)
    .returning(COUNTERS.c.last)
)


class Counters:
    """The gapless counters of document numbers (COMPAT §6.2): one row per organization, type,
    year and unit, each advanced inside the creating transaction."""

    def __init__(self, session: Session) -> None:
        self.session = session

    @staticmethod
    def _key(
        organization_id: str, type_: str, year: int, unit_id: str | None
    ) -> list[ColumnElement[bool]]:
        return [
            DocumentCounter.organization_id == organization_id,
            DocumentCounter.type == type_,
            DocumentCounter.year == year,
            DocumentCounter.unit_id == (unit_id or ""),
        ]

    def last(self, organization_id: str, type_: str, year: int, unit_id: str | None) -> int | None:
        """The sequence's last number, None while the counter does not exist."""
        key = self._key(organization_id, type_, year, unit_id)
        return self.session.scalar(select(DocumentCounter.last).where(*key))

    def advance_locked(
        self, organization_id: str, type_: str, year: int, unit_id: str | None
    ) -> int | None:
        """The next number of the sequence, taken with `UPDATE ... RETURNING`: the update locks
        the counter's row (PostgreSQL) or holds the write lock (SQLite) until the transaction
        ends, so concurrent creates take turns. None when the counter does not exist."""
        found = self.session.execute(
            ADVANCE,
            {
                "counter_organization_id": organization_id,
                "counter_type": type_,
                "counter_year": year,
                "counter_unit_id": unit_id or "",
            },
        )
        sequence: int | None = found.scalar()
        return sequence

    def create_missing(
        self, organization_id: str, type_: str, year: int, unit_id: str | None
    ) -> None:
        """The counter at 0 if it is missing; a concurrent creator wins harmlessly."""
        if self.last(organization_id, type_, year, unit_id) is not None:
            return
        counter = DocumentCounter(
            organization_id=organization_id, type=type_, year=year, unit_id=unit_id or "", last=0
        )
        try:
            with self.session.begin_nested():
                self.session.add(counter)
        except IntegrityError:
            pass

    def raise_to(
        self, organization_id: str, type_: str, year: int, unit_id: str | None, sequence: int
    ) -> None:
        """The counter moved up to `sequence` unless it is already past it."""
        key = self._key(organization_id, type_, year, unit_id)
        self.session.execute(
            update(DocumentCounter)
            .where(*key, DocumentCounter.last < sequence)
            .values(last=sequence)
        )
