"""A document's page in the web app (WEB §W4.4) with its downloads; other organizations'
documents are the 404 page (WEB §W2.5)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import Api
from tests.einvoices import parties
from tests.web.conftest import (
    create,
    csrf_of,
    h1_of,
    organization_in,
    pay,
    signed_in,
)


def section(html: str, name: str) -> str:
    """The text of the `<section>` named by its h2, tags dropped, spaces (no-break ones too)
    joined."""
    found = re.search(
        rf'<section aria-labelledby="[\w-]+">\s*<h2 id="[\w-]+">{name}</h2>(.*?)</section>',
        html,
        re.S,
    )
    assert found, name
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split())


def parties_day() -> str:
    """Today as the Slovenian locale writes it (`1. dec. 2026`)."""
    from babel.dates import format_date

    return str(format_date(datetime.now(UTC).date(), format="medium", locale="sl"))


def test_the_document_page(app: Any, client: TestClient) -> None:
    """WEB §W4.4: h1, status, Client and Issuer snapshots, Items (Discount if any), Totals
    with Paid and Amount due, Payments; amounts in the organization's locale, taxes as
    "<abbreviation> <rate> %" (WEB §W1.4)."""
    api = Api(client)
    org_id = parties.issuer(api, country="Slovenia", taxNumber="50223054")["id"]
    taxes = {
        str(t["_taxRates"][0]["rate"]): t
        for t in api.get(f"/v1/organizations/{org_id}/taxes").json()
    }
    document = create(
        api,
        org_id,
        _documentClient=parties.BUYER,
        _documentItems=[
            {
                "name": "Space suit",
                "description": "White",
                "quantity": "1.5",
                "unit": "pc",
                "price": "1000",
                "_documentItemTaxes": [{"taxId": taxes["22"]["id"]}],
            },
            {
                "name": "Fuel",
                "quantity": 2,
                "price": "100",
                "discount": 10,
                "_documentItemTaxes": [{"taxId": taxes["9.5"]["id"]}],
            },
        ],
    )
    pay(api, document["id"], "500")
    api.patch(f"/v1/organizations/{org_id}", json={"name": "Renamed Ltd"})  # a snapshot stays
    web = signed_in(app, api)
    url = f"/app/o/{org_id}/documents/{document['id']}"
    page = web.get(url).text
    assert h1_of(page) == f"Invoice {document['number']}"
    assert page.index("</h1>") < page.index("Partly paid") < page.index('aria-labelledby="client"')
    assert (
        section(page, "Client")
        == "Raketenwerk GmbH Raketenweg 1 Halle 3 10115 Berlin Germany Tax number: DE136695976"
    )
    assert (
        section(page, "Issuer")
        == "International Space Agency Rue de la Loi 16 1000 Brussels Slovenia Tax number: 50223054"
    )
    assert section(page, "Items") == (
        "Item Quantity Unit Price Discount Tax Total"
        " Space suit White 1,5 pc 1.000,00 € DDV 22 % 1.500,00 €"
        " Fuel 2 100,00 € 10 % DDV 9,5 % 180,00 €"
    )
    assert section(page, "Totals") == (
        "Total 1.680,00 € DDV 22 % 330,00 € DDV 9,5 % 17,10 € Total with VAT 2.027,10 €"
        " Paid 500,00 € Amount due 1.527,10 €"
    )
    assert section(page, "Payments") == f"Date Type Amount {parties_day()} Bank transfer 500,00 €"
    for link in ("Download PDF", "Send by email", "Record payment", "UBL", "CII", "e-SLOG"):
        assert f">{link}</a>" in page
    assert ">Cancel document</button>" in page and ">Issue</button>" not in page
    pdf = web.get(f"{url}/pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["content-disposition"] == f'attachment; filename="{document["number"]}.pdf"'
    assert pdf.content == api.get(f"/v1/documents/{document['id']}/pdf").content
    sl = web.get(f"{url}?lang=sl").text
    assert h1_of(sl) == f"Račun {document['number']}"
    assert "Skupaj z DDV" in sl and "Za plačilo" in sl and "Delno plačan" in sl
    plain = create(api, org_id, _documentItems=[{"name": "Fuel", "price": "10"}])
    items = section(web.get(f"/app/o/{org_id}/documents/{plain['id']}?lang=en").text, "Items")
    assert items.startswith("Item Quantity Unit Price Tax Total")  # no Discount column


def test_the_einvoice_links_answer_the_apis_files(app: Any, client: TestClient) -> None:
    """WEB §W4.4: UBL, CII, e-SLOG are the API's `einvoice?format=` (EINV §E1.1), its
    refusal (EINV §E5.1) a page with the API's message."""
    api = Api(client)
    org_id = parties.issuer(api)["id"]
    document = parties.create(api, org_id)
    web = signed_in(app, api)
    url = f"/app/o/{org_id}/documents/{document['id']}"
    page = web.get(url).text
    for kind, name in (("ubl", "UBL"), ("cii", "CII"), ("eslog", "e-SLOG")):
        assert f'href="{url}/einvoice?format={kind}" download>{name}</a>' in page
        ours = web.get(f"{url}/einvoice", params={"format": kind})
        theirs = api.get(f"/v1/documents/{document['id']}/einvoice", params={"format": kind})
        assert ours.status_code == theirs.status_code == 200, ours.text
        assert ours.content == theirs.content
        assert ours.headers["content-disposition"] == theirs.headers["content-disposition"]
    assert web.get(f"{url}/einvoice", params={"format": "pdf"}).status_code == 404
    bare = create(api, org_id, _documentClient={"name": "Nobody"})
    refused = web.get(f"/app/o/{org_id}/documents/{bare['id']}/einvoice?format=ubl")
    assert refused.status_code == 422
    assert "is required for an e-invoice (BT-50)" in refused.text


def test_another_organizations_documents_are_the_404_page(app: Any, client: TestClient) -> None:
    owner, stranger = Api(client), Api(client)
    org_id = organization_in(owner)["id"]
    own = organization_in(stranger)["id"]
    document = create(owner, org_id)
    web = signed_in(app, stranger)
    for path in (
        f"/app/o/{org_id}/documents",
        f"/app/o/{org_id}/documents/{document['id']}",
        f"/app/o/{own}/documents/{document['id']}",
        f"/app/o/{own}/documents/{document['id']}/pdf",
        f"/app/o/{own}/documents/{document['id']}/einvoice?format=ubl",
        f"/app/o/{own}/documents/{document['id']}/send",
    ):
        answer = web.get(path)
        assert answer.status_code == 404, path
        assert h1_of(answer.text) == "Not found" and "Rocket Man" not in answer.text
    token = csrf_of(web.get(f"/app/o/{own}/documents").text)
    answer = web.post(f"/app/o/{own}/documents/{document['id']}/cancel", data={"csrf_token": token})
    assert answer.status_code == 404
    assert owner.get(f"/v1/documents/{document['id']}").json()["canceled"] is False
