"""The fiscalization wizard (WEB §W7.2, FISCAL.md), for organizations in Slovenia only (the 404
page elsewhere): 1 the certificate (FISCAL §S4), 2 business premises (FISCAL §S5), 3 electronic
devices (FISCAL §S6), 4 enabling (FISCAL §S7), each with Done or Not done and FISCAL.md's
refusals in the API's words.

It uses the fiscal services the API uses. The certificate upload and a new premise do their
slow work (opening the PKCS#12 file, registering with FURS over mutual TLS) as the API's
routes do, in no transaction and outside the write turn: they take no `Db`, check the visitor
and the place in a reading phase, then write in a writing phase of their own
(`kit.transaction`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final, TypeVar

from fastapi import BackgroundTasks, Request, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile

from spaceport.defaults import service as defaults
from spaceport.fiscal import certificates, enabling, premises
from spaceport.fiscal.credentials import CertificateInfo
from spaceport.fiscal.models import BusinessPremise, ElectronicDevice
from spaceport.fiscal.schemas import DeviceCreate, PremiseCreate
from spaceport.fiscal.setup import env_of
from spaceport.kit.errors import ApiError, ValidationFailed
from spaceport.kit.routing import Router
from spaceport.kit.transaction import Db, read_phase, write_phase
from spaceport.kit.wire import validate
from spaceport.web import guard
from spaceport.web.forms import messages_of
from spaceport.web.guard import FormDep, Place, PlaceDep, WritingPlaceDep, settings_of
from spaceport.web.pages import PageNotFound, PageRoute, page_of, render, see_other
from spaceport.web.settings import is_slovenian

router = Router(route_class=PageRoute, include_in_schema=False)
PATH: Final = "/app/o/{organization_id}/settings/fiscalization"
T = TypeVar("T")
Errors = dict[str, dict[str, list[str]]]  # per form, per field ("" for the form as a whole)

REAL_ESTATE_FIELDS: Final = (
    ("cadastralNumber", "Cadastral number"),
    ("buildingNumber", "Building number"),
    ("buildingSectionNumber", "Building section number"),
    ("street", "Street"),
    ("houseNumber", "House number"),
    ("houseNumberAdditional", "House number addition"),
    ("community", "Community"),
    ("city", "City"),
    ("postalCode", "Postal code"),
)
PREMISE_TYPES: Final = (
    ("A", "A: vehicle"),
    ("B", "B: object at a fixed location"),
    ("C", "C: individual electronic device"),
)
TYPES: Final = (("realestate", "Real estate"), ("movable", "Movable"))
ENVIRONMENTS: Final = (("test", "Test"), ("production", "Production"))
STRATEGIES: Final = (("C", "Per business premise (C)"), ("B", "Per electronic device (B)"))


@dataclass(frozen=True)
class Wizard:
    """What is set, and which steps are done (WEB §W7.2)."""

    certificate: CertificateInfo | None
    env: str
    strategy: str
    on: bool
    premises: list[BusinessPremise]
    devices: list[tuple[BusinessPremise, ElectronicDevice]] = field(default_factory=list)

    @property
    def done(self) -> dict[int, bool]:
        """1 a certificate is stored, 2 a premise is registered in the current `furs_env`,
        3 it has a live device, 4 `furs_verifying` is on."""
        registered = {p.id for p in self.premises if p.env == self.env}
        return {
            1: self.certificate is not None,
            2: bool(registered),
            3: any(premise.id in registered for premise, _ in self.devices),
            4: self.on,
        }


def wizard_of(session: Session, organization_id: str) -> Wizard:
    live = premises.PremiseRepository(session).live_of(organization_id)
    by_id = {premise.id: premise for premise in live}
    found = premises.DeviceRepository(session).of_premises(list(by_id))
    values = defaults.values_of(session, organization_id)
    strategy = values.get("furs_strategy")
    return Wizard(
        certificate=certificates.info_of(session, organization_id),
        env=env_of(session, organization_id),
        strategy=strategy if strategy in ("C", "B") else "C",
        on=enabling.is_on(values),
        premises=live,
        devices=[(by_id[device.premise_id], device) for device in found],
    )


def slovenian(place: Place) -> Place:
    """WEB §W7.2: elsewhere the 404 page."""
    if not is_slovenian(place.organization):
        raise PageNotFound()
    return place


def show(
    request: Request,
    wizard: Wizard,
    errors: Errors | None = None,
    values: Mapping[str, Mapping[str, str]] | None = None,
    status: int = 200,
) -> Response:
    given = values or {}
    typed = {"enable": {}, **given, "premise": {"type": "realestate", **given.get("premise", {})}}
    typed["premise"] = {"furs_env": wizard.env, **typed["premise"]}
    typed["enable"] = {"furs_env": wizard.env, "furs_strategy": wizard.strategy, **typed["enable"]}
    return render(
        request,
        "fiscalization.html",
        status=status,
        wizard=wizard,
        done=wizard.done,
        errors={"certificate": {}, "premise": {}, "device": {}, "enable": {}, **(errors or {})},
        values={"certificate": {}, "device": {}, **typed},
        real_estate_fields=REAL_ESTATE_FIELDS,
        premise_types=PREMISE_TYPES,
        premise_type_words=dict(PREMISE_TYPES),
        premise_options=[(p.id, p.business_premise_id) for p in wizard.premises],
        types=TYPES,
        type_words=dict(TYPES),
        environments=ENVIRONMENTS,
        environment_words=dict(ENVIRONMENTS),
        strategies=STRATEGIES,
        strategy_words=dict(STRATEGIES),
    )


@router.get(PATH)
def fiscalization_page(request: Request, session: Db, place: PlaceDep) -> Response:
    organization = slovenian(place).organization
    return show(request, wizard_of(session, organization.id))


def here(request: Request) -> str:
    return f"{page_of(request).base}/settings/fiscalization"


# -- the steps with slow work: no `Db` ----------------------------------------------------------
def writing_place_in(session: Session, request: Request, organization_id: str) -> Place:
    """The checks of `WritingPlaceDep`, in a phase of the caller's. The page's account and
    organization leave the session as loaded: a refusal rolls the phase back, and the page
    that tells it still shows them."""
    visitor = guard.visitor(request, session)
    place = guard.place(session, request, visitor, organization_id)
    session.expunge(visitor.account)
    session.expunge(place.organization)
    return slovenian(guard.writing_place(place))


async def checked_place_and_form(request: Request, organization_id: str) -> FormData:
    """WEB §W2.5, §W2.4: readonly, deactivated or not Slovenian refused before the form is
    read; then the form's origin and CSRF token."""

    def check(session: Session) -> Place:
        return writing_place_in(session, request, organization_id)

    place = await read_phase(request, check)
    return await guard.checked_form(request, "session", place.visitor.session_id)


