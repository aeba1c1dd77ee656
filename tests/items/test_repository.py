"""Item search (items/repository.py): best matches first, limits, the term taken literally,
folding, the trigram index only narrowing (the scan's results for tricky terms), updates,
deletes, other organizations."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete

from spaceport.items.models import Item
from spaceport.kit.db import Database
from tests.conftest import Api, assert_every_page_cuts
from tests.items.conftest import create, names, vat


def catalog(api: Api, oid: str) -> None:
    create(api, oid, name="Old space suit")
    create(api, oid, name="Rocket", SKU="SPACE-1")
    create(api, oid, name="Space suit")
    create(api, oid, name="Boots", description="For space walks")
    create(api, oid, name="space")
    create(api, oid, name="Tea", description="Earl Grey")
    create(api, oid, name="Spacesuit helmet")


def test_search_items_best_matches_first(api: Api, organization: dict[str, Any]) -> None:
    oid = organization["id"]
    catalog(api, oid)
    expected = [
        "space",  # exact name
        "Space suit",  # name prefix, then by name
        "Spacesuit helmet",
        "Old space suit",  # inside the name
        "Boots",  # description
        "Rocket",  # SKU
    ]
    for path in ("search-items", "items/search", "Items/Search"):
        url = f"/v1/organizations/{oid}/{path}"
        assert names(api.get(url, params={"term": "SPACE"})) == expected, path


def test_search_respects_the_limit_and_deleted_items(
    api: Api, organization: dict[str, Any]
) -> None:
    oid = organization["id"]
    catalog(api, oid)
    url = f"/v1/organizations/{oid}/search-items"
    assert names(api.get(url, params={"term": "space", "filter[limit]": "2"})) == [
        "space",
        "Space suit",
    ]
    [tea] = api.get(url, params={"term": "earl"}).json()
    api.delete(f"/v1/items/{tea['id']}")
    assert names(api.get(url, params={"term": "earl"})) == []


def test_search_defaults_to_50_results(api: Api, organization: dict[str, Any]) -> None:
    oid = organization["id"]
    for number in range(55):
        create(api, oid, name=f"Bolt {number:02d}")
    found = names(api.get(f"/v1/organizations/{oid}/search-items", params={"term": "bolt"}))
    assert found == [f"Bolt {number:02d}" for number in range(50)]


def test_search_takes_the_term_literally(api: Api, organization: dict[str, Any]) -> None:
    oid = organization["id"]
    create(api, oid, name="50% off")
    create(api, oid, name="a_b")
    create(api, oid, name="axb")
    url = f"/v1/organizations/{oid}/search-items"
    assert names(api.get(url, params={"term": "%"})) == ["50% off"]
    assert names(api.get(url, params={"term": "_"})) == ["a_b"]
    assert names(api.get(url, params={"term": "\\"})) == []


def test_search_includes_taxes_and_needs_a_term(api: Api, organization: dict[str, Any]) -> None:
    oid = organization["id"]
    create(api, oid, name="Suit", taxIds=[vat(api, oid, 21)])
    url = f"/v1/organizations/{oid}/items/search"
    [item] = api.get(url, params={"term": "suit", "filter[include]": "taxes"}).json()
    assert [t["_taxRates"][0]["rate"] for t in item["taxes"]] == [21]
    for params in ({}, {"term[a]": "b"}):  # as the client search answers (COMPAT §1.11)
        refused = api.get(url, params=params)
        assert refused.status_code == 400, params
    assert refused.json()["error"]["message"] == "term must be one text"
    assert api.get(url).json()["error"]["message"] == "term is a required argument"
    other = api.create_organization(name="Other agency")
    assert names(api.get(f"/v1/organizations/{other['id']}/search-items?term=suit")) == []


def test_search_ignores_case_beyond_ascii(api: Api, organization: dict[str, Any]) -> None:
    oid = organization["id"]
    create(api, oid, name="Žlica")
    create(api, oid, name="Straße")
    url = f"/v1/organizations/{oid}/search-items"
    assert names(api.get(url, params={"term": "žLI"})) == ["Žlica"]
    assert names(api.get(url, params={"term": "STRASSE"})) == ["Straße"]


def test_search_follows_updates(api: Api, organization: dict[str, Any]) -> None:
    oid = organization["id"]
    item = create(api, oid, name="Suit", SKU="S-1")
    api.patch(f"/v1/items/{item['id']}", json={"name": "Helmet", "description": "Visor"})
    url = f"/v1/organizations/{oid}/search-items"
    assert names(api.get(url, params={"term": "suit"})) == []
    assert names(api.get(url, params={"term": "visor"})) == ["Helmet"]
    assert names(api.get(url, params={"term": "s-1"})) == ["Helmet"]
    assert "searchText" not in api.get(f"/v1/items/{item['id']}").json()


# Issue 13 point 5: the trigram index only narrows; these are what the scan found before it.
TRICKY_ITEMS = [
    {"name": "Žlica", "description": "Straße"},
    {"name": "50% off", "SKU": "A_B-1"},
    {"name": "back\\slash"},
    {"name": "Alpha", "description": "Beta"},
    {"name": "Orbit", "SKU": "orb"},
]

TRICKY_TERMS = {
    "žLI": ["Žlica"],
    "STRASSE": ["Žlica"],
    "straße": ["Žlica"],
    "50%": ["50% off"],
    "% of": ["50% off"],
    "a_b": ["50% off"],
    "k\\s": ["back\\slash"],
    "\\": ["back\\slash"],
    "o": ["Orbit", "50% off"],
    "or": ["Orbit"],
    "alpha\x1fbeta": [],  # never across two properties
    "alpha beta": [],
    "zqxj": [],
    " orb ": ["Orbit"],
}


def test_search_finds_what_the_scan_found_for_tricky_terms(
    api: Api, organization: dict[str, Any]
) -> None:
    oid = organization["id"]
    for fields in TRICKY_ITEMS:
        create(api, oid, **fields)
    url = f"/v1/organizations/{oid}/search-items"
    found = {term: names(api.get(url, params={"term": term})) for term in TRICKY_TERMS}
    assert found == TRICKY_TERMS


def test_search_follows_updates_and_deletes(
    api: Api, database: Database, organization: dict[str, Any]
) -> None:
    oid = organization["id"]
    item = create(api, oid, name="Space suit")
    kept = create(api, oid, name="Suit bag")
    url = f"/v1/organizations/{oid}/search-items"
    api.patch(f"/v1/items/{item['id']}", json={"name": "Helmet"})
    assert names(api.get(url, params={"term": "suit"})) == ["Suit bag"]
    api.delete(f"/v1/items/{kept['id']}")
    assert names(api.get(url, params={"term": "suit"})) == []
    deleted = {"term": "suit", "filter[deleted]": "true"}
    assert names(api.get(url, params=deleted)) == ["Suit bag"]
    with database.transaction() as session:  # a row that leaves the table leaves the index
        session.execute(delete(Item).where(Item.id == kept["id"]))
    assert names(api.get(url, params=deleted)) == []
    assert names(api.get(url, params={"term": "helmet"})) == ["Helmet"]


def test_search_never_finds_another_organizations_items(
    api: Api, organization: dict[str, Any]
) -> None:
    other = api.create_organization(name="Other")
    create(api, other["id"], name="Foreign suit")
    url = f"/v1/organizations/{organization['id']}/search-items"
    assert names(api.get(url, params={"term": "foreign suit"})) == []
    assert names(api.get(url, params={"term": "su"})) == []


def test_every_page_is_a_slice_of_the_whole_ranking(api: Api, organization: dict[str, Any]) -> None:
    """As for clients (kit.search.by_name): the names starting with the term are a page of
    their own when they fill it, and a page goes on into the other ranks when they don't."""
    oid = organization["id"]
    catalog(api, oid)
    gone = create(api, oid, name="Space gone")
    api.delete(f"/v1/items/{gone['id']}")
    url = f"/v1/organizations/{oid}/search-items"
    ranking = ["space", "Space suit", "Spacesuit helmet", "Old space suit", "Boots", "Rocket"]
    assert_every_page_cuts(api, url, "space", ranking)
    params = {"term": "space", "filter[limit]": "2", "filter[where][name][neq]": "space"}
    assert names(api.get(url, params=params)) == ["Space suit", "Spacesuit helmet"]
