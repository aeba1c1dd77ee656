"""Spreadsheet export (reference "Exporting data"): one `.xlsx` row per
instance of the organization that matches `where`, typed cells, readable headers, and for
documents their totals per tax rate.

Memory stays flat whatever the size: rows are streamed from the database in batches
(`yield_per`, a server-side cursor on PostgreSQL) straight into XlsxWriter's constant-memory
mode, which writes each row to a temporary file as it goes; the workbook is assembled on disk
and sent from there."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, Final, Literal

import orjson
import xlsxwriter  # type: ignore[import-untyped]
from sqlalchemy import ColumnElement
from sqlalchemy.orm import InstrumentedAttribute, Session

from spaceport.clients.models import Client
from spaceport.documents.models import Document
from spaceport.documents.payments.models import Payment
from spaceport.exports.repository import ExportRepository
from spaceport.items.models import Item
from spaceport.kit.db import Base
from spaceport.kit.errors import invalid
from spaceport.kit.json import format_decimal

CONTENT_TYPE: Final = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Kind = Literal["text", "number", "date", "datetime", "bool"]


@dataclass(frozen=True)
class Column:
    header: str
    source: Any  # a column, or a value inside a JSON column, selected as it is
    kind: Kind = "text"


def client_key(key: str) -> Any:
    """A `_documentClient` property, extracted by the database rather than by parsing every
    client object in Python."""
    return Document.document_client[key].as_string()


DOCUMENT_COLUMNS: Final = (
    Column("Id", Document.id),
    Column("Number", Document.number),
    Column("Type", Document.type),
    Column("Draft", Document.draft, "bool"),
    Column("Date", Document.date, "date"),
    Column("Due date", Document.date_due, "date"),
    Column("Valid till", Document.date_valid_till, "date"),
    Column("Client", client_key("name")),
    Column("Client tax number", client_key("taxNumber")),
    Column("Client country", client_key("country")),
    Column("Reference", Document.reference),
    Column("Currency", Document.currency_id),
    Column("Total discount", Document.total_discount, "number"),
    Column("Total", Document.total, "number"),
    Column("Total with tax", Document.total_with_tax, "number"),
    Column("Total paid", Document.total_paid, "number"),
    Column("Total due", Document.total_due, "number"),
    Column("Paid in full", Document.paid_in_full, "bool"),
    Column("Canceled", Document.canceled, "bool"),
)
CLIENT_COLUMNS: Final = (
    Column("Id", Client.id),
    Column("Name", Client.name),
    Column("Address", Client.address),
    Column("Address 2", Client.address2),
    Column("City", Client.city),
    Column("ZIP", Client.zip),
    Column("State", Client.state),
    Column("Country", Client.country),
    Column("Tax number", Client.tax_number),
    Column("Tax subject", Client.tax_subject, "bool"),
    Column("Company number", Client.company_number),
    Column("IBAN", Client.iban),
    Column("Bank", Client.bank),
    Column("SWIFT", Client.swift),
    Column("Email", Client.email),
    Column("Phone", Client.phone),
    Column("Contact", Client.contact),
    Column("Website", Client.website),
    Column("End customer", Client.is_end_customer, "bool"),
    Column("Created", Client.created_at, "datetime"),
)
ITEM_COLUMNS: Final = (
    Column("Id", Item.id),
    Column("Name", Item.name),
    Column("Description", Item.description),
    Column("SKU", Item.sku),
    Column("Unit", Item.unit),
    Column("Price", Item.price, "number"),
    Column("Price with tax", Item.price_gross, "number"),
    Column("Created", Item.created_at, "datetime"),
)
PAYMENT_COLUMNS: Final = (
    Column("Id", Payment.id),
    Column("Date", Payment.date, "date"),
    Column("Type", Payment.type),
    Column("Amount", Payment.amount, "number"),
    Column("Description", Payment.description),
    Column("Document id", Payment.document_id),
    Column("Document number", Document.number),
    Column("Currency", Document.currency_id),
)


@dataclass(frozen=True)
class Sheet:
    model: type[Base]
    columns: tuple[Column, ...]
    order: tuple[InstrumentedAttribute[Any], ...]

    def rows(
        self, session: Session, filtered: list[ColumnElement[bool]], *extra: Any
    ) -> Iterator[Sequence[Any]]:
        """The sheet's columns (then `extra`) of the rows that pass `filtered`, in order."""
        sources = [column.source for column in self.columns]
        return ExportRepository(session).rows(self.model, sources, self.order, filtered, *extra)


