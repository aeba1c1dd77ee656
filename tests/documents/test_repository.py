"""Document search (documents/repository.py, search-documents): the trigram index only narrowing
(the scan's results for tricky terms), updates, deletes, other organizations, pages of
candidates, common terms."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import insert

from spaceport.documents.models import Document, search_text
from spaceport.kit.db import Database
from spaceport.kit.ids import new_id
from spaceport.kit.search import COMMON, caseless, is_common
from tests.conftest import Api
from tests.documents.test_endpoints import create, simple

# Issue 13 point 5: the trigram index only narrows; these are what the scan found before it.
TRICKY_DOCUMENTS: list[dict[str, Any]] = [  # oldest first: the search answers newest first
    {"_documentClient": {"name": "Škoda d.o.o.", "email": "info@skoda.si"}, "reference": "PO 100%"},
    {"_documentClient": {"name": "under_score"}, "reference": "a\\b"},
    {"_documentClient": {"name": "Alpha", "email": "beta@example.com"}},
    {"_documentClient": {"name": "Zeta Orbit"}, "reference": "REF_1"},
]

TRICKY_TERMS = {
    "ŠKODA": ["Škoda d.o.o."],
    "škoda d.O": ["Škoda d.o.o."],
    "skoda": ["Škoda d.o.o."],
    "100%": ["Škoda d.o.o."],
    "f_1": ["Zeta Orbit"],
    "\\": ["Škoda d.o.o."],  # the search's LIKE reads `%\%`: a value ending in %
    "a\\b": [],  # `%a\b%`: an escaped b, so "ab"
    "o": ["Zeta Orbit", "Alpha", "under_score", "Škoda d.o.o."],
    "or": ["Zeta Orbit", "under_score"],
    "2026-0000": ["Zeta Orbit", "Alpha", "under_score", "Škoda d.o.o."],
    "alpha\nbeta": [],  # never across two properties
    "zqxj": [],
}


def client_names(response: Any) -> list[str]:
    assert response.status_code == 200, response.text
    return [document["_documentClient"]["name"] for document in response.json()]


def test_search_finds_what_the_scan_found_for_tricky_terms(
    api: Api, organization: dict[str, Any]
) -> None:
    org_id = organization["id"]
    for day, fields in enumerate(TRICKY_DOCUMENTS, start=1):
        create(api, org_id, json={**simple(), **fields, "date": f"2026-03-0{day}"})
    url = f"/v1/organizations/{org_id}/search-documents"
    found = {term: client_names(api.get(url, params={"term": term})) for term in TRICKY_TERMS}
    assert found == TRICKY_TERMS


def test_search_follows_updates_and_deletes(api: Api, organization: dict[str, Any]) -> None:
    org_id = organization["id"]
    changed = create(api, org_id, json={**simple(), "_documentClient": {"name": "Lunar Lander"}})
    kept = create(api, org_id, json={**simple(type="estimate"), "reference": "Lunar base"})
    url = f"/v1/organizations/{org_id}/search-documents"
    client = {"name": "Mars Rover", "email": "rover@example.com"}
    api.patch(f"/v1/documents/{changed['id']}", json={"_documentClient": client})
    assert client_names(api.get(url, params={"term": "lunar"})) == ["Rocket Man"]
    assert client_names(api.get(url, params={"term": "ROVER@"})) == ["Mars Rover"]
    assert api.delete(f"/v1/documents/{kept['id']}").json() == {"count": 1}
    assert client_names(api.get(url, params={"term": "lunar"})) == []


def test_search_never_finds_another_organizations_documents(
    api: Api, organization: dict[str, Any]
) -> None:
    other = api.create_organization(name="Other")
    create(api, other["id"], json={**simple(), "_documentClient": {"name": "Foreign Rocket"}})
    url = f"/v1/organizations/{organization['id']}/search-documents"
    assert client_names(api.get(url, params={"term": "foreign rocket"})) == []
    assert client_names(api.get(url, params={"term": "ro"})) == []


def test_candidates_the_where_refuses_lead_to_the_next_page(
    api: Api, organization: dict[str, Any]
) -> None:
    """Issue 13 item 5: the trigram index's candidates come a page (the limit) at a time,
    newest first, and the where decides; a page it refuses whole leads to the next."""
    org_id = organization["id"]
    within = {"name": "Orbit\nbeta"}  # the term inside one property
    across = {"name": "Orbit", "email": "beta@example.com"}  # only across two: no match
    create(api, org_id, json={**simple(), "_documentClient": within, "date": "2026-03-01"})
    create(api, org_id, json={**simple(), "_documentClient": across, "date": "2026-03-02"})
    url = f"/v1/organizations/{org_id}/search-documents"
    for limit in ("1", "2", "50"):
        found = api.get(url, params={"term": "orbit\nBETA", "filter[limit]": limit})
        assert client_names(found) == ["Orbit\nbeta"]


def test_a_common_term_finds_the_newest_first_page(
    api: Api, organization: dict[str, Any], database: Database
) -> None:
    """Issue 13 item 5: past `kit.search.COMMON` rows holding the literal, SQLite walks the
    organization's date index instead of reading every row the FTS5 table found; PostgreSQL
    plans that itself. Either way the page is the newest matches."""
    org_id = organization["id"]
    other = api.create_organization(name="Other")["id"]
    first = datetime(2026, 3, 1, tzinfo=UTC)
    rows = [
        {
            "id": new_id(),
            "organization_id": org_id if n % 2 else other,
            "number": f"2026-{n:05d}",
            "type": "invoice",
            "date": first + timedelta(minutes=n),
            "currency_id": "EUR",
            "document_client": {"name": f"Rocket {n}"},
            "search_text": search_text(f"2026-{n:05d}", None, {"name": f"Rocket {n}"}),
        }
        for n in range(2 * COMMON + 2)
    ]
    with database.transaction() as session:
        session.execute(insert(Document), rows)
        if database.dialect == "sqlite":
            assert is_common(session, Document, caseless("rocket"))
            assert not is_common(session, Document, caseless("rocket 1999"))
    url = f"/v1/organizations/{org_id}/search-documents"
    newest = [f"Rocket {n}" for n in range(2 * COMMON + 1, 0, -2)]
    found = api.get(url, params={"term": "ROCKET", "filter[limit]": "7"})
    assert client_names(found) == newest[:7]
    assert client_names(api.get(url, params={"term": "rocket 1999"})) == ["Rocket 1999"]
    assert client_names(api.get(url, params={"term": "rocket 1998"})) == []  # the other's