async def refused(
    request: Request,
    organization_id: str,
    errors: Errors,
    values: Mapping[str, Mapping[str, str]] | None = None,
    status: int = 422,
) -> Response:

    def read(session: Session) -> Wizard:
        writing_place_in(session, request, organization_id)
        return wizard_of(session, organization_id)

    return show(request, await read_phase(request, read), errors, values, status)


async def outside(work: Callable[..., T], *args: Any) -> T:
    """Slow work in a thread, in no transaction and outside the write turn."""
    return await run_in_threadpool(work, *args)


@router.post(f"{PATH}/certificate")
async def upload_certificate(
    request: Request, background: BackgroundTasks, organization_id: str
) -> Response:
    """As `POST /v1/organizations/:id/upload-certificate?type=furs` (FISCAL §S4): 422 with the
    API's reason, nothing stored; an upload replaces the previous certificate."""
    form = await checked_place_and_form(request, organization_id)
    upload = form.get("certificate")
    passphrase = str(form.get("passphrase") or "")
    try:
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise ValidationFailed(
                {"certificate": ["No certificate file was given (multipart field certificate)"]}
            )
        data = bytes(await upload.read(certificates.MAX_CERTIFICATE_BYTES + 1))
        info = await outside(certificates.opened, data, passphrase)
    except ValidationFailed as failed:
        return await refused(request, organization_id, {"certificate": messages_of(failed)})
    settings = settings_of(request)

    def save(session: Session) -> None:
        writing_place_in(session, request, organization_id)
        certificates.store(session, settings, organization_id, data, passphrase, info)

    await write_phase(request, background, save)
    return see_other(here(request), notice="Certificate uploaded.")


def premise_body(form: FormData) -> tuple[dict[str, str], dict[str, Any]]:
    """What was typed, and the API's body of it: only the chosen type's fields (without
    JavaScript both groups are on the page), empty ones left out."""
    names = ("businessPremiseId", "type", "premiseType", "validityDate",
             *(name for name, _ in REAL_ESTATE_FIELDS))  # fmt: skip
    typed = {name: str(form.get(name) or "").strip() for name in names}
    kept = {"realestate": {n for n, _ in REAL_ESTATE_FIELDS}, "movable": {"premiseType"}}
    others = {"premiseType", *kept["realestate"]} - kept.get(typed["type"], set())
    body = {name: value for name, value in typed.items() if value and name not in others}
    return typed, body


def chosen_env(session: Session, organization_id: str, given: str) -> str:
    """The environment a new premise registers in: while fiscalization is off the form's
    Environment, which becomes the current `furs_env` with it (so a premise can be registered
    in Test before enabling there); while it is on, the current one (FISCAL §S5.4)."""
    current = env_of(session, organization_id)
    if enabling.is_on(defaults.values_of(session, organization_id)) or not given:
        return current
    try:
        enabling.checked_value("furs_env", given)
    except ValidationFailed as failed:
        raise ValidationFailed({"furs_env": messages_of(failed)["value"]}) from None
    return given