SHEETS: Final[dict[str, Sheet]] = {
    "document": Sheet(Document, DOCUMENT_COLUMNS, (Document.date, Document.id)),
    "client": Sheet(Client, CLIENT_COLUMNS, (Client.name, Client.id)),
    "item": Sheet(Item, ITEM_COLUMNS, (Item.name, Item.id)),
    "payment": Sheet(Payment, PAYMENT_COLUMNS, (Payment.date, Payment.id)),
}


def sheet_of(kind: Any) -> Sheet:
    if not isinstance(kind, str) or kind not in SHEETS:
        raise invalid("type", f"must be one of {', '.join(SHEETS)}")
    return SHEETS[kind]


# -- which rows: the organization's live instances that match `where` (COMPAT §4.1, COMPAT §5.1) --


def conditions(
    session: Session, sheet: Sheet, organization_id: str, where: Mapping[str, Any]
) -> list[ColumnElement[bool]]:
    return ExportRepository(session).conditions(sheet.model, organization_id, where)


# -- documents' totals per tax rate (`_documentTaxes`, COMPAT §6.8) ---------------------------


@dataclass(frozen=True)
class TaxColumns:
    """One "base" and one "tax" column per tax label (`BTW 21 %`) found in the export."""

    labels: tuple[str, ...]
    names: Mapping[str, str]  # tax id → abbreviation or name

    def name(self, entry: Mapping[str, Any]) -> str:
        return self.names.get(str(entry.get("taxId")), "Tax")

    def label(self, entry: Mapping[str, Any]) -> str:
        return f"{self.name(entry)} {format_decimal(rate_of(entry))} %"

    @property
    def headers(self) -> list[str]:
        return [f"{label} {part}" for label in self.labels for part in ("base", "tax")]

    def values(self, taxes: Any) -> list[Decimal | None]:
        sums: dict[str, list[Decimal]] = {}
        for entry in taxes or []:
            label = self.label(entry)
            base, tax = sums.get(label, (Decimal(0), Decimal(0)))
            sums[label] = [base + entry.get("base", 0), tax + entry.get("totalTax", 0)]
        return [value for label in self.labels for value in sums.get(label, [None, None])]


def tax_columns(session: Session, filtered: list[ColumnElement[bool]]) -> TaxColumns:
    """A first, cheap pass over `_documentTaxes` alone: the set of tax labels, so that the
    header row can name every column before the first document row is written."""
    entries: dict[tuple[str, str], Mapping[str, Any]] = {}
    # The JSON as text, parsed by orjson: only rates and ids are read here, never amounts.
    for text in ExportRepository(session).document_taxes(filtered):
        for entry in orjson.loads(text or "[]"):
            entries.setdefault((str(entry.get("taxId")), str(entry.get("tax"))), entry)
    ids = {tax_id for tax_id, _rate in entries}
    names = ExportRepository(session).tax_names(ids)
    columns = TaxColumns((), names)
    # by tax name, then the highest rate first (the standard rate before the reduced ones)
    found = {columns.label(e): (columns.name(e), -rate_of(e)) for e in entries.values()}
    return TaxColumns(tuple(sorted(found, key=found.__getitem__)), names)


def rate_of(entry: Mapping[str, Any]) -> Decimal:
    return Decimal(str(entry.get("tax", 0)))


# -- the workbook -----------------------------------------------------------------------------


