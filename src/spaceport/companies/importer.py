"""Importing public business registers into the company directory:
`spaceport companies import FILE --country GB|SI`.

The file is read as a stream (one register entry in memory at a time) and upserted in batches
of 5,000 entries, one transaction per batch, keyed by (country, registration number): running
an import again updates the rows it finds instead of adding new ones. Entries without a name
or a registration number are skipped (every register entry has both; the number is the key).
A `.zip` holding the file is read as well (its first `.csv`/`.xml` member).

GB: Companies House "Free Company Data Product", `BasicCompanyData-<date>-part<n>_<m>.csv`
(download.companieshouse.gov.uk). Header names are trimmed (the real file writes some with a
leading space, ` CompanyNumber`). Read columns:

- `CompanyName` → name; `CompanyNumber` → companyNumber;
- `RegAddress.AddressLine1` → address (`PO Box <RegAddress.POBox>` when it is empty);
  `RegAddress.AddressLine2` → address2; `RegAddress.PostTown` → city;
  `RegAddress.PostCode` → zip; `RegAddress.CareOf`, `.County` and `.Country` are not used;
- `CompanyStatus` and `DissolutionDate`: an entry whose status starts with "Dissolved" or is
  "Converted/Closed", or that has a dissolution date, is skipped.

The register holds no VAT number (HMRC keeps those), so taxNumber is "" and taxSubject false.

SI: AJPES "Poslovni register Slovenije – javni podatki" (PRS open data, XML). Its schema is
not published with the export, so the reader accepts the documented fields under the names
below, wherever they appear:

- Names compare without case, accents, namespaces, `_`, `-`, `.` and spaces: `MaticnaStevilka`,
  `maticna_stevilka` and `MATIČNA-ŠTEVILKA` are one name.
- A business entity is any element whose own attributes or child elements include a
  registration number: `maticna` / `maticnaStevilka`. Its fields are read from its attributes
  first, then from the text and attributes of the elements inside it, in document order (the
  first value found wins). The text of an element nested in another (`<Naslov><Ulica>`) is
  also found as parent + name (`naslovUlica`), an attribute of an inner element also as
  element + attribute (`<Posta naziv="..">` gives `naziv` and `postaNaziv`).
- Fields: `maticna`, `maticnaStevilka` → companyNumber (10 digits); `davcna`,
  `davcnaStevilka` → tax number (8 digits); `naziv`, then `popolnoIme`, then `kratkoIme` →
  name; `ulica` + `hisnaStevilka` → address (else `naslov`, one string); `posta`,
  `postnaStevilka` → zip (a value "8000 Novo mesto" gives zip and city); `kraj`,
  `nazivPoste`, `postaNaziv` → city; `zavezanecZaDDV`, `zavezanecDDV`, `ddv` → taxSubject,
  true for `DA`, `D`, `1`, `true`, `Y`, `yes`.
- taxNumber is "SI" + the tax number for VAT subjects, the bare tax number otherwise.

For example (`data/sample_si.xml` is written this way):

    <PRS>
      <PS maticna="5043611000" davcna="82646716" zavezanecZaDDV="DA">
        <Naziv>KRKA, tovarna zdravil, d.d., Novo mesto</Naziv>
        <Ulica>Šmarješka cesta</Ulica><HisnaStevilka>6</HisnaStevilka>
        <Posta>8501</Posta><Kraj>Novo mesto</Kraj>
      </PS>
    </PRS>
"""

from __future__ import annotations

import csv
import io
import re
import sys
import unicodedata
import xml.etree.ElementTree as ElementTree
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import IO, Any, TypedDict

from sqlalchemy.orm import Session

from spaceport.companies import repository
from spaceport.companies.models import search_key
from spaceport.countries.catalog import get_country
from spaceport.kit.db import Database

BATCH_SIZE = 5_000
COUNTRIES = ("GB", "SI")


class CompanyRecord(TypedDict):
    name: str
    address: str
    address2: str
    city: str
    zip: str
    country: str
    country_code: str
    tax_number: str
    tax_subject: bool
    company_number: str


@dataclass
class ImportCounts:
    read: int = 0
    imported: int = 0
    skipped: int = 0


def country_name(alpha2: str) -> str:
    country = get_country(alpha2)
    return str(country["name"]) if country else alpha2


def company_row(record: CompanyRecord) -> dict[str, Any]:
    """A table row for `record`: the record plus what search compares."""
    return {**record, "search_name": search_key(record["name"])}


# --- input files ------------------------------------------------------------------------------


