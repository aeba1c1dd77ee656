"""e-SLOG 2.0 through HTTP (EINV §E1.2, EINV §E3.10), valid against the e-SLOG 2.0 XSD of
EINV §E7.3, with the document's amounts (EINV §E3.9)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from lxml import etree

from spaceport.einvoices import eslog
from tests.conftest import Api
from tests.einvoices import parties
from tests.einvoices.artefacts import SHARED

NS = {"e": "urn:eslog:2.00"}
SHARED_SCHEMAS = SHARED / "schemas" / "eslog-2.0"


@pytest.fixture(scope="module")
def xsd() -> etree.XMLSchema:
    """EINV §E7.3: the shared copy, so that the check does not rest on the shipped one."""
    path = SHARED_SCHEMAS / "eSLOG20_INVOIC_v200.xsd"
    return etree.XMLSchema(etree.parse(str(path if path.exists() else eslog.SCHEMA)))


def valid(xsd: etree.XMLSchema, xml: bytes) -> etree._Element:
    root = etree.fromstring(xml)
    assert xsd.validate(root), str(xsd.error_log)
    return root


def one(root: etree._Element, path: str) -> str:
    found = parties.nodes(root, path, NS)
    assert len(found) == 1, (path, found)
    return str(found[0].text if hasattr(found[0], "text") else found[0])


def moa(root: etree._Element, qualifier: str) -> Decimal:
    path = f"e:M_INVOIC/e:G_SG50/e:S_MOA/e:C_C516[e:D_5025='{qualifier}']/e:D_5004"
    return Decimal(one(root, path))


def test_the_shipped_schemas_are_the_shared_ones_unmodified() -> None:
    """EINV §E7.3: GZS forbids changes."""
    if not SHARED_SCHEMAS.exists():
        pytest.skip(f"no shared schemas at {SHARED_SCHEMAS}")
    for name in ("eSLOG20_INVOIC_v200.xsd", "xmldsig-core-schema.xsd"):
        shipped = (eslog.SCHEMA.parent / name).read_bytes()
        assert shipped == (SHARED_SCHEMAS / name).read_bytes()


@pytest.mark.parametrize("kind", ["invoice", "advance", "credit-note"])
@pytest.mark.parametrize("tax", list(parties.TAXES))
def test_every_type_and_tax_case_is_valid_with_the_documents_amounts(
    api: Api, xsd: etree.XMLSchema, kind: str, tax: str
) -> None:
    org = parties.issuer(api)
    document = parties.create(
        api,
        org["id"],
        type=kind,
        note="Plačilo v 30 dneh",
        _documentItems=[
            parties.line(tax=tax),
            parties.line("Docking", 1, "300", tax=tax, discount=10, unit="ura"),
        ],
    )
    root = valid(xsd, parties.einvoice(api, document["id"], "eslog"))
    assert one(root, "e:M_INVOIC/@Id") == "data"
    assert one(root, "e:M_INVOIC/e:S_BGM/e:C_C002/e:D_1001") == {
        "invoice": "380", "advance": "386", "credit-note": "381"
    }[kind]  # fmt: skip
    assert one(root, "e:M_INVOIC/e:S_BGM/e:C_C106/e:D_1004") == document["number"]
    total, with_tax = Decimal(str(document["total"])), Decimal(str(document["totalWithTax"]))
    assert (moa(root, "79"), moa(root, "389"), moa(root, "388")) == (total, total, with_tax)
    assert moa(root, "176") == with_tax - total
    assert moa(root, "9") == Decimal(str(document["totalDue"]))
    breakdown = parties.nodes(root, "e:M_INVOIC/e:G_SG52", NS)
    assert [one(b, "e:S_TAX/e:D_5305") for b in breakdown] == [parties.CATEGORIES[tax]]
    bases = [Decimal(one(b, "e:S_MOA/e:C_C516[e:D_5025='125']/e:D_5004")) for b in breakdown]
    assert sum(bases) == total
    lines = parties.nodes(root, "e:M_INVOIC/e:G_SG26", NS)
    assert one(lines[1], "e:S_QTY/e:C_C186/e:D_6411") == "HUR"
    allowance = "e:G_SG39/e:G_SG42/e:S_MOA/e:C_C516[e:D_5025='204']/e:D_5004"
    assert one(lines[1], allowance) == "30.00"
    exemptions = parties.nodes(root, "e:M_INVOIC/e:S_FTX[e:D_4451='AGM']", NS)
    assert len(exemptions) == (0 if tax in ("standard", "reduced", "zero") else 1)


def test_a_slovenian_supplier_to_the_public_sector(api: Api, xsd: etree.XMLSchema) -> None:
    """EINV §E3.4, EINV §E3.5 (BT-83 `SI00<number>`), EINV §E3.10 (`AHP`, `0199`, `OI`)."""
    org = parties.issuer(
        api, country="Slovenia", taxNumber="50223054", IBAN="SI56 0110 0100 0000 123", SWIFT=""
    )
    buyer = {
        "name": "Ministrstvo za javno upravo " * 4,  # over the 70 characters of one D_3036
        "address": "Tržaška cesta 21",
        "city": "Ljubljana",
        "zip": "1000",
        "country": "Slovenija",
        "taxNumber": "SI 1501 2557",
        "companyNumber": "2399717000",
    }
    invoice = parties.create(api, org["id"], _documentClient=buyer)
    credit = parties.create(
        api,
        org["id"],
        type="credit-note",
        _documentClient=buyer,
        documentIds=[invoice["id"]],
        _documentItems=[parties.line(quantity=-1, price="40")],
    )
    root = valid(xsd, parties.einvoice(api, credit["id"], "eslog"))
    message = "e:M_INVOIC/"
    assert one(root, message + "e:G_SG1/e:S_RFF/e:C_C506[e:D_1153='PQ']/e:D_1154") == (
        f"SI00{credit['number']}"
    )
    preceding = message + "e:G_SG1[e:S_RFF/e:C_C506/e:D_1153='OI']/"
    assert one(root, preceding + "e:S_RFF/e:C_C506/e:D_1154") == invoice["number"]
    assert one(root, preceding + "e:S_DTM/e:C_C507[e:D_2005='384']/e:D_2380") == (
        one(root, message + "e:S_DTM/e:C_C507[e:D_2005='137']/e:D_2380")
    )
    seller = message + "e:G_SG2[e:S_NAD/e:D_3035='SE']/"
    assert one(root, seller + "e:G_SG3/e:S_RFF/e:C_C506[e:D_1153='AHP']/e:D_1154") == "50223054"
    assert one(root, seller + "e:S_FII/e:C_C078/e:D_3194") == "SI56011001000000123"
    buyer_path = message + "e:G_SG2[e:S_NAD/e:D_3035='BY']/"
    assert one(root, buyer_path + "e:G_SG3/e:S_RFF/e:C_C506[e:D_1153='VA']/e:D_1154") == (
        "SI15012557"
    )
    assert one(root, buyer_path + "e:G_SG3/e:S_RFF/e:C_C506[e:D_1153='0199']/e:D_1154") == (
        "2399717000"
    )
    name = parties.nodes(root, buyer_path + "e:S_NAD/e:C_C080/*/text()", NS)
    assert "".join(name) == buyer["name"].strip() and len(name) == 2
    assert moa(root, "388") == Decimal("48.40")  # EINV §E2.3: the credit in positive amounts


def test_what_e_slog_cannot_hold_is_refused(api: Api) -> None:
    """EINV §E5.1: a text over the XSD's bound (with all its continuations) is a 422 naming
    the Spaceport property, never a file the XSD refuses; below the bound it is spread over
    the continuations and valid."""
    org = parties.issuer(api)
    client: dict[str, Any] = {
        **parties.BUYER,
        "name": "N" * 351,  # D_3036 … D_3036_5: 5 × 70
        "address": "A" * 100,
        "address2": "B" * 41,  # D_3042 … D_3042_4: 4 × 35 lines
        "city": "C" * 36,
        "zip": "1" * 18,
        "country": "USA",  # a tax number without a national format
        "taxNumber": "US" + "9" * 69,  # the VAT identifier, D_1154: 70
        "companyNumber": "7" * 71,
    }
    exempt = {"rate": 0, "classification": "exempt", "name": "Art. 44 " + "x" * 2553}
    lines = [parties.line("L" * 513), {**parties.line("Fuel"), "_documentItemTaxes": [exempt]}]
    document = parties.create(
        api, org["id"], _documentClient=client, _documentItems=lines, note="W" * 2561
    )
    response = api.get(f"/v1/documents/{document['id']}/einvoice?format=eslog")
    assert response.status_code == 422, response.text
    too_long = "is longer than e-SLOG 2.0 allows ({} characters)".format
    assert response.json()["error"]["details"]["messages"] == {
        "_documentClient.name": [too_long(350)],
        "_documentClient.address": [too_long(140)],
        "_documentClient.city": [too_long(35)],
        "_documentClient.zip": [too_long(17)],
        "_documentClient.taxNumber": [too_long(70)],
        "_documentClient.companyNumber": [too_long(70)],
        "_documentItems.name": [too_long(512)],
        "_documentItems._documentItemTaxes.name": [too_long(2560)],
        "note": [too_long(2560)],
    }
    assert api.get(f"/v1/documents/{document['id']}/einvoice?format=ubl").status_code == 200


def test_texts_up_to_the_bound_are_spread_over_the_continuations(
    api: Api, xsd: etree.XMLSchema
) -> None:
    """EINV §E3.10: a line name of 512 characters is `D_7008` and `D_7008_2`; a name of 350
    five `D_3036`; four address lines; a note of 2560 five `D_4440`: all valid."""
    org = parties.issuer(api)
    client = {**parties.BUYER, "name": "N" * 350, "address": "A" * 105, "address2": "B" * 35}
    document = parties.create(
        api,
        org["id"],
        _documentClient=client,
        _documentItems=[parties.line("L" * 512)],
        note="W" * 2560,
    )
    root = valid(xsd, parties.einvoice(api, document["id"], "eslog"))
    assert len(parties.nodes(root, "//e:C_C273/*", NS)) == 2
    buyer = "//e:G_SG2[e:S_NAD/e:D_3035='BY']/e:S_NAD/"
    assert len(parties.nodes(root, buyer + "e:C_C080/*", NS)) == 5
    assert len(parties.nodes(root, buyer + "e:C_C059/*", NS)) == 4
    assert len(parties.nodes(root, "//e:S_FTX[e:D_4451='GEN']/e:C_C108/*", NS)) == 5
