"""Business premises (FISCAL §S5) and electronic devices (FISCAL §S6) as resources, and the
rules and FURS messages of a premise.

A premise write that talks to FURS has three steps (FISCAL §S5.4, FISCAL §S5.6, FISCAL §S5.7;
slow work never runs inside a transaction or the write turn): `plan` (a reading transaction:
the rules, the certificate, the message), `register` (the call to FURS, in no transaction),
then `save` (a writing transaction: the rules again, the change and its event). A refusal or
an unreachable FURS stops before `save`: nothing is saved."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final

from cryptography.fernet import InvalidToken
from sqlalchemy.orm import Session

from spaceport.config import Settings
from spaceport.fiscal import certificates, client, messages
from spaceport.fiscal.credentials import CertificateRefused, Credentials
from spaceport.fiscal.errors import (
    CertificateInvalid,
    FursRefused,
    FursUnreachable,
    LabelTaken,
    NoCertificate,
    PropertyFixed,
)
from spaceport.fiscal.models import BusinessPremise, ElectronicDevice
from spaceport.fiscal.schemas import DeviceCreate, DeviceUpdate, PremiseCreate, PremiseUpdate
from spaceport.fiscal.setup import env_of, tax_number_of
from spaceport.fiscal.zoi import local
from spaceport.kit.answers import many
from spaceport.kit.db import utcnow
from spaceport.kit.errors import ValidationFailed
from spaceport.kit.repository import Repository
from spaceport.organizations.models import Organization
from spaceport.resources import Resource, Values

REAL_ESTATE_REQUIRED: Final = {
    "cadastral_number": "cadastralNumber",
    "building_number": "buildingNumber",
    "building_section_number": "buildingSectionNumber",
    "street": "street",
    "house_number": "houseNumber",
    "community": "community",
    "city": "city",
    "postal_code": "postalCode",
}
FIXED: Final = {"business_premise_id": "businessPremiseId", "type": "type"}
PREMISE_FIELDS: Final = (
    "business_premise_id",
    "type",
    *REAL_ESTATE_REQUIRED,
    "house_number_additional",
    "premise_type",
    "validity_date",
)


class PremiseRepository(Repository[BusinessPremise]):
    model = BusinessPremise

    def labelled(self, organization_id: str, label: str) -> BusinessPremise | None:
        stmt = self.live_in(organization_id).where(BusinessPremise.business_premise_id == label)
        return self.first(stmt)

    def live_of(self, organization_id: str) -> list[BusinessPremise]:
        return self.all(self.live_in(organization_id).order_by(BusinessPremise.created_at))

    def registered_in(self, organization_id: str, env: str) -> list[BusinessPremise]:
        """The organization's live premises FURS last accepted in `env` (FISCAL §S7.2)."""
        stmt = self.live_in(organization_id).where(BusinessPremise.env == env)
        return self.all(stmt.order_by(BusinessPremise.created_at, BusinessPremise.id))


class DeviceRepository(Repository[ElectronicDevice]):
    model = ElectronicDevice

    def of_premises(self, premise_ids: list[str]) -> list[ElectronicDevice]:
        """The live devices of these premises, oldest first."""
        stmt = (
            self.statement()
            .where(ElectronicDevice.premise_id.in_(premise_ids))
            .order_by(ElectronicDevice.created_at, ElectronicDevice.id)
        )
        return self.all(stmt)

    def labelled(self, premise_id: str, label: str) -> ElectronicDevice | None:
        stmt = self.statement().where(
            ElectronicDevice.premise_id == premise_id,
            ElectronicDevice.electronic_device_id == label,
        )
        return self.first(stmt)


# -- devices (FISCAL §S6) -----------------------------------------------------------------------
def prepare_device(
    session: Session, _organization_id: str, values: Values, device: ElectronicDevice | None
) -> Values:
    if values.get("custom", {}) is None:
        del values["custom"]
    if device is None:
        label = values["electronic_device_id"]
        if DeviceRepository(session).labelled(values["premise_id"], label) is not None:
            raise LabelTaken("electronicDeviceId", label, "device of this premise")
    return values


devices = Resource(
    ElectronicDevice,
    "electronicDevice",
    "electronicdevices",
    DeviceCreate,
    DeviceUpdate,
    prepare=prepare_device,
    repository=DeviceRepository,
)


def devices_of(session: Session, premises: list[BusinessPremise]) -> dict[str, Any]:
    """FISCAL §S5.1: `filter[include]=electronicDevices`, each premise's live devices, oldest
    first."""
    found: dict[str, list[Any]] = {premise.id: [] for premise in premises}
    for device in DeviceRepository(session).of_premises(list(found)):
        found[device.premise_id].append(devices.serialize(device))
    return found


# -- premises (FISCAL §S5) ----------------------------------------------------------------------
def merged(values: Mapping[str, Any], premise: BusinessPremise | None) -> Values:
    """The premise as it would stand after the write."""
    current = {name: getattr(premise, name) for name in PREMISE_FIELDS} if premise else {}
    return {**current, **{k: v for k, v in values.items() if k in PREMISE_FIELDS}}


