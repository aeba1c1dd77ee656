"""Reference "Companies": GET /v1/companies, /v1/companies/search and
/v1/organizations/:id/companys (COMPAT §1.11)."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from spaceport.app import create_app
from spaceport.companies import importer
from spaceport.config import Settings
from spaceport.kit import migrate
from spaceport.kit.db import Base, Database
from spaceport.models import import_all_models
from tests.companies import gb_row, number, token, write_gb_csv, write_si_xml
from tests.conftest import Api

COMPANY_KEYS = {
    "id",
    "name",
    "address",
    "address2",
    "city",
    "zip",
    "country",
    "countryAlpha2Code",
    "taxNumber",
    "taxSubject",
    "companyNumber",
}


def import_gb(database: Database, tmp_path: Path, *rows: dict[str, str]) -> None:
    path = write_gb_csv(tmp_path / f"{token()}.csv", list(rows))
    importer.import_file(database, path, "GB")


def import_si(database: Database, tmp_path: Path, entities: str) -> None:
    importer.import_file(database, write_si_xml(tmp_path / f"{token()}.xml", entities), "SI")


def names(response: Any) -> list[str]:
    assert response.status_code == 200, response.text
    return [company["name"] for company in response.json()]


SPACEX = gb_row(
    "Space Exploration Technologies corp",
    "123456789",
    **{
        "RegAddress.AddressLine1": "Rocket Road",
        "RegAddress.PostTown": "Hawthorne",
        "RegAddress.PostCode": "CA 90250",
    },
)


def test_list_all_companies(api: Api, database: Database, tmp_path: Path) -> None:
    # Reference "List all Companies", with the example's company imported from a register file
    import_gb(database, tmp_path, SPACEX)

    response = api.get("/v1/companies?filter[where][companyNumber]=123456789")

    assert response.status_code == 200
    [company] = response.json()
    assert set(company) == COMPANY_KEYS
    assert {k: v for k, v in company.items() if k not in ("id", "country")} == {
        "name": "Space Exploration Technologies corp",
        "address": "Rocket Road",
        "address2": "",
        "city": "Hawthorne",
        "zip": "CA 90250",
        "countryAlpha2Code": "GB",
        "taxNumber": "",
        "taxSubject": False,
        "companyNumber": "123456789",
    }
    assert len(company["id"]) == 24


def test_list_takes_the_filter_language(api: Api, database: Database, tmp_path: Path) -> None:
    word = token()
    import_gb(database, tmp_path, *(gb_row(f"{word} {i} LTD", number()) for i in range(3)))
    query = f"filter[where][name][like]=^{word}&filter[order]=name DESC&filter[limit]=2"

    assert names(api.get(f"/v1/companies?{query}")) == [f"{word} 2 LTD", f"{word} 1 LTD"]
    fields = api.get(f"/v1/companies?filter[where][name][like]=^{word}&filter[fields][name]=true")
    assert all(set(company) == {"id", "name"} for company in fields.json())


def test_list_without_limit_gives_one_page(api: Api, database: Database, tmp_path: Path) -> None:
    import_gb(database, tmp_path, *(gb_row(f"PAGE {i} LTD", number()) for i in range(101)))
    assert len(api.get("/v1/companies").json()) == 100


def test_search_space(api: Api, database: Database, tmp_path: Path) -> None:
    # Reference "Search all Companies": `?term=Space`
    import_gb(database, tmp_path, SPACEX)

    response = api.get("/v1/companies/search?term=Space")

    assert response.status_code == 200
    assert response.json()[0]["name"] == "Space Exploration Technologies corp"
    assert set(response.json()[0]) == COMPANY_KEYS


def test_search_ranks_number_then_prefix_then_word_then_anywhere(
    api: Api, database: Database, tmp_path: Path
) -> None:
    word = token()
    import_gb(
        database,
        tmp_path,
        gb_row(f"ZZ{word.upper()} INSIDE LTD", number()),
        gb_row(f"ALPHA {word.upper()}WARE LTD", number()),
        gb_row(f"{word.upper()} HOLDINGS LTD", number()),
        gb_row(f"{word.upper()} AEROSPACE LTD", number()),
    )

    assert names(api.get(f"/v1/companies/search?term={word}")) == [
        f"{word.upper()} AEROSPACE LTD",
        f"{word.upper()} HOLDINGS LTD",
        f"ALPHA {word.upper()}WARE LTD",
        f"ZZ{word.upper()} INSIDE LTD",
    ]


def test_search_finds_registration_and_tax_numbers_first(
    api: Api, database: Database, tmp_path: Path
) -> None:
    n = f"5{uuid.uuid4().int % 10**6:06}000"
    import_si(
        database,
        tmp_path,
        f'<PS maticna="{n}" davcna="1{n[1:8]}" zavezanecZaDDV="DA" naziv="Številka {n} d.o.o."/>',
    )
    expected = [f"Številka {n} d.o.o."]

    assert names(api.get(f"/v1/companies/search?term={n}")) == expected
    assert names(api.get(f"/v1/companies/search?term=SI 1{n[1:8]}")) == expected
    assert names(api.get(f"/v1/companies/search?term=1{n[1:8]}&country=SI")) == expected


def test_search_ignores_case_and_accents(api: Api, database: Database, tmp_path: Path) -> None:
    word = token()
    import_si(
        database,
        tmp_path,
        f"""
  <PS maticna="5043611000" davcna="82646716" zavezanecZaDDV="DA">
    <Naziv>KRKA, tovarna zdravil, d.d., Novo mesto</Naziv>
  </PS>
  <PS maticna="{number()}"><Naziv>Čebelarstvo Žužek {word}, d.o.o.</Naziv></PS>""",
    )

    assert names(api.get("/v1/companies/search?term=krk&country=SI"))[0] == (
        "KRKA, tovarna zdravil, d.d., Novo mesto"
    )
    for term in ("cebelarstvo zuzek", "ČEBELARSTVO ŽUŽEK", "Čebelarstvo Zuzek"):
        found = names(api.get(f"/v1/companies/search?term={term} {word}"))
        assert found == [f"Čebelarstvo Žužek {word}, d.o.o."], term


def test_search_limited_to_a_country(api: Api, database: Database, tmp_path: Path) -> None:
    word = token()
    import_gb(database, tmp_path, gb_row(f"{word} UK LTD", number()))
    import_si(database, tmp_path, f'<PS maticna="{number()}" naziv="{word} d.o.o."/>')
    search = f"/v1/companies/search?term={word}"

    assert names(api.get(search)) == [f"{word} d.o.o.", f"{word} UK LTD"]
    for country in ("SI", "si", "Slovenia", "Slovenija"):
        assert names(api.get(f"{search}&country={country}")) == [f"{word} d.o.o."]
    assert names(api.get(f"{search}&filter[where][country]=GB")) == [f"{word} UK LTD"]
    assert names(api.get(f"{search}&filter[where][country]=United Kingdom")) == [f"{word} UK LTD"]

    unknown = api.get(f"{search}&country=Atlantis")
    assert unknown.status_code == 422
    assert "country" in unknown.json()["error"]["details"]["messages"]


def test_search_limit(api: Api, database: Database, tmp_path: Path) -> None:
    word = token()
    import_gb(database, tmp_path, *(gb_row(f"{word} {i:03} LTD", number()) for i in range(120)))
    search = f"/v1/companies/search?term={word}"

    assert len(api.get(search).json()) == 20
    assert names(api.get(f"{search}&limit=3")) == [f"{word} {i:03} LTD" for i in range(3)]
    assert len(api.get(f"{search}&filter[limit]=5").json()) == 5
    assert len(api.get(f"{search}&limit=500").json()) == 100
    assert api.get(f"{search}&limit=many").status_code == 400


def test_search_needs_a_term(api: Api) -> None:
    response = api.get("/v1/companies/search")
    assert response.status_code == 422
    assert api.get("/v1/companies/search?term=").json() == []
    assert api.get("/v1/companies/search?term=x&filter[where][name]=y").status_code == 400


def test_search_route_ignores_case(api: Api, database: Database, tmp_path: Path) -> None:
    word = token()
    import_gb(database, tmp_path, gb_row(f"{word} CASE LTD", number()))
    assert names(api.get(f"/V1/Companies/Search/?term={word}")) == [f"{word} CASE LTD"]


def test_organization_companys_lists_and_searches(
    api: Api, database: Database, tmp_path: Path
) -> None:
    # COMPAT §1.11: the reference's own route for both
    organization = api.create_organization()
    word = token()
    import_gb(database, tmp_path, gb_row(f"{word} ORBIT LTD", number()))
    route = f"/v1/organizations/{organization['id']}/companys"

    assert names(api.get(f"{route}?term={word}")) == [f"{word} ORBIT LTD"]
    assert names(api.get(f"{route}?filter[where][name]={word} ORBIT LTD")) == [f"{word} ORBIT LTD"]


def test_companies_need_a_launch_code(client: TestClient) -> None:
    for route in (
        "/v1/companies",
        "/v1/companies/search?term=krka",
        "/v1/organizations/5a3683ea12d5a67dd0ef2f4c/companys?term=krka",
    ):
        response = client.get(route)
        assert response.status_code == 401, route
        assert response.json()["error"]["statusCode"] == 401


def test_a_fresh_server_answers_from_the_sample(settings: Settings, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    migrate.upgrade(url)
    database = Database(url)
    import_all_models()
    Base.metadata.create_all(database.engine)
    try:
        app = create_app(settings.model_copy(update={"database_url": url}), database)
        with TestClient(app) as client:
            api = Api(client)
            assert names(api.get("/v1/companies/search?term=krka")) == [
                "KRKA, tovarna zdravil, d.d., Novo mesto"
            ]
            assert names(api.get("/v1/companies/search?term=tesco&country=GB")) == ["TESCO PLC"]
            assert len(api.get("/v1/companies?filter[limit]=1000").json()) == 30
    finally:
        database.dispose()