@contextmanager
def open_input(path: Path, extension: str) -> Iterator[IO[bytes]]:
    """`path` as a binary stream; a zip archive gives its first member named `*<extension>`
    (or its first member)."""
    if not zipfile.is_zipfile(path):
        with path.open("rb") as stream:
            yield stream
        return
    with zipfile.ZipFile(path) as archive:
        names = [n for n in archive.namelist() if not n.endswith("/")]
        if not names:
            raise ValueError(f"{path} holds no file")
        wanted = [n for n in names if n.lower().endswith(extension)] or names
        with archive.open(wanted[0]) as stream:
            yield stream


# --- GB: Companies House BasicCompanyData -----------------------------------------------------

_CLOSED = ("dissolved", "converted/closed")


def gb_entries(stream: IO[bytes]) -> Iterator[dict[str, str]]:
    """The CSV's rows keyed by trimmed header names."""
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="replace", newline="")
    reader = csv.reader(text)
    header = [name.strip() for name in next(reader, [])]
    for row in reader:
        yield dict(zip(header, (value.strip() for value in row), strict=False))


def gb_record(entry: Mapping[str, str]) -> CompanyRecord | None:
    """A BasicCompanyData row as a record; None for a dissolved or incomplete entry."""
    status = entry.get("CompanyStatus", "").lower()
    if status.startswith(_CLOSED) or entry.get("DissolutionDate"):
        return None
    name, number = entry.get("CompanyName", ""), entry.get("CompanyNumber", "").upper()
    if not name or not number:
        return None
    po_box = entry.get("RegAddress.POBox", "")
    return CompanyRecord(
        name=name,
        address=entry.get("RegAddress.AddressLine1", "") or (f"PO Box {po_box}" if po_box else ""),
        address2=entry.get("RegAddress.AddressLine2", ""),
        city=entry.get("RegAddress.PostTown", ""),
        zip=entry.get("RegAddress.PostCode", ""),
        country=country_name("GB"),
        country_code="GB",
        tax_number="",
        tax_subject=False,
        company_number=number,
    )


def gb_records(stream: IO[bytes]) -> Iterator[CompanyRecord | None]:
    return (gb_record(entry) for entry in gb_entries(stream))


# --- SI: AJPES PRS open data ------------------------------------------------------------------

_REGISTRATION = ("maticna", "maticnastevilka")
_TAX = ("davcna", "davcnastevilka")
_NAME = ("naziv", "popolnoime", "kratkoime")
_STREET = ("ulica",)
_HOUSE = ("hisnastevilka",)
_ADDRESS = ("naslov",)
_ZIP = ("posta", "postnastevilka")
_CITY = ("kraj", "nazivposte", "postanaziv")
_VAT = ("zavezaneczaddv", "zavezanecddv", "ddv")
_YES = frozenset({"da", "d", "1", "true", "y", "yes"})
_ZIP_AND_CITY = re.compile(r"^(\d{4})\s+(.+)$")
_PUNCTUATION = str.maketrans("", "", "_-. ")


def field_name(tag: str) -> str:
    """A tag or attribute name without namespace, case, accents and `_ - .` or spaces."""
    local = tag.rsplit("}", 1)[-1]
    decomposed = unicodedata.normalize("NFKD", local.casefold())
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return bare.translate(_PUNCTUATION)


def _first(fields: Mapping[str, str], names: Iterable[str]) -> str:
    return next((fields[n] for n in names if fields.get(n)), "")


def _is_entity(element: ElementTree.Element) -> bool:
    names = {field_name(key) for key in element.attrib}
    names.update(field_name(child.tag) for child in element)
    return any(name in names for name in _REGISTRATION)


def entity_fields(entity: ElementTree.Element) -> dict[str, str]:
    """The entity's attributes, then the text and attributes of the elements inside it, in
    document order; the first value of a name wins. Text of a nested element also counts as
    parent + name, an attribute also as element + attribute."""
    fields: dict[str, str] = {}

    def add(name: str, value: str | None) -> None:
        if value and value.strip():
            fields.setdefault(name, " ".join(value.split()))

    for key, value in entity.attrib.items():
        add(field_name(key), value)
    stack = [(child, "") for child in reversed(entity)]
    while stack:
        element, parent = stack.pop()
        name = field_name(element.tag)
        add(name, element.text)
        if parent:
            add(parent + name, element.text)
        for key, value in element.attrib.items():
            add(field_name(key), value)
            add(name + field_name(key), value)
        stack.extend((child, name) for child in reversed(element))
    return fields