def check_premise(whole: Mapping[str, Any]) -> None:
    """FISCAL §S5.2: what each type requires, every missing property named."""
    if whole.get("type") == "realestate":
        missing = {api: ["can't be blank"] for name, api in REAL_ESTATE_REQUIRED.items()
                   if whole.get(name) is None}  # fmt: skip
    else:
        missing = {} if whole.get("premise_type") else {"premiseType": ["can't be blank"]}
    if missing:
        raise ValidationFailed(missing)


def prepare_premise(
    session: Session, organization_id: str, values: Values, premise: BusinessPremise | None
) -> Values:
    values = dict(values)
    if values.get("custom", {}) is None:
        del values["custom"]
    if premise is None:
        label = values["business_premise_id"]
        if PremiseRepository(session).labelled(organization_id, label) is not None:
            raise LabelTaken("businessPremiseId", label, "business premise")
        values["validity_date"] = values.get("validity_date") or local(utcnow()).date()
    else:
        for name, api in FIXED.items():
            if name in values and values[name] != getattr(premise, name):
                raise PropertyFixed(api)
            values.pop(name, None)
        if values.get("validity_date", premise.validity_date) is None:
            values["validity_date"] = premise.validity_date
    check_premise(merged(values, premise))
    return values


premises = Resource(
    BusinessPremise,
    "businessPremise",
    "businesspremises",
    PremiseCreate,
    PremiseUpdate,
    prepare=prepare_premise,
    includes={"electronicDevices": devices_of},
    repository=PremiseRepository,
    answered={"electronicDevices": many(devices.answer_type)},
)


# -- talking to FURS ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Registration:
    """What `register` sends: where, with which certificate, which message."""

    env: str
    credentials: Credentials
    message: messages.Message


def premise_message(
    settings: Settings, tax_number: int, whole: Mapping[str, Any], *, closing: bool = False
) -> messages.PremiseMessage:
    place: messages.RealEstate | str
    if whole["type"] == "realestate":
        place = messages.RealEstate(
            **{name: whole[name] for name in REAL_ESTATE_REQUIRED},
            house_number_additional=whole.get("house_number_additional"),
        )
    else:
        place = str(whole["premise_type"])
    validity: date = whole["validity_date"]
    supplier = messages.software_supplier(
        settings.furs_software_supplier_tax_number, settings.furs_software_supplier_name
    )
    return messages.PremiseMessage(
        tax_number, whole["business_premise_id"], place, validity, supplier, closing
    )


def stored_credentials(
    session: Session, settings: Settings, organization_id: str
) -> Credentials | None:
    try:
        return certificates.credentials_of(session, settings, organization_id)
    except CertificateRefused as refused:  # expired since the upload
        raise CertificateInvalid(str(refused)) from None
    except InvalidToken:
        raise CertificateInvalid(
            "The stored certificate cannot be opened with this server's key"
        ) from None


def plan(
    session: Session,
    settings: Settings,
    organization: Organization,
    whole: Mapping[str, Any],
    *,
    env: str | None = None,
    closing: bool = False,
) -> Registration | None:
    """FISCAL §S5.4: with a certificate, the `BusinessPremiseRequest` of `whole` for the current
    `furs_env` (or `env`); None without a certificate."""
    credentials = stored_credentials(session, settings, organization.id)
    if credentials is None:
        return None
    message = premise_message(settings, tax_number_of(organization), whole, closing=closing)
    request = messages.business_premise_request(message, utcnow())
    return Registration(env or env_of(session, organization.id), credentials, request)


def register(settings: Settings, registration: Registration) -> tuple[str, datetime]:
    """The call to FURS, in no transaction: where and when it accepted; FISCAL §S5.4 422 on a
    refusal (FURS's code and message), 502 when unreachable."""
    try:
        client.register_premise(
            settings, registration.env, registration.credentials, registration.message
        )
    except client.Refused as refused:
        raise FursRefused(refused.code, refused.message) from None
    except client.Unreachable as unreachable:
        raise FursUnreachable(str(unreachable)) from None
    return registration.env, utcnow()


def closing_plan(
    session: Session, settings: Settings, organization: Organization, premise: BusinessPremise
) -> Registration | None:
    """FISCAL §S5.7: a registered premise is closed where FURS accepted it last."""
    if premise.registered_at is None:
        return None
    found = plan(
        session, settings, organization, merged({}, premise), env=premise.env, closing=True
    )
    if found is None:
        raise NoCertificate()
    return found


def soft_delete(session: Session, premise: BusinessPremise) -> None:
    """FISCAL §S5.7: the premise and its live devices, each with its event."""
    for device in DeviceRepository(session).of_premises([premise.id]):
        devices.delete(session, device)
    premises.delete(session, premise)


def live_devices(session: Session, premise: BusinessPremise) -> list[ElectronicDevice]:
    return DeviceRepository(session).of_premises([premise.id])