EXCEL_EPOCH: Final = datetime(1899, 12, 30, tzinfo=UTC)  # day 0 of Excel's 1900 date system
SECONDS_PER_DAY: Final = 86400


def excel_serial(value: date) -> float:
    """An Excel date: days since Excel's epoch, the time of day as the fraction. Timestamps
    are written in UTC and to the millisecond, as the API answers them (COMPAT §1.5)."""
    if not isinstance(value, datetime):
        return float(value.toordinal() - EXCEL_EPOCH.toordinal())
    value = value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    elapsed = value.replace(microsecond=value.microsecond // 1000 * 1000) - EXCEL_EPOCH
    return elapsed.days + (elapsed.seconds + elapsed.microseconds / 1e6) / SECONDS_PER_DAY


class Writer:
    """Typed cells: numbers as numbers (a Decimal becomes a float only here, as every
    spreadsheet number is one), dates as Excel dates (a serial number with a date format, as
    Excel itself stores them), booleans as booleans. Empty values leave the cell empty."""

    def __init__(self, path: str) -> None:
        self.book = xlsxwriter.Workbook(path, {"constant_memory": True})
        self.sheet = self.book.add_worksheet()
        self.bold = self.book.add_format({"bold": True})
        self.date_format = self.book.add_format({"num_format": "yyyy-mm-dd"})
        self.datetime_format = self.book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
        self.put: dict[Kind, Callable[[int, int, Any], Any]] = {
            "text": lambda row, col, value: self.sheet.write_string(row, col, str(value)),
            "number": lambda row, col, value: self.sheet.write_number(row, col, float(value)),
            "bool": lambda row, col, value: self.sheet.write_boolean(row, col, bool(value)),
            "date": self.date,
            "datetime": self.datetime,
        }
        self.row = 0

    def date(self, row: int, col: int, value: date) -> None:
        day = value.date() if isinstance(value, datetime) else value  # documents: UTC midnight
        self.sheet.write_number(row, col, excel_serial(day), self.date_format)

    def datetime(self, row: int, col: int, value: datetime) -> None:
        self.sheet.write_number(row, col, excel_serial(value), self.datetime_format)

    def header(self, headers: Iterable[str]) -> None:
        for col, header in enumerate(headers):
            self.sheet.write_string(self.row, col, header, self.bold)
        self.row += 1

    def cells(self, kinds: Sequence[Kind], values: Iterable[Any]) -> None:
        put, row = self.put, self.row
        for col, (kind, value) in enumerate(zip(kinds, values, strict=False)):
            if value is not None and value != "":
                put[kind](row, col, value)
        self.row += 1

    def close(self) -> None:
        self.book.close()


def write(
    session: Session, writer: Writer, sheet: Sheet, filtered: list[ColumnElement[bool]]
) -> None:
    taxes = tax_columns(session, filtered) if sheet.model is Document else None
    writer.header([column.header for column in sheet.columns] + (taxes.headers if taxes else []))
    kinds = [column.kind for column in sheet.columns]
    if taxes is None:
        for row in sheet.rows(session, filtered):
            writer.cells(kinds, row)
        return
    kinds += ["number"] * len(taxes.headers)
    for row in sheet.rows(session, filtered, Document.document_taxes):
        writer.cells(kinds, [*row[:-1], *taxes.values(row[-1])])


def export(session: Session, organization_id: str, kind: Any, where: Mapping[str, Any]) -> str:
    """The path of a new `.xlsx` file with the export; the caller removes it once sent."""
    sheet = sheet_of(kind)
    filtered = conditions(session, sheet, organization_id, where)
    handle, path = tempfile.mkstemp(prefix="spaceport-export-", suffix=".xlsx")
    os.close(handle)
    try:
        writer = Writer(path)
        write(session, writer, sheet, filtered)
        writer.close()
    except BaseException:
        os.unlink(path)
        raise
    return path


def filename(kind: str, today: date) -> str:
    return f"{kind}s-{today.isoformat()}.xlsx"