def si_record(fields: Mapping[str, str]) -> CompanyRecord | None:
    """An AJPES entity's fields as a record; None without a name or registration number."""
    name, number = _first(fields, _NAME), _first(fields, _REGISTRATION)
    if not name or not number:
        return None
    zip_code, city = _first(fields, _ZIP), _first(fields, _CITY)
    joined = _ZIP_AND_CITY.match(zip_code)
    if joined:
        zip_code, city = joined.group(1), city or joined.group(2)
    street = " ".join(p for p in (_first(fields, _STREET), _first(fields, _HOUSE)) if p)
    tax = _first(fields, _TAX).upper().removeprefix("SI").replace(" ", "")
    vat = _first(fields, _VAT).casefold() in _YES
    return CompanyRecord(
        name=name,
        address=street or _first(fields, _ADDRESS),
        address2="",
        city=city,
        zip=zip_code,
        country=country_name("SI"),
        country_code="SI",
        tax_number=f"SI{tax}" if vat and tax else tax,
        tax_subject=vat,
        company_number=number.replace(" ", ""),
    )


def si_entities(stream: IO[bytes]) -> Iterator[dict[str, str]]:
    """The fields of every business entity, parsed incrementally: an entity is dropped from
    the tree once read (as is every other child of the root), so memory stays constant."""
    open_elements: list[ElementTree.Element] = []
    for event, element in ElementTree.iterparse(stream, events=("start", "end")):
        if event == "start":
            open_elements.append(element)
            continue
        open_elements.pop()
        entity = _is_entity(element)
        if entity:
            yield entity_fields(element)
        if open_elements and (entity or len(open_elements) == 1):
            open_elements[-1].remove(element)


def si_records(stream: IO[bytes]) -> Iterator[CompanyRecord | None]:
    return (si_record(fields) for fields in si_entities(stream))


# --- importing --------------------------------------------------------------------------------

READERS: dict[str, tuple[str, Callable[[IO[bytes]], Iterator[CompanyRecord | None]]]] = {
    "GB": (".csv", gb_records),
    "SI": (".xml", si_records),
}


def store(session: Session, records: Iterable[CompanyRecord]) -> int:
    return repository.upsert(session, [company_row(record) for record in records])


def import_records(
    db: Database,
    records: Iterable[CompanyRecord | None],
    batch_size: int = BATCH_SIZE,
    progress: Callable[[ImportCounts], None] | None = None,
) -> ImportCounts:
    """Upsert `records` in batches, one writing transaction each; None counts as skipped."""
    counts = ImportCounts()
    batch: list[CompanyRecord] = []

    def flush() -> None:
        with db.transaction(write=True) as session:
            counts.imported += store(session, batch)
        batch.clear()
        if progress:
            progress(counts)

    for record in records:
        counts.read += 1
        if record is None:
            counts.skipped += 1
            continue
        batch.append(record)
        if len(batch) >= batch_size:
            flush()
    if batch:
        flush()
    return counts


def import_file(
    db: Database,
    path: Path,
    country: str,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[ImportCounts], None] | None = None,
) -> ImportCounts:
    extension, reader = READERS[country.upper()]
    with open_input(path, extension) as stream:
        return import_records(db, reader(stream), batch_size, progress)


def command(database_url: str, path: Path, country: str) -> int:
    """`spaceport companies import`: import, report progress on stderr, print the counts."""

    def progress(counts: ImportCounts) -> None:
        print(f"  {counts.read:,} entries read", file=sys.stderr, flush=True)

    db = Database(database_url)
    try:
        counts = import_file(db, path, country, progress=progress)
    finally:
        db.dispose()
    print(
        f"{path}: {counts.read:,} entries read, {counts.imported:,} imported or updated, "
        f"{counts.skipped:,} skipped (dissolved or without name or number)"
    )
    return 0


# --- the shipped sample -----------------------------------------------------------------------

SAMPLES = (("GB", "sample_gb.csv"), ("SI", "sample_si.xml"))


def sample_records() -> Iterator[CompanyRecord]:
    """`data/sample_gb.csv` and `data/sample_si.xml`: a few well-known companies as their
    registers list them, so that a fresh server answers searches out of the box."""
    data = resources.files("spaceport.companies") / "data"
    for country, name in SAMPLES:
        _extension, reader = READERS[country]
        with (data / name).open("rb") as stream:
            yield from (record for record in reader(stream) if record is not None)


def load_sample(session: Session) -> int:
    return store(session, sample_records())
