"""Every query of the export: the organization's live rows of a model that match `where`
(COMPAT §4.1, COMPAT §5.1), streamed in batches, documents' `_documentTaxes` as text, and the
names of the taxes documents used."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, Final

from sqlalchemy import ColumnElement, Select, Text, cast, select
from sqlalchemy.orm import Session

from spaceport.documents.models import Document
from spaceport.documents.payments.models import Payment
from spaceport.kit.db import Base
from spaceport.kit.filters import compile_where
from spaceport.kit.repository import dialect_of, live_conditions
from spaceport.taxes.models import Tax

BATCH: Final = 2000  # rows fetched per round trip


class ExportRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def conditions(
        self, model: type[Base], organization_id: str, where: Mapping[str, Any]
    ) -> list[ColumnElement[bool]]:
        """The organization's live instances that match `where`."""
        in_organization: ColumnElement[bool] = getattr(model, "organization_id") == organization_id  # noqa: B009
        return [
            in_organization,
            *live_conditions(model),
            compile_where(where, model, dialect_of(self.session)),
        ]

    def streamed(self, stmt: Select[Any]) -> Iterator[Sequence[Any]]:
        """Rows in batches of `BATCH`: a server-side cursor where the engine has one."""
        options = stmt.execution_options(yield_per=BATCH, stream_results=True)
        for partition in self.session.execute(options).partitions():
            yield from partition

    def rows(
        self,
        model: type[Base],
        sources: Sequence[Any],
        order: Sequence[Any],
        conditions: list[ColumnElement[bool]],
        *extra: Any,
    ) -> Iterator[Sequence[Any]]:
        """`sources` (then `extra`) of the `model` rows that pass `conditions`, in `order`,
        streamed; a payment's document gives its number and currency."""
        stmt = select(*sources)
        if model is Payment:
            stmt = stmt.join(Document, Document.id == Payment.document_id)
        return self.streamed(stmt.order_by(*order).where(*conditions).add_columns(*extra))

    def document_taxes(self, conditions: list[ColumnElement[bool]]) -> Iterator[str | None]:
        """The `_documentTaxes` JSON, as text, of the documents that pass `conditions`."""
        stmt = select(cast(Document.document_taxes, Text)).where(*conditions)
        for (text,) in self.streamed(stmt):
            yield text

    def tax_names(self, ids: Iterable[str]) -> dict[str, str]:
        """Tax id → its abbreviation, else its name."""
        stmt = select(Tax.id, Tax.abbreviation, Tax.name).where(Tax.id.in_(set(ids)))
        return {
            tax_id: abbreviation or name
            for tax_id, abbreviation, name in self.session.execute(stmt)
        }
