"""Taxes through HTTP and the rate lookups documents use (reference "Taxes"; COMPAT §7.4,
COMPAT §6.7, COMPAT §5.1, COMPAT §8.1)."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from spaceport.events.models import Event
from spaceport.kit.db import Database
from spaceport.taxes import service
from spaceport.taxes.models import Tax
from tests.conftest import Api

ISO_MS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
GST = {
    "name": "Goods and Services Tax",
    "abbreviation": "GST",
    "classification": "standard",
    "_taxRates[0][rate]": "15",
}


def today() -> date:
    return datetime.now(UTC).date()


def create_gst(api: Api, oid: str, **extra: str) -> dict[str, Any]:
    response = api.post(f"/v1/organizations/{oid}/taxes", data={**GST, **extra})
    assert response.status_code == 200, response.text
    tax: dict[str, Any] = response.json()
    return tax


def messages(response: Any) -> dict[str, list[str]]:
    assert response.status_code == 422, response.text
    found: dict[str, list[str]] = response.json()["error"]["details"]["messages"]
    return found


def events_of(database: Database, organization_id: str) -> list[str]:
    with database.transaction(write=False) as session:
        rows = session.scalars(
            select(Event).where(Event.organization_id == organization_id).order_by(Event.id)
        )
        return [e.event for e in rows]


def test_create_tax_as_in_the_reference(api: Api, organization: dict[str, Any]) -> None:
    oid = organization["id"]
    tax = create_gst(api, oid)
    assert len(tax["id"]) == 24 and tax["organizationId"] == oid
    assert (tax["name"], tax["abbreviation"], tax["classification"]) == (
        "Goods and Services Tax",
        "GST",
        "standard",
    )
    assert (tax["recoverable"], tax["compound"], tax["reverseCharged"]) == (True, False, False)
    assert tax["custom"] == {} and tax["_isDeleted"] is False
    [rate] = tax["_taxRates"]
    assert rate["rate"] == 15 and rate["dateValidFrom"] == "1970-01-01" and rate["custom"] == {}
    assert uuid.UUID(rate["id"]).version == 4
    assert ISO_MS.match(rate["createdAt"]) and ISO_MS.match(rate["updatedAt"])
    assert ISO_MS.match(tax["createdAt"]) and api.get(f"/v1/taxes/{tax['id']}").json() == tax


def test_name_and_tax_rates_are_required(api: Api, organization: dict[str, Any]) -> None:
    url = f"/v1/organizations/{organization['id']}/taxes"
    assert "name" in messages(api.post(url, data={"_taxRates[0][rate]": "15"}))
    assert "_taxRates" in messages(api.post(url, data={"name": "GST"}))
    assert "_taxRates" in messages(api.post(url, json={"name": "GST", "_taxRates": []}))
    no_rate = api.post(url, data={"name": "GST", "_taxRates[0][dateValidFrom]": "2018-01-01"})
    assert "_taxRates.0.rate" in messages(no_rate)


# COMPAT §1.9: `custom` is a free JSON object.
def test_flags_and_custom_as_given(api: Api, organization: dict[str, Any]) -> None:
    tax = create_gst(
        api,
        organization["id"],
        recoverable="false",
        compound="true",
        reverseCharged="true",
        **{"custom[code]": "S"},
    )
    assert (tax["recoverable"], tax["compound"], tax["reverseCharged"]) == (False, True, True)
    assert tax["custom"] == {"code": "S"}


def test_rates_are_cut_to_two_decimals(api: Api, organization: dict[str, Any]) -> None:
    # COMPAT §6.8 step 1: truncated toward zero, not rounded
    url = f"/v1/organizations/{organization['id']}/taxes"
    tax = api.post(url, json={"name": "QST", "_taxRates": [{"rate": 9.975}]}).json()
    assert tax["_taxRates"][0]["rate"] == 9.97
    assert api.get(f"/v1/taxes/{tax['id']}").json()["_taxRates"][0]["rate"] == 9.97


def test_negative_rates_and_rates_above_100_are_422(api: Api, organization: dict[str, Any]) -> None:
    url = f"/v1/organizations/{organization['id']}/taxes"
    for rate in ("-1", "100.01", "abc"):
        response = api.post(url, data={"name": "X", "_taxRates[0][rate]": rate})
        assert "_taxRates.0.rate" in messages(response), rate
    for rate in ("0", "100"):
        assert api.post(url, data={"name": "X", "_taxRates[0][rate]": rate}).status_code == 200


def test_tax_rates_are_sorted_by_date_valid_from_descending(
    api: Api, organization: dict[str, Any]
) -> None:
    url = f"/v1/organizations/{organization['id']}/taxes"
    rates = [
        {"rate": 20, "dateValidFrom": "2010-01-01"},
        {"rate": 15},
        {"rate": 21, "dateValidFrom": "2020-07-01T00:00:00.000Z"},
    ]
    tax = api.post(url, json={"name": "VAT", "_taxRates": rates}).json()
    assert [(r["dateValidFrom"], r["rate"]) for r in tax["_taxRates"]] == [
        ("2020-07-01", 21),
        ("2010-01-01", 20),
        ("1970-01-01", 15),
    ]


def test_two_rates_valid_from_the_same_date_are_422(api: Api, organization: dict[str, Any]) -> None:
    url = f"/v1/organizations/{organization['id']}/taxes"
    rates = [
        {"rate": 20, "dateValidFrom": "2010-01-01"},
        {"rate": 21, "dateValidFrom": "2010-01-01"},
    ]
    assert "_taxRates" in messages(api.post(url, json={"name": "VAT", "_taxRates": rates}))


def test_put_and_patch_are_partial_updates(api: Api, organization: dict[str, Any]) -> None:
    tax = create_gst(api, organization["id"])
    patched = api.patch(f"/v1/taxes/{tax['id']}", data={"name": "GST (NZ)"}).json()
    assert patched["name"] == "GST (NZ)" and patched["abbreviation"] == "GST"
    assert patched["_taxRates"] == tax["_taxRates"]
    put = api.put(f"/v1/taxes/{tax['id']}", data={"compound": "true"}).json()
    assert put["compound"] is True and put["name"] == "GST (NZ)"
    assert "name" in messages(api.put(f"/v1/taxes/{tax['id']}", json={"name": None}))


def test_update_as_in_the_reference_replaces_the_rates(
    api: Api, organization: dict[str, Any]
) -> None:
    tax = create_gst(api, organization["id"])
    api.post(f"/v1/taxes/{tax['id']}/taxRates", data={"rate": "20", "dateValidFrom": "2018-01-01"})
    updated = api.put(f"/v1/taxes/{tax['id']}", data={**GST, "_taxRates[0][rate]": "16"}).json()
    assert [(r["rate"], r["dateValidFrom"]) for r in updated["_taxRates"]] == [(16, "1970-01-01")]
    assert "_taxRates" in messages(api.put(f"/v1/taxes/{tax['id']}", json={"_taxRates": []}))


def test_replacing_the_rates_keeps_unchanged_entries(
    api: Api, organization: dict[str, Any]
) -> None:
    tax = create_gst(api, organization["id"])
    kept = tax["_taxRates"][0]
    rates = [{"rate": 15}, {"rate": 17, "dateValidFrom": "2024-01-01"}]
    updated = api.patch(f"/v1/taxes/{tax['id']}", json={"_taxRates": rates}).json()
    assert updated["_taxRates"][1] == kept
    assert updated["_taxRates"][0]["rate"] == 17 and updated["_taxRates"][0]["id"] != kept["id"]


def test_add_a_rate_as_in_the_reference(api: Api, organization: dict[str, Any]) -> None:
    tax = create_gst(api, organization["id"])
    response = api.post(
        f"/v1/taxes/{tax['id']}/taxRates", data={"rate": "20", "dateValidFrom": "2018-01-01"}
    )
    assert response.status_code == 200, response.text
    entry = response.json()
    assert entry["rate"] == 20 and entry["dateValidFrom"] == "2018-01-01"
    assert entry["custom"] == {} and uuid.UUID(entry["id"]).version == 4
    assert ISO_MS.match(entry["createdAt"]) and ISO_MS.match(entry["updatedAt"])
    rates = api.get(f"/v1/taxes/{tax['id']}").json()["_taxRates"]
    assert [(r["rate"], r["dateValidFrom"]) for r in rates] == [
        (20, "2018-01-01"),
        (15, "1970-01-01"),
    ]
    assert rates[0] == entry


def test_added_rate_defaults_to_the_epoch_and_is_checked(
    api: Api, organization: dict[str, Any]
) -> None:
    tax = create_gst(api, organization["id"], **{"_taxRates[0][dateValidFrom]": "2000-01-01"})
    url = f"/v1/taxes/{tax['id']}/taxrates"
    added = api.post(url, json={"rate": 9.999}).json()
    assert (added["rate"], added["dateValidFrom"]) == (9.99, "1970-01-01")
    assert "_taxRates" in messages(api.post(url, json={"rate": 5}))  # the epoch is taken
    assert "rate" in messages(api.post(url, json={"rate": 101, "dateValidFrom": "2030-01-01"}))
    assert "rate" in messages(api.post(url, json={"dateValidFrom": "2030-01-01"}))
    rates = api.get(f"/v1/taxes/{tax['id']}").json()["_taxRates"]
    assert [(r["rate"], r["dateValidFrom"]) for r in rates] == [
        (15, "2000-01-01"),
        (9.99, "1970-01-01"),
    ]


def test_delete_a_rate(api: Api, organization: dict[str, Any]) -> None:
    tax = create_gst(api, organization["id"])
    added = api.post(
        f"/v1/taxes/{tax['id']}/taxRates", json={"rate": 20, "dateValidFrom": "2018-01-01"}
    ).json()
    gone = api.delete(f"/v1/taxes/{tax['id']}/taxRates/{added['id']}")
    assert gone.status_code == 200 and gone.json() == {"count": 1}
    assert api.get(f"/v1/taxes/{tax['id']}").json()["_taxRates"] == tax["_taxRates"]
    unknown = api.delete(f"/v1/taxes/{tax['id']}/taxRates/{uuid.uuid4()}")
    assert unknown.status_code == 404
    last = api.delete(f"/v1/taxes/{tax['id']}/taxRates/{tax['_taxRates'][0]['id']}")
    assert "_taxRates" in messages(last)


def test_a_future_rate_is_in_force_from_its_date_on(
    api: Api, database: Database, organization: dict[str, Any]
) -> None:
    tax = create_gst(api, organization["id"])
    now = today()
    starts = now + timedelta(days=30)
    api.post(
        f"/v1/taxes/{tax['id']}/taxRates", data={"rate": "20", "dateValidFrom": starts.isoformat()}
    )
    with database.transaction(write=False) as session:
        stored = session.get(Tax, tax["id"])
        assert stored is not None
        assert service.rate_in_force(stored, now) == Decimal(15)
        assert service.rate_in_force(stored, starts - timedelta(days=1)) == Decimal(15)
        assert service.rate_in_force(stored, starts) == Decimal(20)
        assert service.rate_in_force(stored, starts + timedelta(days=365)) == Decimal(20)
        assert service.rate_in_force(stored, date(1969, 12, 31)) is None


def test_soft_delete(api: Api, organization: dict[str, Any]) -> None:
    oid = organization["id"]
    tax = create_gst(api, oid)
    assert api.delete(f"/v1/taxes/{tax['id']}").json() == {"count": 1}
    assert api.get(f"/v1/taxes/{tax['id']}").status_code == 404
    assert api.delete(f"/v1/taxes/{tax['id']}").status_code == 404
    listed = api.get(f"/v1/organizations/{oid}/taxes").json()
    assert tax["id"] not in [t["id"] for t in listed]
    assert api.get(f"/v1/organizations/{oid}/taxes/count").json() == {"count": 4}
    with_deleted = api.get(f"/v1/organizations/{oid}/taxes", params={"filter[deleted]": "true"})
    [deleted] = [t for t in with_deleted.json() if t["id"] == tax["id"]]
    assert deleted["_isDeleted"] is True and deleted["deletedId"] == tax["id"]
    assert ISO_MS.match(deleted["deletedAt"])


def test_list_and_count_with_the_belgian_vat(api: Api, organization: dict[str, Any]) -> None:
    oid = organization["id"]
    listed = api.get(f"/v1/organizations/{oid}/taxes").json()
    assert sorted((t["classification"], t["_taxRates"][0]["rate"]) for t in listed) == [
        ("reduced", 6),
        ("reduced", 12),
        ("standard", 21),
        ("zero", 0),
    ]
    assert {t["abbreviation"] for t in listed} == {"BTW"}
    create_gst(api, oid)
    assert api.get(f"/v1/organizations/{oid}/taxes/count").json() == {"count": 5}
    count = api.get(
        f"/v1/organizations/{oid}/taxes/count", params={"where[classification]": "standard"}
    )
    assert count.json() == {"count": 2}
    ordered = api.get(
        f"/v1/organizations/{oid}/taxes",
        params={"filter[where][classification]": "standard", "filter[order]": "abbreviation DESC"},
    ).json()
    assert [t["abbreviation"] for t in ordered] == ["GST", "BTW"]


def test_relation_route(api: Api, organization: dict[str, Any]) -> None:
    oid = organization["id"]
    tax = create_gst(api, oid)
    assert api.get(f"/v1/organizations/{oid}/taxes/{tax['id']}").json()["id"] == tax["id"]
    renamed = api.put(f"/v1/organizations/{oid}/taxes/{tax['id']}", json={"name": "GST 2"})
    assert renamed.json()["name"] == "GST 2"


def test_every_change_records_its_event(
    api: Api, database: Database, organization: dict[str, Any]
) -> None:
    oid = organization["id"]
    assert events_of(database, oid).count("tax/create") == 4  # the Belgian VAT
    tax = create_gst(api, oid)
    api.patch(f"/v1/taxes/{tax['id']}", data={"name": "GST 2"})
    added = api.post(
        f"/v1/taxes/{tax['id']}/taxRates", json={"rate": 20, "dateValidFrom": "2018-01-01"}
    ).json()
    api.delete(f"/v1/taxes/{tax['id']}/taxRates/{added['id']}")
    api.delete(f"/v1/taxes/{tax['id']}")
    assert events_of(database, oid)[-5:] == [
        "tax/create",
        "tax/update",
        "tax/update",
        "tax/update",
        "tax/delete",
    ]


# --- COMPAT §6.7: matching a tax by rate or classification ----------------------------------------


def match(
    database: Database,
    oid: str,
    rate: str | None = None,
    classification: str | None = None,
    on: date | None = None,
) -> tuple[str | None, str | None] | None:
    with database.transaction(write=False) as session:
        tax = service.match_tax(
            session,
            oid,
            rate=None if rate is None else Decimal(rate),
            classification=classification,
            on=on or today(),
        )
        return None if tax is None else (tax.name, tax.classification)


def test_match_tax_by_rate_in_force(database: Database, organization: dict[str, Any]) -> None:
    oid = organization["id"]
    btw = "Belasting over de toegevoegde waarde"
    assert match(database, oid, rate="21") == (btw, "standard")
    assert match(database, oid, rate="6.00") == (btw, "reduced")
    assert match(database, oid, rate="6.009") == (btw, "reduced")  # cut to 6.00
    assert match(database, oid, rate="13") is None
    assert match(database, oid, rate="21", on=date(1995, 12, 31)) is None  # BTW from 1996


def test_match_tax_prefers_standard_then_the_oldest(
    api: Api, database: Database, organization: dict[str, Any]
) -> None:
    oid = organization["id"]
    url = f"/v1/organizations/{oid}/taxes"
    api.post(url, data={"name": "Local", "classification": "reduced", "_taxRates[0][rate]": "21"})
    api.post(url, data={"name": "Other", "classification": "standard", "_taxRates[0][rate]": "21"})
    api.post(url, data={"name": "Twelve", "_taxRates[0][rate]": "12"})
    assert match(database, oid, rate="21") == ("Belasting over de toegevoegde waarde", "standard")
    assert match(database, oid, rate="12") == ("Belasting over de toegevoegde waarde", "reduced")


def test_match_tax_by_classification(
    api: Api, database: Database, organization: dict[str, Any]
) -> None:
    oid = organization["id"]
    assert match(database, oid, classification="reduced") == (
        "Belasting over de toegevoegde waarde",
        "reduced",
    )
    assert match(database, oid, classification=" ZERO ") is not None
    assert match(database, oid, classification="luxury") is None
    # a rate that matches nothing falls back to the classification
    assert match(database, oid, rate="13", classification="zero") is not None


def test_match_tax_skips_deleted_taxes_and_sees_future_rates_on_their_date(
    api: Api, database: Database, organization: dict[str, Any]
) -> None:
    oid = organization["id"]
    url = f"/v1/organizations/{oid}/taxes"
    soon = today() + timedelta(days=10)
    future = {"name": "Soon", "_taxRates": [{"rate": 17, "dateValidFrom": soon.isoformat()}]}
    api.post(url, json=future)
    assert match(database, oid, rate="17") is None
    assert match(database, oid, rate="17", on=soon) == ("Soon", None)
    gone = api.post(url, data={"name": "Gone", "_taxRates[0][rate]": "18"}).json()
    api.delete(f"/v1/taxes/{gone['id']}")
    assert match(database, oid, rate="18") is None
