"""`GET /v1/documents/:id/einvoice` (EINV §E1.1, EINV §E1.2, EINV §E1.4, EINV §E2): access as for
the PDF, the answer's headers, the refusals, and reads that change nothing."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Api
from tests.einvoices import parties

FORMATS = ("ubl", "cii", "eslog")


def url(document: dict[str, Any], kind: str = "ubl") -> str:
    return f"/v1/documents/{document['id']}/einvoice?format={kind}"


def messages(response: Any) -> dict[str, list[str]]:
    assert response.status_code == 422, response.text
    found: dict[str, list[str]] = response.json()["error"]["details"]["messages"]
    return found


@pytest.mark.parametrize("kind", FORMATS)
def test_the_answer_is_an_attachment_named_by_the_number(api: Api, kind: str) -> None:
    """EINV §E1.1: other characters than letters, digits and `-_.` become `_`."""
    org = parties.issuer(api)
    document = parties.create(api, org["id"], number="2026/INV 7.a-b_c")
    response = api.get(url(document, kind.upper()))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/xml; charset=utf-8"
    assert response.headers["content-disposition"] == (
        f'attachment; filename="2026_INV_7.a-b_c.{kind}.xml"'
    )
    assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')


def test_access_as_for_the_pdf(api: Api, client: Any) -> None:
    """EINV §E1.1: launch code or `access_token`; none 401; unknown or deleted 404
    (COMPAT §2.2)."""
    org = parties.issuer(api)
    document = parties.create(api, org["id"], type="advance")
    assert client.get(url(document)).status_code == 401
    assert client.get(f"{url(document)}&access_token={api.code}").status_code == 200
    other = Api(client)
    assert other.get(url(document)).status_code in (401, 403)
    assert api.get("/v1/documents/000000000000000000000000/einvoice?format=ubl").status_code == 404
    estimate = parties.create(api, org["id"], type="estimate")
    assert api.delete(f"/v1/documents/{estimate['id']}").status_code == 200
    assert api.get(url(estimate)).status_code == 404


def test_format_missing_or_unknown_is_a_422(api: Api) -> None:
    """EINV §E1.2, in the one answer of EINV §E5.1."""
    org = parties.issuer(api)
    document = parties.create(api, org["id"])
    expected = {"format": ["must be one of ubl, cii, eslog"]}
    assert messages(api.get(f"/v1/documents/{document['id']}/einvoice")) == expected
    assert messages(api.get(url(document, "pdf"))) == expected
    draft = parties.create(api, org["id"], draft=True)
    assert messages(api.get(url(draft, "xrechnung"))) == {
        "draft": ["has no number yet (BT-1)"],
        **expected,
    }


@pytest.mark.parametrize("kind", ["estimate", "delivery-note"])
def test_documents_without_an_e_invoice(api: Api, kind: str) -> None:
    """EINV §E2.1."""
    org = parties.issuer(api)
    document = parties.create(api, org["id"], type=kind)
    assert messages(api.get(url(document))) == {
        "type": ["has no e-invoice: only invoices, advances and credit notes (BT-3)"]
    }


def test_a_draft_has_none_and_a_canceled_invoice_is_produced_as_issued(api: Api) -> None:
    """EINV §E2.2."""
    org = parties.issuer(api)
    draft = parties.create(api, org["id"], draft=True)
    assert messages(api.get(url(draft))) == {"draft": ["has no number yet (BT-1)"]}
    invoice = parties.create(api, org["id"])
    before = api.get(url(invoice)).content
    assert api.post(f"/v1/documents/{invoice['id']}/cancel").status_code == 200
    assert api.get(url(invoice)).content == before


@pytest.mark.parametrize("kind", FORMATS)
def test_a_read_changes_nothing_and_gives_the_same_bytes(api: Api, kind: str) -> None:
    """EINV §E1.4: no event, no change; an unchanged document, the same XML."""
    org = parties.issuer(api)
    document = parties.create(api, org["id"], note="[document number]")
    events = api.get(f"/v1/organizations/{org['id']}/events").json()
    saved = api.get(f"/v1/documents/{document['id']}").json()
    first = api.get(url(document, kind)).content
    assert api.get(url(document, kind)).content == first
    assert api.get(f"/v1/organizations/{org['id']}/events").json() == events
    assert api.get(f"/v1/documents/{document['id']}").json() == saved
    changed = api.patch(f"/v1/documents/{document['id']}", json={"note": "Changed"})
    assert changed.status_code == 200
    assert api.get(url(document, kind)).content != first