@router.post(f"{PATH}/premises")
async def add_premise(
    request: Request, background: BackgroundTasks, organization_id: str
) -> Response:
    """As `POST /v1/organizations/:id/businesspremises` (FISCAL §S5.4): with a certificate it is
    registered with FURS at once, in the current `furs_env`; refused (FURS's code and message)
    or unreachable, nothing is saved."""
    form = await checked_place_and_form(request, organization_id)
    typed, body = premise_body(form)
    if form.get("furs_env"):
        typed["furs_env"] = str(form.get("furs_env"))
    settings = settings_of(request)

    def planning(session: Session) -> tuple[dict[str, Any], premises.Registration | None]:
        place = writing_place_in(session, request, organization_id)
        env = chosen_env(session, organization_id, typed.get("furs_env", ""))
        values = validate(PremiseCreate, body).given_with_defaults()
        prepared = premises.prepare_premise(session, organization_id, values, None)
        whole = premises.merged(prepared, None)
        return prepared, premises.plan(session, settings, place.organization, whole, env=env)

    try:
        prepared, registration = await read_phase(request, planning)
        accepted: dict[str, Any] = {}
        if registration is not None:
            env, at = await outside(premises.register, settings, registration)
            accepted = {"env": env, "registered_at": at}
    except ValidationFailed as failed:
        errors = {"premise": messages_of(failed)}
        return await refused(request, organization_id, errors, {"premise": typed})
    except ApiError as error:  # FURS refused (422) or unreachable (502): the API's message
        errors = {"premise": {"": [error.message]}}
        return await refused(
            request, organization_id, errors, {"premise": typed}, error.status_code
        )

    def save(session: Session) -> None:
        writing_place_in(session, request, organization_id)
        if registration is not None:
            write_defaults(session, organization_id, {"furs_env": registration.env})
        premises.premises.create(session, organization_id, {**prepared, **accepted})

    try:
        await write_phase(request, background, save)
    except ValidationFailed as failed:  # the same label added meanwhile
        errors = {"premise": messages_of(failed)}
        return await refused(request, organization_id, errors, {"premise": typed})
    return see_other(here(request), notice="Premise added.")


# -- the steps without slow work ----------------------------------------------------------------
@router.post(f"{PATH}/devices")
def add_device(request: Request, session: Db, place: WritingPlaceDep, form: FormDep) -> Response:
    """As `POST /v1/businessPremises/:id/electronicDevices` (FISCAL §S6)."""
    organization_id = slovenian(place).organization.id
    typed = {name: str(form.get(name) or "").strip() for name in ("premise", "electronicDeviceId")}
    premise = premises.PremiseRepository(session).get(typed["premise"])
    try:
        if premise is None or premise.organization_id != organization_id:
            raise ValidationFailed({"premise": ["No live business premise of this organization"]})
        data = validate(DeviceCreate, {"electronicDeviceId": typed["electronicDeviceId"]})
        values = {**data.given_with_defaults(), "premise_id": premise.id}
        premises.devices.create(session, organization_id, values)
    except ValidationFailed as failed:
        errors = {"device": messages_of(failed)}
        return show(request, wizard_of(session, organization_id), errors, {"device": typed}, 422)
    return see_other(here(request), notice="Device added.")


@router.post(f"{PATH}/enable")
def enable(request: Request, session: Db, place: WritingPlaceDep, form: FormDep) -> Response:
    """Writes `furs_env`, `furs_strategy`, then `furs_verifying` true through the defaults
    service (FISCAL §S7). Every write is checked first, as the service checks it: a refusal
    (FISCAL §S7.2) changes nothing."""
    organization_id = slovenian(place).organization.id
    wanted = {
        "furs_env": str(form.get("furs_env") or ""),
        "furs_strategy": str(form.get("furs_strategy") or ""),
        "furs_verifying": True,
    }
    before = dict(defaults.values_of(session, organization_id))
    errors: dict[str, list[str]] = {}
    for name, value in wanted.items():
        try:
            enabling.check_write(session, organization_id, before, name, value)
        except ValidationFailed as failed:
            messages = [m for ms in messages_of(failed).values() for m in ms]
            errors["" if name == "furs_verifying" else name] = messages
            break
        before[name] = value
    if errors:
        typed = {name: str(value) for name, value in wanted.items()}
        wizard = wizard_of(session, organization_id)
        return show(request, wizard, {"enable": errors}, {"enable": typed}, 422)
    write_defaults(session, organization_id, wanted)
    return see_other(here(request), notice="Fiscalization enabled.")


@router.post(f"{PATH}/disable")
def disable(request: Request, session: Db, place: WritingPlaceDep, _form: FormDep) -> Response:
    """`furs_verifying` false: no new fiscalizations; pending ones are still resubmitted
    (FISCAL §S7.2)."""
    write_defaults(session, slovenian(place).organization.id, {"furs_verifying": False})
    return see_other(here(request), notice="Fiscalization disabled.")


def write_defaults(session: Session, organization_id: str, wanted: Mapping[str, Any]) -> None:
    for name, value in wanted.items():
        stored = defaults.find(session, organization_id, name)
        if stored is None or stored.value != value:
            defaults.put(session, organization_id, name, value)
