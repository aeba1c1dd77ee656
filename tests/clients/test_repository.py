"""Client search and lookups (clients/repository.py): ranking, folding, wildcards as text, the
trigram index only narrowing (the scan's results for tricky terms), updates, deletes, other
organizations; finding by email."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete

from spaceport.clients import service
from spaceport.clients.models import Client
from spaceport.kit.db import Database
from tests.clients.conftest import SPACEX, created, names
from tests.conftest import Api, assert_every_page_cuts


def test_search_as_in_the_reference(api: Api, organization: dict[str, Any]) -> None:
    oid = organization["id"]
    client = created(api, oid, **SPACEX)
    created(api, oid, name="Blue Origin")
    response = api.get(f"/v1/organizations/{oid}/clients/search?term=Space")
    assert response.status_code == 200 and response.json() == [client]


def test_search_ranks_name_exact_prefix_substring_then_other_fields(
    api: Api, organization: dict[str, Any]
) -> None:
    oid = organization["id"]
    created(api, oid, name="Orbital Rocket Works")  # name contains the term
    created(api, oid, name="Zeta", city="Rocketville")  # another field
    created(api, oid, name="Rockets & Co")  # name starts with the term
    created(api, oid, name="ROCKET")  # name is the term
    created(api, oid, name="Alpha", contact="rocket man")  # another field
    created(api, oid, name="Unrelated")
    found = names(api.get(f"/v1/organizations/{oid}/search-clients", params={"term": "rocket"}))
    assert found == ["ROCKET", "Rockets & Co", "Orbital Rocket Works", "Alpha", "Zeta"]


def test_search_looks_in_every_searched_field(api: Api, organization: dict[str, Any]) -> None:
    oid = organization["id"]
    fields = {
        "email": "needle@example.com",
        "address": "Needle Street 1",
        "city": "Needleton",
        "taxNumber": "NEEDLE-1",
        "companyNumber": "needle-2",
        "contact": "Ms Needle",
        "phone": "needle 555",
    }
    for key, value in fields.items():
        created(api, oid, name=f"by {key}", **{key: value})
    created(api, oid, name="haystack", address2="needle", zip="needle", bank="needle")
    found = names(api.get(f"/v1/organizations/{oid}/clients/search", params={"term": "NEEDLE"}))
    assert sorted(found) == sorted(f"by {key}" for key in fields)


def test_search_is_case_insensitive_beyond_ascii(api: Api, organization: dict[str, Any]) -> None:
    oid = organization["id"]
    created(api, oid, name="ŠPAN d.o.o.", city="Straße")
    assert names(api.get(f"/v1/organizations/{oid}/search-clients?term=špan")) == ["ŠPAN d.o.o."]
    assert names(api.get(f"/v1/organizations/{oid}/search-clients?term=STRASSE")) == ["ŠPAN d.o.o."]


def test_search_treats_like_wildcards_as_text(api: Api, organization: dict[str, Any]) -> None:
    oid = organization["id"]
    created(api, oid, name="100% Rocket")
    created(api, oid, name="1000 Rockets")
    created(api, oid, name="under_score")
    created(api, oid, name="underscore")
    assert names(api.get(f"/v1/organizations/{oid}/search-clients", params={"term": "100%"})) == [
        "100% Rocket"
    ]
    assert names(api.get(f"/v1/organizations/{oid}/search-clients", params={"term": "r_s"})) == [
        "under_score"
    ]
    assert names(api.get(f"/v1/organizations/{oid}/search-clients", params={"term": "/"})) == []


def test_search_respects_limit_default_50(api: Api, organization: dict[str, Any]) -> None:
    oid = organization["id"]
    for number in range(53):
        created(api, oid, name=f"Client {number:02d}")
    url = f"/v1/organizations/{oid}/search-clients"
    assert len(names(api.get(url, params={"term": "client"}))) == 50
    limited = api.get(url, params={"term": "client", "filter[limit]": "3", "filter[skip]": "1"})
    assert names(limited) == ["Client 01", "Client 02", "Client 03"]


def test_search_leaves_out_deleted_and_other_organizations(
    api: Api, organization: dict[str, Any]
) -> None:
    oid = organization["id"]
    gone = created(api, oid, name="Gone Rocket")
    api.delete(f"/v1/clients/{gone['id']}")
    other = api.create_organization(name="Other")
    created(api, other["id"], name="Foreign Rocket")
    created(api, oid, name="Home Rocket")
    assert names(api.get(f"/v1/organizations/{oid}/search-clients?term=rocket")) == ["Home Rocket"]


def test_search_takes_where_and_needs_a_term(api: Api, organization: dict[str, Any]) -> None:
    oid = organization["id"]
    created(api, oid, name="Rocket A", city="Hawthorne")
    created(api, oid, name="Rocket B", city="Boca Chica")
    url = f"/v1/organizations/{oid}/search-clients"
    where = api.get(url, params={"term": "rocket", "filter[where][city]": "Boca Chica"})
    assert names(where) == ["Rocket B"]
    assert names(api.get(url, params={"term": ""})) == ["Rocket A", "Rocket B"]
    missing = api.get(url)
    assert missing.status_code == 400
    assert missing.json()["error"]["message"] == "term is a required argument"


# Issue 13 point 5: the trigram index only narrows; these are what the scan found before it.
TRICKY_CLIENTS = [
    {"name": "ŠPAN d.o.o.", "city": "Straße"},
    {"name": "100% Rocket"},
    {"name": "under_score", "contact": "back\\slash"},
    {"name": "Alpha", "email": "beta@example.com"},
    {"name": "Zeta Orbit", "city": "Ljubljana"},
]

TRICKY_TERMS = {
    "špan": ["ŠPAN d.o.o."],
    "ŠPAN D.O": ["ŠPAN d.o.o."],
    "STRASSE": ["ŠPAN d.o.o."],
    "straße": ["ŠPAN d.o.o."],
    "100%": ["100% Rocket"],
    "0% r": ["100% Rocket"],
    "r_s": ["under_score"],
    "k\\s": ["under_score"],
    "\\": ["under_score"],
    "o": ["100% Rocket", "Zeta Orbit", "under_score", "ŠPAN d.o.o.", "Alpha"],
    "or": ["Zeta Orbit", "under_score"],
    "alpha\nbeta": ["Alpha"],  # across two fields: the scan found it too
    "ha be": [],
    "zqxj": [],
    " orbit ": ["Zeta Orbit"],
}


def test_search_finds_what_the_scan_found_for_tricky_terms(
    api: Api, organization: dict[str, Any]
) -> None:
    oid = organization["id"]
    for fields in TRICKY_CLIENTS:
        created(api, oid, **fields)
    url = f"/v1/organizations/{oid}/search-clients"
    found = {term: names(api.get(url, params={"term": term})) for term in TRICKY_TERMS}
    assert found == TRICKY_TERMS


def test_search_follows_updates_and_deletes(
    api: Api, database: Database, organization: dict[str, Any]
) -> None:
    oid = organization["id"]
    client = created(api, oid, name="Orbital Rocket Works")
    kept = created(api, oid, name="Rocket Kept")
    url = f"/v1/organizations/{oid}/search-clients"
    api.put(f"/v1/clients/{client['id']}", data={"name": "Lunar Lander"})
    assert names(api.get(url, params={"term": "rocket"})) == ["Rocket Kept"]
    assert names(api.get(url, params={"term": "lunar"})) == ["Lunar Lander"]
    api.delete(f"/v1/clients/{kept['id']}")
    assert names(api.get(url, params={"term": "rocket"})) == []
    deleted = {"term": "rocket", "filter[deleted]": "true"}
    assert names(api.get(url, params=deleted)) == ["Rocket Kept"]
    with database.transaction() as session:  # a row that leaves the table leaves the index
        session.execute(delete(Client).where(Client.id == kept["id"]))
    assert names(api.get(url, params=deleted)) == []


def test_search_never_finds_another_organizations_clients(
    api: Api, organization: dict[str, Any]
) -> None:
    other = api.create_organization(name="Other")
    created(api, other["id"], name="Foreign Rocket")
    url = f"/v1/organizations/{organization['id']}/search-clients"
    assert names(api.get(url, params={"term": "foreign rocket"})) == []
    assert names(api.get(url, params={"term": "ro"})) == []


def test_find_by_email_ignores_case_and_deleted_clients(
    api: Api, database: Database, organization: dict[str, Any]
) -> None:
    oid = organization["id"]
    deleted = created(api, oid, name="Old", email="Elon@SpaceX.com")
    api.delete(f"/v1/clients/{deleted['id']}")
    client = created(api, oid, name="New", email="Elon@SpaceX.com")
    created(api, oid, name="Later", email="elon@spacex.com")
    with database.transaction(write=False) as session:
        found = service.find_by_email(session, oid, "  ELON@spacex.COM ")
        assert found is not None and found.id == client["id"]
        assert service.find_by_email(session, oid, "nobody@spacex.com") is None
        assert service.find_by_email(session, oid, "") is None
        other = api.create_organization(name="Other")
        assert service.find_by_email(session, other["id"], "elon@spacex.com") is None


def test_an_email_change_moves_the_match(
    api: Api, database: Database, organization: dict[str, Any]
) -> None:
    oid = organization["id"]
    client = created(api, oid, name="X", email="first@example.com")
    api.patch(f"/v1/clients/{client['id']}", data={"email": "Second@example.com"})
    with database.transaction(write=False) as session:
        assert service.find_by_email(session, oid, "first@example.com") is None
        found = service.find_by_email(session, oid, "second@EXAMPLE.com")
        assert found is not None and found.id == client["id"]


def test_every_page_is_a_slice_of_the_whole_ranking(api: Api, organization: dict[str, Any]) -> None:
    """The names starting with the term are a page of their own when they fill it, and a page
    goes on into the other ranks when they don't (kit.search.by_name): every `limit` and `skip`
    cuts the same ranking; `where` and `order` narrow and order within each rank."""
    oid = organization["id"]
    for name in ("rock b", "Big Rock", "Rock A", "ROCK", "Rock C"):
        created(api, oid, name=name)
    created(api, oid, name="Zed", city="Rockville")
    url = f"/v1/organizations/{oid}/search-clients"
    ranking = ["ROCK", "Rock A", "Rock C", "rock b", "Big Rock", "Zed"]
    assert names(api.get(url, params={"term": "rock"})) == ranking
    assert_every_page_cuts(api, url, "rock", ranking)
    params = {"term": "rock", "filter[limit]": "2", "filter[order]": "name DESC"}
    assert names(api.get(url, params=params)) == ["ROCK", "rock b"]
    params["filter[where][name][neq]"] = "rock b"
    assert names(api.get(url, params=params)) == ["ROCK", "Rock C"]
    params["filter[skip]"] = "2"
    assert names(api.get(url, params=params)) == ["Rock A", "Big Rock"]
