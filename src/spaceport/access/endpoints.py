"""Access to organizations (reference "The access object"; COMPAT §3.6)."""

from __future__ import annotations

from functools import partial
from typing import Any

from fastapi import APIRouter

from spaceport.access import service
from spaceport.access.authorization import CallerDep, Scope, organization_scope
from spaceport.access.models import Access
from spaceport.access.schemas import ChangeRole, Invite
from spaceport.accounts import mails
from spaceport.config import SettingsDep
from spaceport.kit.json import ApiResponse
from spaceport.kit.transaction import Db, after_commit, writes
from spaceport.kit.wire import body_of

router = APIRouter(prefix="/v1", tags=["access"])
managed = organization_scope(via=Access, admin_only=True)
SUCCESS = {"success": True}


@router.post("/organizations/{id}/invite")
def invite(
    session: Db,
    settings: SettingsDep,
    scope: Scope = organization_scope(admin_only=True),
    data: Invite = body_of(Invite),
) -> Any:
    access = service.invite(session, scope.organization_id, data)
    if data.send_email and access.email:
        send = partial(
            mails.send_invitation, settings, access.email, scope.organization.name, access.id
        )
        after_commit(session, send)
    return ApiResponse(service.answer(access))


@router.get("/organizations/{id}/accountorganizations")
def list_access(session: Db, scope: Scope = organization_scope()) -> Any:
    return ApiResponse(
        [service.answer(a) for a in service.accesses_of(session, scope.organization_id)]
    )


@router.delete("/accountorganizations/{id}")
def remove(session: Db, scope: Scope = managed) -> Any:
    service.remove(session, scope.instance)
    # The reference answers {"success": true}; COMPAT §1.8 has deletes answer {"count": 1}.
    return ApiResponse({"count": 1, **SUCCESS})


@router.post("/accountorganizations/{id}/disable")
def disable(session: Db, scope: Scope = managed) -> Any:
    service.set_disabled(session, scope.instance, True)
    return ApiResponse(SUCCESS)


@router.post("/accountorganizations/{id}/enable")
def enable(session: Db, scope: Scope = managed) -> Any:
    service.set_disabled(session, scope.instance, False)
    return ApiResponse(SUCCESS)


@router.post("/accountorganizations/{id}/change-role")
def change_role(session: Db, scope: Scope = managed, data: ChangeRole = body_of(ChangeRole)) -> Any:
    service.change_role(session, scope.instance, data.role)
    return ApiResponse(SUCCESS)


@router.get("/accountorganizations/{id}/accept")
@router.post("/accountorganizations/{id}/accept")
@writes
def accept(session: Db, caller: CallerDep, id: str) -> Any:
    access = service.invitation_for(session, caller, id)
    access.active, access.rejected = True, False
    return ApiResponse(SUCCESS)


@router.get("/accountorganizations/{id}/reject")
@router.post("/accountorganizations/{id}/reject")
@writes
def reject(session: Db, caller: CallerDep, id: str) -> Any:
    access = service.invitation_for(session, caller, id)
    access.active, access.rejected = False, True
    return ApiResponse(SUCCESS)
