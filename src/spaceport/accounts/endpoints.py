"""Accounts (reference "Accounts"; COMPAT §3)."""

from __future__ import annotations

from functools import partial
from typing import Any

from fastapi import APIRouter, Request, Response

from spaceport.access.authorization import CallerDep, OptionalCallerDep, launch_code
from spaceport.accounts import mails, service
from spaceport.accounts.schemas import (
    AccountCreate,
    AccountUpdate,
    ChangePassword,
    Impersonate,
    Login,
    ResetPassword,
    ResetRequest,
    TokenCreate,
)
from spaceport.config import SettingsDep
from spaceport.kit.errors import Forbidden, Unauthorized, invalid
from spaceport.kit.json import ApiResponse
from spaceport.kit.transaction import Db, after_commit
from spaceport.kit.wire import body_of

router = APIRouter(prefix="/v1/accounts", tags=["accounts"])
ONE_HOUR = 3600
ONE_WEEK = 7 * 24 * 3600


@router.post("")
def create_account(
    session: Db,
    settings: SettingsDep,
    caller: OptionalCallerDep,
    data: AccountCreate = body_of(AccountCreate),
) -> Any:
    if caller is None and not settings.open_signup:
        raise Forbidden("Sign-up is closed on this server")
    account = service.sign_up(session, data, caller)
    return ApiResponse(service.account_answer(account))


@router.post("/login")
def log_in(session: Db, data: Login = body_of(Login)) -> Any:
    return ApiResponse(service.log_in(session, data.email, data.password, data.ttl))


@router.post("/logout", status_code=204)
def log_out(session: Db, caller: CallerDep) -> Response:
    session.delete(caller.token)
    return Response(status_code=204)


@router.post("/impersonate")
def impersonate(session: Db, caller: CallerDep, data: Impersonate = body_of(Impersonate)) -> Any:
    return ApiResponse(service.impersonate(session, caller, data.id, data.email, data.ttl))


@router.get("/authorized")
def authorized(caller: CallerDep) -> Any:
    return ApiResponse(service.account_answer(caller.account))


@router.get("/is-unique")
def is_unique(session: Db, email: str = "") -> Any:
    if not email:
        raise invalid("email", "can't be blank")
    return ApiResponse({"isUnique": service.is_unique(session, email)})


@router.post("/reset", status_code=204)
def request_reset(
    session: Db, settings: SettingsDep, data: ResetRequest = body_of(ResetRequest)
) -> Response:
    """COMPAT §3.4: always 204, so nobody learns which emails have accounts."""
    account = service.account_by_email(session, data.email)
    if account is not None:
        code, _ = service.issue_code(session, account, ONE_HOUR, purpose="reset")
        after_commit(session, partial(mails.send_reset, settings, account.email, code))
    return Response(status_code=204)


@router.post("/reset-password", status_code=204)
def reset_password(
    request: Request, session: Db, data: ResetPassword = body_of(ResetPassword)
) -> Response:
    account = service.redeem(session, launch_code(request), purpose="reset")
    service.set_password(account, data.password)
    service.revoke_all(session, account, purpose="reset")
    return Response(status_code=204)


@router.post("/change-password", status_code=204)
def change_password(
    session: Db, caller: CallerDep, data: ChangePassword = body_of(ChangePassword)
) -> Response:
    if not service.check_password(caller.account, data.old_password):
        raise invalid("oldPassword", "is not the current password")
    service.set_password(caller.account, data.new_password)
    return Response(status_code=204)


@router.get("/confirm")
def confirm_email(session: Db, uid: str = "", token: str = "") -> Any:
    account = service.redeem(session, token, purpose="verify")
    if account.id != uid:
        raise Unauthorized("Invalid or expired token")
    account.email_verified = True
    return ApiResponse({"success": True})


@router.get("/{account_id}")
def get_account(session: Db, caller: CallerDep, account_id: str) -> Any:
    return ApiResponse(service.account_answer(service.account_for(session, caller, account_id)))


@router.patch("/{account_id}")
@router.put("/{account_id}")
def update_account(
    session: Db, caller: CallerDep, account_id: str, data: AccountUpdate = body_of(AccountUpdate)
) -> Any:
    account = service.account_for(session, caller, account_id)
    return ApiResponse(service.account_answer(service.update_account(session, account, data)))


@router.get("/{account_id}/is-verified")
def is_verified(session: Db, caller: CallerDep, account_id: str) -> Any:
    account = service.account_for(session, caller, account_id)
    return ApiResponse({"isVerified": account.email_verified})


@router.get("/{account_id}/send-verification")
@router.post("/{account_id}/send-verification")
def send_verification(
    session: Db, settings: SettingsDep, caller: CallerDep, account_id: str
) -> Any:
    account = service.account_for(session, caller, account_id)
    if not account.email_verified:
        code, _ = service.issue_code(session, account, ONE_WEEK, purpose="verify")
        after_commit(
            session, partial(mails.send_verification, settings, account.email, account.id, code)
        )
    return ApiResponse({"success": True})


@router.get("/{account_id}/accesstokens")
def list_tokens(session: Db, caller: CallerDep, account_id: str) -> Any:
    account = service.account_for(session, caller, account_id)
    return ApiResponse([service.token_listing(t) for t in service.tokens_of(session, account)])


@router.post("/{account_id}/accesstokens")
def create_token(
    session: Db, caller: CallerDep, account_id: str, data: TokenCreate = body_of(TokenCreate)
) -> Any:
    account = service.account_for(session, caller, account_id)
    code, token = service.issue_code(session, account, data.ttl, scopes=data.scopes)
    return ApiResponse(service.access_token_answer(code, token))


@router.delete("/{account_id}/accesstokens/{token_id}")
def delete_token(session: Db, caller: CallerDep, account_id: str, token_id: str) -> Any:
    account = service.account_for(session, caller, account_id)
    count = service.delete_token(session, account, token_id)
    return ApiResponse({"count": count})
