"""Fiscalizing a document inside the request's transaction (FISCAL §S8, FISCAL §S9, FISCAL §S10,
FISCAL §S12.1): the documents use case asks `plan_issue` before it numbers a document, takes the
number from `number_of`, and calls `fiscalize` once the document is flushed, which adds the
pending record with the ZOI and the message and the document's `_furs` (FISCAL §S13). The send
itself follows the commit (`fiscal.sending`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Final

from sqlalchemy.orm import Session

from spaceport.accounts.models import Account
from spaceport.config import Settings
from spaceport.defaults import service as defaults
from spaceport.fiscal import messages, numbering
from spaceport.fiscal.credentials import Credentials
from spaceport.fiscal.errors import NoCertificate
from spaceport.fiscal.messages import FiscalInvoice, InvoiceIdentifier, Reference, Vat
from spaceport.fiscal.models import BusinessPremise, ElectronicDevice, FiscalRecord
from spaceport.fiscal.premises import PremiseRepository, live_devices, stored_credentials
from spaceport.fiscal.setup import env_of, slovenian_tax_number, tax_number_of
from spaceport.fiscal.zoi import local, printed_code, protected_id, zoi_input
from spaceport.kit.errors import ValidationFailed, invalid
from spaceport.kit.json import iso_datetime
from spaceport.organizations.models import Organization

FISCAL_TYPES: Final = frozenset({"invoice", "advance", "credit-note"})


@dataclass(frozen=True)
class Issue:
    """Where and by whom a document is fiscalized (FISCAL §S8.2, FISCAL §S8.3)."""

    env: str
    strategy: str
    tax_number: int
    premise: BusinessPremise
    device: ElectronicDevice
    operator_tax_number: int
    operator_name: str
    credentials: Credentials


def enabled(session: Session, organization_id: str) -> bool:
    """FISCAL §S7.1: `furs_verifying` (its alias `firs_verifying`; `furs_verifying` wins)."""
    values = defaults.values_of(session, organization_id)
    value = values.get("furs_verifying")
    if value is None:
        value = values.get("firs_verifying")
    return value is True


def strategy_of(session: Session, organization_id: str) -> str:
    value = defaults.value_of(session, organization_id, "furs_strategy", "C")
    return "B" if value == "B" else "C"


def skipped(furs: Any) -> bool:
    return isinstance(furs, dict) and furs.get("skip") in (True, "true", "1")


def applies(session: Session, organization_id: str, kind: str, furs: Any) -> bool:
    """FISCAL §S8.1: while on, every issued invoice, advance and credit note, unless skipped."""
    return kind in FISCAL_TYPES and not skipped(furs) and enabled(session, organization_id)


def place_of(
    session: Session, organization_id: str, env: str, furs: Any
) -> tuple[BusinessPremise, ElectronicDevice]:
    """FISCAL §S8.2: the premise and device the body names (labels); an omitted premise is the
    only live registered one, an omitted device the premise's only live one."""
    given = furs if isinstance(furs, dict) else {}
    premises = PremiseRepository(session).registered_in(organization_id, env)
    label = given.get("businessPremiseId")
    if label is None and len(premises) != 1:
        raise invalid("_furs.businessPremiseId", "is required: name the business premise")
    named = [p for p in premises if label is None or p.business_premise_id == str(label)]
    if not named:
        raise invalid("_furs.businessPremiseId", f"names no registered premise {label!r}")
    premise = named[0]
    devices = live_devices(session, premise)
    device_label = given.get("electronicDeviceId")
    if device_label is None:
        if len(devices) != 1:
            raise invalid("_furs.electronicDeviceId", "is required: name the electronic device")
        return premise, devices[0]
    device = next((d for d in devices if d.electronic_device_id == str(device_label)), None)
    if device is None:
        raise invalid("_furs.electronicDeviceId", f"names no live device {device_label!r}")
    return premise, device


def operator_of(account: Account) -> tuple[int, str]:
    """FISCAL §S8.3: the issuing account's first name, last name and 8-digit tax number."""
    missing: dict[str, list[str]] = {}
    if not (account.firstname or "").strip():
        missing["firstname"] = ["is required on the issuing account for fiscal verification"]
    if not (account.lastname or "").strip():
        missing["lastname"] = ["is required on the issuing account for fiscal verification"]
    tax_number = slovenian_tax_number(account.tax_number)
    if tax_number is None:
        missing["taxNumber"] = ["the issuing account needs an 8-digit tax number"]
    if missing:
        raise ValidationFailed(missing)
    assert tax_number is not None
    return tax_number, f"{account.firstname.strip()} {account.lastname.strip()}"


def plan_issue(
    session: Session,
    settings: Settings,
    organization: Organization,
    account: Account,
    furs: Any,
) -> Issue:
    """Everything checked before a number is taken (FISCAL §S8.5: a refused create takes none)."""
    env = env_of(session, organization.id)
    tax_number = tax_number_of(organization)
    premise, device = place_of(session, organization.id, env, furs)
    operator_tax_number, operator_name = operator_of(account)
    credentials = stored_credentials(session, settings, organization.id)
    if credentials is None:
        raise NoCertificate()
    strategy = strategy_of(session, organization.id)
    return Issue(
        env, strategy, tax_number, premise, device, operator_tax_number, operator_name, credentials
    )


