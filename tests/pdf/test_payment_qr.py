"""The payment QR codes of the PDFs (pdf/payment_qr.py): the Slovenian UPN QR and the EPC QR."""

from __future__ import annotations

from spaceport.pdf.payment_qr import payment_qr, upn_payload


def test_slovenian_issuers_get_the_upn_qr() -> None:
    issuer = {
        "IBAN": "SI56 0203 6025 3863 406",
        "name": "Spaceport d.o.o.",
        "address": "Trg 1",
        "zip": "1000",
        "city": "Ljubljana",
        "countryAlpha2Code": "SI",
    }
    document = {
        "_documentIssuer": issuer,
        "_documentClient": {
            "name": "Janez Novak",
            "address": "Ulica 2",
            "zip": "2000",
            "city": "Maribor",
        },
        "currencyId": "EUR",
        "type": "invoice",
        "totalDue": "2420",
        "number": "2026-00001",
        "dateDue": "2026-12-20T00:00:00.000Z",
    }
    payload = upn_payload(document)
    assert payload is not None
    fields = payload.split("\n")
    assert fields[0] == "UPNQR" and fields[5] == "Janez Novak" and fields[8] == "00000242000"
    assert (
        fields[11] == "OTHR" and fields[13] == "20.12.2026" and fields[14] == "SI56020360253863406"
    )
    assert fields[15] == "SI002026-00001" and fields[16] == "Spaceport d.o.o."
    body = "".join(f"{field}\n" for field in fields[:19])
    assert fields[19] == f"{len(body):03d}"  # the control sum
    assert payment_qr(document) != payment_qr(
        {**document, "_documentIssuer": {**issuer, "countryAlpha2Code": "BE"}}
    )
