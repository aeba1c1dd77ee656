"""Access to organizations (reference "The access object"; COMPAT §3.6)."""

from __future__ import annotations

from functools import partial
from typing import Any

from spaceport.access import service
from spaceport.access.authorization import CallerDep, Scope, organization_scope
from spaceport.access.models import Access
from spaceport.access.schemas import ChangeRole, Invite
from spaceport.accounts import mails
from spaceport.config import SettingsDep
from spaceport.kit.answers import Count, Success, answer_model, many
from spaceport.kit.json import ApiResponse
from spaceport.kit.routing import Router
from spaceport.kit.transaction import Db, after_commit, writes
from spaceport.kit.wire import body_of

router = Router(prefix="/v1", tags=["access"])
managed = organization_scope(via=Access, admin_only=True)
SUCCESS = {"success": True}
AccessAnswer = answer_model(Access)


class Removed(Count, Success):
    """A removed access: `{"count": 1, "success": true}`."""


@router.post("/organizations/{id}/invite", response_model=AccessAnswer)
def invite(
    session: Db,
    settings: SettingsDep,
    scope: Scope = organization_scope(admin_only=True),
    data: Invite = body_of(Invite),
) -> Any:
    access, code = service.invite(session, scope.organization_id, data)
    if data.send_email and access.email:
        organization = scope.organization.name
        send = partial(mails.send_invitation, settings, access.email, organization, access.id, code)
        after_commit(session, send)
    return ApiResponse(service.answer(access))


@router.get("/organizations/{id}/accountorganizations", response_model=many(AccessAnswer))
def list_access(session: Db, scope: Scope = organization_scope()) -> Any:
    return ApiResponse(
        [service.answer(a) for a in service.accesses_of(session, scope.organization_id)]
    )


@router.delete("/accountorganizations/{id}", response_model=Removed)
def remove(session: Db, scope: Scope = managed) -> Any:
    service.remove(session, scope.instance)
    # The reference answers {"success": true}; COMPAT §1.8 has deletes answer {"count": 1}.
    return ApiResponse({"count": 1, **SUCCESS})


@router.post("/accountorganizations/{id}/disable", response_model=Success)
def disable(session: Db, scope: Scope = managed) -> Any:
    service.set_disabled(session, scope.instance, True)
    return ApiResponse(SUCCESS)


@router.post("/accountorganizations/{id}/enable", response_model=Success)
def enable(session: Db, scope: Scope = managed) -> Any:
    service.set_disabled(session, scope.instance, False)
    return ApiResponse(SUCCESS)


@router.post("/accountorganizations/{id}/change-role", response_model=Success)
def change_role(session: Db, scope: Scope = managed, data: ChangeRole = body_of(ChangeRole)) -> Any:
    service.change_role(session, scope.instance, data.role)
    return ApiResponse(SUCCESS)


@router.get("/accountorganizations/{id}/accept", response_model=Success)
@router.post("/accountorganizations/{id}/accept", response_model=Success)
@writes
def accept(session: Db, caller: CallerDep, id: str, token: str = "") -> Any:
    """`token`: the one of the invitation's email (issue 16 point 4)."""
    service.answer_invitation(session, caller.account, id, token, accept=True)
    return ApiResponse(SUCCESS)


@router.get("/accountorganizations/{id}/reject", response_model=Success)
@router.post("/accountorganizations/{id}/reject", response_model=Success)
@writes
def reject(session: Db, caller: CallerDep, id: str, token: str = "") -> Any:
    service.answer_invitation(session, caller.account, id, token, accept=False)
    return ApiResponse(SUCCESS)