def number_of(session: Session, organization_id: str, issue: Issue, issued: datetime) -> str:
    """FISCAL §S9: the next number of the premise (C) or device (B) in the year of issue."""
    premise, device = issue.premise.business_premise_id, issue.device.electronic_device_id
    year = local(issued).year
    sequence = numbering.next_sequence(
        session, organization_id, issue.strategy, premise, device, year
    )
    return numbering.document_number(premise, device, sequence)


def sequence_of(number: str) -> str:
    """FISCAL §S9: `InvoiceNumber` is `n` as a string."""
    return number.rsplit("-", 1)[-1]


def untaxed_total(lines: list[Any]) -> Decimal:
    """FISCAL §S10: Σ total of the lines without any tax."""
    total = Decimal(0)
    for line in lines:
        if not line.get("_documentItemTaxes") and not line.get("isSeparator"):
            total += Decimal(str(line.get("total") or 0))
    return total


def fiscal_invoice(
    document: Any, issue: Issue, references: tuple[Reference, ...], zoi: str
) -> FiscalInvoice:
    """FISCAL §S10 from the document's totals (COMPAT §6.8)."""
    client_vat = "".join(str((document.document_client or {}).get("taxNumber") or "").split())
    reverse = sum(
        (Decimal(str(t["base"])) for t in document.document_reverse_taxes or []), Decimal(0)
    )
    return FiscalInvoice(
        tax_number=issue.tax_number,
        issued=document.date,
        numbering_structure=issue.strategy,
        identifier=InvoiceIdentifier(
            issue.premise.business_premise_id,
            issue.device.electronic_device_id,
            sequence_of(document.number),
        ),
        amount=Decimal(document.total_with_tax),
        operator_tax_number=issue.operator_tax_number,
        protected_id=zoi,
        customer_vat_number=client_vat or None,
        vat=tuple(
            Vat(Decimal(str(t["tax"])), Decimal(str(t["base"])), Decimal(str(t["totalTax"])))
            for t in document.document_taxes or []
        ),
        reverse_vat_base=reverse or None,
        exempt_base=untaxed_total(document.document_items or []) or None,
        references=references,
    )


def fiscalize(
    session: Session, document: Any, issue: Issue, references: tuple[Reference, ...] = ()
) -> FiscalRecord:
    """FISCAL §S12.1: the pending record with the ZOI (from the stored key) and the message,
    and the document's `_furs`, in the request's transaction."""
    text = zoi_input(
        issue.tax_number,
        document.date,
        sequence_of(document.number),
        issue.premise.business_premise_id,
        issue.device.electronic_device_id,
        Decimal(document.total_with_tax),
    )
    zoi = protected_id(issue.credentials.key, text)
    body = messages.invoice(fiscal_invoice(document, issue, references, zoi))
    record = FiscalRecord(
        organization_id=document.organization_id,
        document_id=document.id,
        env=issue.env,
        status="pending",
        invoice=messages.encode(body).decode(),
        zoi=zoi,
        tax_number=issue.tax_number,
        issued_at=document.date,
        operator_name=issue.operator_name,
    )
    session.add(record)
    session.flush()
    document.furs = furs_answer(record, issue.premise, issue.device, issue.operator_tax_number)
    return record


def furs_answer(
    record: FiscalRecord,
    premise: BusinessPremise | None = None,
    device: ElectronicDevice | None = None,
    operator_tax_number: int | None = None,
    previous: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """FISCAL §S13: the document's `_furs` as it stands."""
    base = dict(previous or {})
    if premise is not None and device is not None:
        base["businessPremiseId"] = premise.business_premise_id
        base["electronicDeviceId"] = device.electronic_device_id
    if operator_tax_number is not None:
        base["operatorTaxNumber"] = str(operator_tax_number)
    error = (
        {"code": record.error_code, "message": record.error_message}
        if record.status == "failed"
        else None
    )
    return {
        "businessPremiseId": base.get("businessPremiseId"),
        "electronicDeviceId": base.get("electronicDeviceId"),
        "operatorTaxNumber": base.get("operatorTaxNumber"),
        "zoi": record.zoi,
        "eor": record.eor,
        "qr": printed_code(record.zoi, record.tax_number, record.issued_at),
        "status": record.status,
        "env": record.env,
        "messageId": record.message_id,
        "verifiedAt": iso_datetime(record.verified_at) if record.verified_at else None,
        "error": error,
    }


SKIPPED: Final = {
    "businessPremiseId": None,
    "electronicDeviceId": None,
    "operatorTaxNumber": None,
    "zoi": None,
    "eor": None,
    "qr": None,
    "status": "skipped",
    "env": None,
    "messageId": None,
    "verifiedAt": None,
    "error": None,
}
