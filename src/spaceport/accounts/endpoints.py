"""Accounts (reference "Accounts"; COMPAT §3.1 through COMPAT §3.6)."""

from __future__ import annotations

from functools import partial
from typing import Any

from fastapi import APIRouter, BackgroundTasks, Request, Response
from sqlalchemy.orm import Session

from spaceport.access.authorization import CallerDep, caller_of, launch_code, resolve_caller
from spaceport.accounts import mails, passwords, service
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
from spaceport.config import Settings, SettingsDep
from spaceport.kit.errors import Forbidden, Unauthorized, invalid
from spaceport.kit.json import ApiResponse
from spaceport.kit.ratelimit import KeyedLimits
from spaceport.kit.transaction import Db, after_commit, read_phase, write_phase, writes
from spaceport.kit.wire import body_of

router = APIRouter(prefix="/v1/accounts", tags=["accounts"])
ONE_HOUR = 3600
ONE_WEEK = 7 * 24 * 3600


@router.post("")
async def create_account(
    request: Request,
    background: BackgroundTasks,
    settings: SettingsDep,
    data: AccountCreate = body_of(AccountCreate),
) -> Any:
    """Hashed first, outside the write turn (slow work never holds the write turn), whether the
    email is taken or not (item 4: the same time either way)."""
    if launch_code(request) is None and not settings.open_signup:
        raise Forbidden("Sign-up is closed on this server")
    password_hash = await passwords.hash_password(data.password)

    def create(session: Session) -> dict[str, Any]:
        caller = resolve_caller(request, session)  # anonymous as well (COMPAT §1.12)
        if caller is None and not settings.open_signup:
            raise Forbidden("Sign-up is closed on this server")
        return service.account_answer(service.sign_up(session, data, password_hash, caller))

    return ApiResponse(await write_phase(request, background, create))


@router.post("/login")
async def log_in(
    request: Request,
    background: BackgroundTasks,
    settings: SettingsDep,
    data: Login = body_of(Login),
) -> Any:
    """No enumeration, slow work outside the write turn, rate-limited per email and per address; the
    password is verified (against a dummy hash for an unknown email) outside transactions."""
    attempts(request, settings).hit("login", attempt_keys(request, data.email))
    found = await read_phase(request, partial(service.credentials, email=data.email))
    if not await passwords.verify_password(found[1] if found else None, data.password):
        raise Unauthorized("login failed")
    assert found is not None
    login = partial(service.log_in, account_id=found[0], verified_hash=found[1], ttl=data.ttl)
    return ApiResponse(await write_phase(request, background, login))


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
async def request_reset(
    request: Request,
    background: BackgroundTasks,
    settings: SettingsDep,
    data: ResetRequest = body_of(ResetRequest),
) -> Response:
    """COMPAT §3.4: always 204, so nobody learns which emails have accounts; one write
    transaction either way (no enumeration, COMPAT §3.4); rate-limited like login."""
    attempts(request, settings).hit("reset", attempt_keys(request, data.email))

    def issue(session: Session) -> None:
        account = service.account_by_email(session, data.email)
        if account is not None:
            code, _ = service.issue_code(session, account, ONE_HOUR, purpose="reset")
            after_commit(session, partial(mails.send_reset, settings, account.email, code))

    await write_phase(request, background, issue)
    return Response(status_code=204)


@router.post("/reset-password", status_code=204)
async def reset_password(
    request: Request, background: BackgroundTasks, data: ResetPassword = body_of(ResetPassword)
) -> Response:
    """The emailed token, single-use; the new password ends every launch code
    (COMPAT §3.4). The token is checked before the hash is made, and again when it is spent."""
    code = launch_code(request)
    await read_phase(request, partial(service.redeemable, code=code, purpose="reset"))
    password_hash = await passwords.hash_password(data.password)

    def reset(session: Session) -> None:
        account = service.redeem(session, code, purpose="reset")
        service.set_password(session, account, password_hash, keep=None)

    await write_phase(request, background, reset)
    return Response(status_code=204)


@router.post("/change-password", status_code=204)
async def change_password(
    request: Request, background: BackgroundTasks, data: ChangePassword = body_of(ChangePassword)
) -> Response:
    """Every other launch code of the account ends (a new password revokes them); the caller's
    stays."""
    caller = await read_phase(request, partial(caller_of, request=request))
    current = caller.account.password_hash
    if not await passwords.verify_password(current, data.old_password):
        raise invalid("oldPassword", "is not the current password")
    password_hash = await passwords.hash_password(data.new_password)

    def change(session: Session) -> None:
        account = caller_of(session, request).account
        if account.password_hash != current:
            raise invalid("oldPassword", "is not the current password")
        service.set_password(session, account, password_hash, keep=caller.token.id)

    await write_phase(request, background, change)
    return Response(status_code=204)


def attempts(request: Request, settings: Settings) -> KeyedLimits:
    """The process's login and reset budgets (per email and per address), made once per settings."""
    limits = {
        "email": settings.login_rate_limit_email,
        "address": settings.login_rate_limit_address,
    }
    state = request.app.state
    found: tuple[dict[str, str], KeyedLimits] | None = getattr(state, "attempt_limits", None)
    if found is None or found[0] != limits:
        found = (limits, KeyedLimits(limits, settings.redis_url))
        state.attempt_limits = found
    return found[1]


def attempt_keys(request: Request, email: str) -> dict[str, str]:
    address = request.client.host if request.client else "unknown"
    return {"email": service.normalize_email(email), "address": address}


@router.get("/confirm")
@writes
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
@writes
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
