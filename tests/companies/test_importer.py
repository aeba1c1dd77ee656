"""`spaceport companies import`: Companies House CSV and AJPES XML into the directory."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select
from stdnum.si import ddv, maticna

from spaceport import cli
from spaceport.companies import importer
from spaceport.companies.models import Company
from spaceport.config import get_settings
from spaceport.kit.db import Database
from tests.companies import gb_row, number, token, write_gb_csv, write_si_xml
from tests.conftest import TEST_SECRET_KEY


def stored(database: Database, country: str, company_number: str) -> list[Company]:
    with database.transaction(write=False) as session:
        query = select(Company).where(
            Company.country_code == country, Company.company_number == company_number
        )
        return list(session.scalars(query))


def only(database: Database, country: str, company_number: str) -> Company:
    rows = stored(database, country, company_number)
    assert len(rows) == 1
    return rows[0]


# --- GB ---------------------------------------------------------------------------------------


def test_gb_reads_companies_house_columns(database: Database, tmp_path: Path) -> None:
    n = number()
    row = gb_row(
        f"{token().upper()} ROCKETS LIMITED",
        n,
        **{
            "RegAddress.CareOf": "JOHN SMITH",
            "RegAddress.AddressLine1": "1 Rocket Road",
            "RegAddress.AddressLine2": "Launch Park",
            "RegAddress.PostTown": "LONDON",
            "RegAddress.County": "GREATER LONDON",
            "RegAddress.PostCode": "EC1A 1BB",
        },
    )
    counts = importer.import_file(database, write_gb_csv(tmp_path / "gb.csv", [row]), "GB")

    assert (counts.read, counts.imported, counts.skipped) == (1, 1, 0)
    company = only(database, "GB", n)
    assert (company.name, company.address, company.address2) == (
        row["CompanyName"],
        "1 Rocket Road",
        "Launch Park",
    )
    assert (company.city, company.zip) == ("LONDON", "EC1A 1BB")
    assert company.country == "United Kingdom of Great Britain and Northern Ireland"
    assert (company.tax_number, company.tax_subject) == ("", False)


def test_gb_po_box_is_the_address_when_there_is_no_street(
    database: Database, tmp_path: Path
) -> None:
    n = number()
    row = gb_row("PO BOX HOLDINGS LTD", n, **{"RegAddress.POBox": "123"})
    importer.import_file(database, write_gb_csv(tmp_path / "gb.csv", [row]), "gb")
    assert only(database, "GB", n).address == "PO Box 123"


def test_gb_dissolved_companies_are_skipped(database: Database, tmp_path: Path) -> None:
    live, dissolved, dated, closed = number(), number(), number(), number()
    rows = [
        gb_row("LIVE LTD", live),
        gb_row("GONE LTD", dissolved, CompanyStatus="Dissolved"),
        gb_row("DATED LTD", dated, DissolutionDate="01/02/2020"),
        gb_row("CLOSED LTD", closed, CompanyStatus="Converted/Closed"),
        gb_row("", number()),
    ]
    counts = importer.import_file(database, write_gb_csv(tmp_path / "gb.csv", rows), "GB")

    assert (counts.read, counts.imported, counts.skipped) == (5, 1, 4)
    assert len(stored(database, "GB", live)) == 1
    assert stored(database, "GB", dissolved) == stored(database, "GB", dated) == []
    assert stored(database, "GB", closed) == []


def test_gb_zip_archive_is_read(database: Database, tmp_path: Path) -> None:
    n = number()
    csv_path = write_gb_csv(tmp_path / "BasicCompanyData-2026-01-01-part1_7.csv", [gb_row("Z", n)])
    archive = tmp_path / "BasicCompanyData-2026-01-01-part1_7.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.write(csv_path, csv_path.name)

    counts = importer.import_file(database, archive, "GB")
    assert counts.imported == 1
    assert only(database, "GB", n).name == "Z"


def test_reimport_updates_instead_of_duplicating(database: Database, tmp_path: Path) -> None:
    n = number()
    path = tmp_path / "gb.csv"
    importer.import_file(database, write_gb_csv(path, [gb_row("OLD NAME LTD", n)]), "GB")
    first = only(database, "GB", n)

    row = gb_row("NEW NAME LTD", n, **{"RegAddress.PostTown": "LEEDS"})
    importer.import_file(database, write_gb_csv(path, [row]), "GB")

    company = only(database, "GB", n)
    assert (company.id, company.name, company.city) == (first.id, "NEW NAME LTD", "LEEDS")
    assert company.search_name == "new name ltd"


def test_repeated_entries_in_one_batch_keep_the_last(database: Database, tmp_path: Path) -> None:
    n = number()
    rows = [gb_row("FIRST LTD", n), gb_row("SECOND LTD", n)]
    importer.import_file(database, write_gb_csv(tmp_path / "gb.csv", rows), "GB")
    assert only(database, "GB", n).name == "SECOND LTD"


def test_import_runs_in_batches(database: Database, tmp_path: Path) -> None:
    numbers = [number() for _ in range(5)]
    rows = [gb_row(f"BATCH {i} LTD", n) for i, n in enumerate(numbers)]
    seen: list[int] = []
    counts = importer.import_file(
        database,
        write_gb_csv(tmp_path / "gb.csv", rows),
        "GB",
        batch_size=2,
        progress=lambda c: seen.append(c.imported),
    )
    assert counts.imported == 5
    assert seen == [2, 4, 5]
    assert all(len(stored(database, "GB", n)) == 1 for n in numbers)


# --- SI ---------------------------------------------------------------------------------------


def test_si_entity_with_attributes_and_elements(database: Database, tmp_path: Path) -> None:
    # The shape the importer's docstring documents (and data/sample_si.xml uses).
    path = write_si_xml(
        tmp_path / "prs.xml",
        """
  <PS maticna="5043611000" davcna="82646716" zavezanecZaDDV="DA">
    <Naziv>KRKA, tovarna zdravil, d.d., Novo mesto</Naziv>
    <Ulica>Šmarješka cesta</Ulica>
    <HisnaStevilka>6</HisnaStevilka>
    <Posta>8501</Posta>
    <Kraj>Novo mesto</Kraj>
  </PS>""",
    )
    counts = importer.import_file(database, path, "SI")

    assert (counts.read, counts.imported, counts.skipped) == (1, 1, 0)
    krka = only(database, "SI", "5043611000")
    assert krka.name == "KRKA, tovarna zdravil, d.d., Novo mesto"
    assert (krka.address, krka.zip, krka.city) == ("Šmarješka cesta 6", "8501", "Novo mesto")
    assert (krka.country, krka.country_code) == ("Slovenia", "SI")
    assert (krka.tax_number, krka.tax_subject) == ("SI82646716", True)
    assert krka.search_name == "krka, tovarna zdravil, d.d., novo mesto"


def test_si_names_match_without_case_accents_namespace_or_separators(
    database: Database, tmp_path: Path
) -> None:
    n = f"9{number()[1:]}"
    path = write_si_xml(
        tmp_path / "prs.xml",
        f"""
  <p:Subjekt xmlns:p="urn:ajpes:prs">
    <p:MATIČNA_ŠTEVILKA>{n}</p:MATIČNA_ŠTEVILKA>
    <p:Davčna-Številka>12345678</p:Davčna-Številka>
    <p:PopolnoIme>Čebelarstvo Žužek, d.o.o.</p:PopolnoIme>
    <p:KratkoIme>Žužek d.o.o.</p:KratkoIme>
    <p:Naslov><p:ULICA>Cesta v Mestni log</p:ULICA><p:hisna_stevilka>1</p:hisna_stevilka></p:Naslov>
    <p:POSTA>1000 Ljubljana</p:POSTA>
    <p:ZavezanecZaDDV>NE</p:ZavezanecZaDDV>
  </p:Subjekt>""",
    )
    importer.import_file(database, path, "SI")

    company = only(database, "SI", n)
    assert company.name == "Čebelarstvo Žužek, d.o.o."
    assert (company.address, company.zip, company.city) == (
        "Cesta v Mestni log 1",
        "1000",
        "Ljubljana",
    )
    assert (company.tax_number, company.tax_subject) == ("12345678", False)


def test_si_attributes_only(database: Database, tmp_path: Path) -> None:
    n = f"8{number()[1:]}"
    path = write_si_xml(
        tmp_path / "prs.xml",
        f'  <PS MaticnaStevilka="{n}" DavcnaStevilka="SI87654321" Naziv="Zvezda d.o.o." '
        f'naslov="Trg 5" postnaStevilka="2000" nazivPoste="Maribor" DDV="1"/>',
    )
    importer.import_file(database, path, "SI")

    company = only(database, "SI", n)
    assert (company.name, company.address, company.zip, company.city) == (
        "Zvezda d.o.o.",
        "Trg 5",
        "2000",
        "Maribor",
    )
    assert (company.tax_number, company.tax_subject) == ("SI87654321", True)


def test_si_entities_without_name_or_number_are_skipped(database: Database, tmp_path: Path) -> None:
    path = write_si_xml(
        tmp_path / "prs.xml",
        f"""
  <PS maticna="{number()}"><Kraj>Koper</Kraj></PS>
  <PS maticna=""><Naziv>Brez številke d.o.o.</Naziv></PS>
  <Glava><Datum>2026-01-01</Datum></Glava>""",
    )
    counts = importer.import_file(database, path, "SI")
    assert (counts.read, counts.imported, counts.skipped) == (2, 0, 2)


def test_si_reader_drops_read_entities(tmp_path: Path) -> None:
    path = write_si_xml(
        tmp_path / "prs.xml", "\n".join(f'<PS maticna="{i}" naziv="N{i}"/>' for i in range(50))
    )
    with path.open("rb") as stream:
        names = [fields["naziv"] for fields in importer.si_entities(stream)]
    assert names == [f"N{i}" for i in range(50)]


# --- the shipped sample, the command ----------------------------------------------------------


def test_sample_holds_register_entries_with_valid_numbers() -> None:
    records = list(importer.sample_records())
    gb = [r for r in records if r["country_code"] == "GB"]
    si = [r for r in records if r["country_code"] == "SI"]

    assert len(gb) == 20 and len(si) == 10
    assert {r["company_number"] for r in gb} >= {"00445790", "00102498", "00041424"}
    assert all(maticna.is_valid(r["company_number"]) for r in si)
    assert all(ddv.is_valid(r["tax_number"]) for r in si if r["tax_number"])
    assert all(r["name"] for r in records)


def test_command_imports_and_prints_counts(
    database: Database,
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    n = number()
    path = write_gb_csv(
        tmp_path / "gb.csv", [gb_row("CLI LTD", n), gb_row("X", n + "D", CompanyStatus="Dissolved")]
    )
    monkeypatch.setenv("SPACEPORT_DATABASE_URL", database_url)
    monkeypatch.setenv("SPACEPORT_SECRET_KEY", TEST_SECRET_KEY)  # required beside PostgreSQL
    get_settings.cache_clear()
    try:
        assert cli.main(["companies", "import", str(path), "--country", "gb"]) == 0
    finally:
        get_settings.cache_clear()

    assert "2 entries read, 1 imported or updated, 1 skipped" in capsys.readouterr().out
    assert only(database, "GB", n).name == "CLI LTD"
