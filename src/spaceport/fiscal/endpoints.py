"""Fiscalization's routes: the certificate (FISCAL §S4), business premises (FISCAL §S5.1, both
spellings the SDKs and the reference use) and electronic devices (FISCAL §S6, updated as every
model is: COMPAT §1.10).

The premise writes that talk to FURS run no `Db`: they authorize in a short reading
transaction, read the body, plan in another, call FURS in no transaction and outside the write
turn, then save in a writing phase of their own (`kit.transaction`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, TypeVar

from fastapi import BackgroundTasks, Request
from fastapi import Query as QueryParam
from pydantic import BaseModel
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from spaceport.access.authorization import Caller, Scope, authorize, caller_of, organization_scope
from spaceport.config import Settings, SettingsDep
from spaceport.fiscal import certificates, premises
from spaceport.fiscal.errors import CertificateInvalid, CertificateTypeUnknown
from spaceport.fiscal.models import BusinessPremise
from spaceport.fiscal.schemas import PremiseCreate, PremiseUpdate
from spaceport.kit.answers import Count
from spaceport.kit.errors import NotFound
from spaceport.kit.json import ApiResponse
from spaceport.kit.openapi import LAUNCH_CODE
from spaceport.kit.repository import live
from spaceport.kit.transaction import Db, read_phase, write_phase
from spaceport.kit.wire import RELATION_ORGANIZATION, read_body, validate
from spaceport.organizations.models import Organization

T = TypeVar("T")
CertificateType = Annotated[str | None, QueryParam(alias="type")]

# One router: the app reads each router's own routes (fixed path words, OpenAPI bodies).
router = premises.premises.router(only=("find", "count", "get"))
Premise = premises.premises.answer_type


class Certificate(BaseModel):
    """FISCAL §S4.3: what is known of the stored certificate (COMPAT §1.13)."""

    subject: str
    issuer: str
    serial: str
    validFrom: datetime
    validTo: datetime


class Uploaded(Certificate):
    success: bool


for parent in ("businesspremises", "businesspremisses"):  # FISCAL §S6: both spellings
    router.routes.extend(
        premises.devices.children(
            BusinessPremise,
            parent_collection=parent,
            key="premise_id",
            paths=("electronicdevices",),
        ).routes
    )
# FISCAL §S6 `GET|DELETE /v1/electronicDevices/:id`; COMPAT §1.10 (which holds here too): PUT
# and PATCH there are a partial update (`custom`), as the .NET SDK's PatchAttributes sends it.
router.routes.extend(premises.devices.router(only=("get", "update", "delete")).routes)


# -- phases -------------------------------------------------------------------------------------
async def caller_in(request: Request, organization_id: str) -> Caller:
    """COMPAT §2.2: 401 or 403 before the body is read."""

    def check(session: Session) -> Caller:
        caller = caller_of(session, request)
        authorize(session, caller, organization_id, request.method)
        return caller

    return await read_phase(request, check)


def premise_of(
    session: Session, request: Request, caller: Caller
) -> tuple[Organization, BusinessPremise]:
    """The live premise the path names, within an organization the caller may write to."""
    premise_id = request.path_params["id"]
    premise = premises.PremiseRepository(session).get(premise_id, include_deleted=True)
    relation = request.scope.get(RELATION_ORGANIZATION)
    if premise is None or relation not in (None, premise.organization_id):
        raise NotFound(f"Unknown businesspremise id {premise_id!r}")
    organization, _ = authorize(session, caller, premise.organization_id, request.method)
    return organization, live(premise, "businessPremise")


async def premise_caller(request: Request) -> Caller:
    def check(session: Session) -> Caller:
        caller = caller_of(session, request)
        premise_of(session, request, caller)
        return caller

    return await read_phase(request, check)


async def outside(work: Callable[..., T], *args: Any) -> T:
    """Slow work (the call to FURS) in a thread, in no transaction and outside the write turn."""
    return await run_in_threadpool(work, *args)


async def registered(
    settings: Settings, registration: premises.Registration | None
) -> dict[str, Any]:
    if registration is None:
        return {}
    env, at = await outside(premises.register, settings, registration)
    return {"env": env, "registered_at": at}


# -- the certificate (FISCAL §S4) ---------------------------------------------------------------
@router.post(
    "/organizations/{id}/upload-certificate", response_model=Uploaded, openapi_extra=LAUNCH_CODE
)
async def upload_certificate(
    id: str,  # noqa: A002 - the path's name
    request: Request,
    background: BackgroundTasks,
    settings: SettingsDep,
    kind: CertificateType = None,
) -> Any:
    """FISCAL §S4.1, FISCAL §S4.2 (422, nothing stored), FISCAL §S4.3."""
    await caller_in(request, id)
    if kind != "furs":
        raise CertificateTypeUnknown()
    body = await read_body(request)
    upload = body.get("certificate")
    if not isinstance(upload, UploadFile):
        raise CertificateInvalid("No certificate file was given (multipart field certificate)")
    data = bytes(await upload.read(certificates.MAX_CERTIFICATE_BYTES + 1))
    passphrase = request.headers.get("passphrase")
    info = await outside(certificates.opened, data, passphrase)
    stored_passphrase = str(passphrase)  # opened: not None

    def save(session: Session) -> None:
        certificates.store(session, settings, id, data, stored_passphrase, info)

    await write_phase(request, background, save)
    return ApiResponse({"success": True, **info.answer()})


@router.get("/organizations/{id}/certificate", response_model=Certificate)
def certificate_info(
    session: Db, kind: CertificateType = None, scope: Scope = organization_scope()
) -> Any:
    """FISCAL §S4.3: the five properties; 404 if none."""
    if kind != "furs":
        raise CertificateTypeUnknown()
    info = certificates.info_of(session, scope.organization_id)
    if info is None:
        raise NotFound("The organization has no FURS certificate")
    return ApiResponse(info.answer())


# -- premises (FISCAL §S5) ----------------------------------------------------------------------
@router.post("/organizations/{id}/businesspremises", response_model=Premise)
async def create_premise(
    id: str,  # noqa: A002 - the path's name
    request: Request,
    background: BackgroundTasks,
    settings: SettingsDep,
) -> Any:
    """FISCAL §S5.4: registered at once with a certificate; refused or unreachable, nothing
    is saved."""
    caller = await caller_in(request, id)
    values = validate(PremiseCreate, await read_body(request)).given_with_defaults()

    def planning(session: Session) -> tuple[dict[str, Any], premises.Registration | None]:
        organization, _ = authorize(session, caller, id, request.method)
        prepared = premises.prepare_premise(session, id, values, None)
        return prepared, premises.plan(
            session, settings, organization, premises.merged(prepared, None)
        )

    prepared, registration = await read_phase(request, planning)
    accepted = await registered(settings, registration)

    def save(session: Session) -> dict[str, Any]:
        authorize(session, caller, id, request.method)
        return premises.premises.serialize(
            premises.premises.create(session, id, {**prepared, **accepted})
        )

    return ApiResponse(await write_phase(request, background, save))


@router.patch("/businesspremises/{id}", response_model=Premise)
@router.put("/businesspremises/{id}", response_model=Premise)
async def update_premise(
    request: Request, background: BackgroundTasks, settings: SettingsDep
) -> Any:
    """FISCAL §S5.6: registered again with a certificate (nothing changed on failure)."""
    caller = await premise_caller(request)
    values = validate(PremiseUpdate, await read_body(request)).given()

    def planning(session: Session) -> tuple[dict[str, Any], premises.Registration | None]:
        organization, premise = premise_of(session, request, caller)
        prepared = premises.prepare_premise(session, premise.organization_id, values, premise)
        whole = premises.merged(prepared, premise)
        return prepared, premises.plan(session, settings, organization, whole)

    prepared, registration = await read_phase(request, planning)
    accepted = await registered(settings, registration)

    def save(session: Session) -> dict[str, Any]:
        _, premise = premise_of(session, request, caller)
        updated = premises.premises.update(session, premise, {**prepared, **accepted})
        return premises.premises.serialize(updated)

    return ApiResponse(await write_phase(request, background, save))


@router.delete("/businesspremises/{id}", response_model=Count)
async def delete_premise(
    request: Request, background: BackgroundTasks, settings: SettingsDep
) -> Any:
    """FISCAL §S5.7: a registered premise is closed with FURS first, then it and its devices
    are soft deleted."""
    caller = await premise_caller(request)

    def planning(session: Session) -> premises.Registration | None:
        organization, premise = premise_of(session, request, caller)
        return premises.closing_plan(session, settings, organization, premise)

    await registered(settings, await read_phase(request, planning))

    def save(session: Session) -> None:
        _, premise = premise_of(session, request, caller)
        premises.soft_delete(session, premise)

    await write_phase(request, background, save)
    return ApiResponse({"count": 1})
