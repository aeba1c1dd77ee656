"""Accounts (reference "Accounts"; COMPAT §3.1 through COMPAT §3.6)."""

from __future__ import annotations

from functools import partial
from typing import Any

from fastapi import BackgroundTasks, Request, Response
from sqlalchemy.orm import Session

from spaceport.access.authorization import CallerDep, caller_of, launch_code, resolve_caller
from spaceport.accounts import mails, passwords, resets, service
from spaceport.accounts.models import Account
from spaceport.accounts.schemas import (
    AccountCreate,
    AccountUpdate,
    ChangePassword,
    Impersonate,
    LaunchCode,
    Login,
    ResetPassword,
    ResetRequest,
    TokenCreate,
    Uniqueness,
    Verification,
)
from spaceport.config import Settings, SettingsDep
from spaceport.kit.answers import Count, Success, answer_model, many
from spaceport.kit.errors import Forbidden, Unauthorized, invalid
from spaceport.kit.json import ApiResponse
from spaceport.kit.openapi import LAUNCH_CODE
from spaceport.kit.ratelimit import KeyedLimits
from spaceport.kit.routing import Router
from spaceport.kit.transaction import Db, after_commit, read_phase, write_phase, writes
from spaceport.kit.wire import body_of

router = Router(prefix="/v1/accounts", tags=["accounts"])
AccountAnswer = answer_model(Account)


@router.post("", response_model=AccountAnswer)
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


@router.post("/login", response_model=LaunchCode)
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


@router.post("/impersonate", response_model=LaunchCode)
def impersonate(session: Db, caller: CallerDep, data: Impersonate = body_of(Impersonate)) -> Any:
    return ApiResponse(service.impersonate(session, caller, data.id, data.email, data.ttl))


@router.get("/authorized", response_model=AccountAnswer)
def authorized(caller: CallerDep) -> Any:
    return ApiResponse(service.account_answer(caller.account))


@router.get("/is-unique", response_model=Uniqueness)
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
    """COMPAT §3.4: always 204, so nobody learns which emails have accounts: the same one job
    is written for every email and the worker mails the code (`accounts.resets`); rate-limited
    like login."""
    attempts(request, settings).hit("reset", attempt_keys(request, data.email))
    await write_phase(request, background, partial(resets.request, email=data.email))
    return Response(status_code=204)


@router.post("/reset-password", status_code=204, openapi_extra=LAUNCH_CODE)
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


@router.post("/change-password", status_code=204, openapi_extra=LAUNCH_CODE)
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


@router.get("/confirm", response_model=Success)
@writes
def confirm_email(session: Db, uid: str = "", token: str = "") -> Any:
    """The link of a verification email, or of an email change (issue 16 point 4)."""
    service.confirm(session, uid, token)
    return ApiResponse({"success": True})


@router.get("/{account_id}", response_model=AccountAnswer)
def get_account(session: Db, caller: CallerDep, account_id: str) -> Any:
    return ApiResponse(service.account_answer(service.account_for(session, caller, account_id)))


@router.patch("/{account_id}", response_model=AccountAnswer)
@router.put("/{account_id}", response_model=AccountAnswer)
def update_account(
    session: Db,
    settings: SettingsDep,
    caller: CallerDep,
    account_id: str,
    data: AccountUpdate = body_of(AccountUpdate),
) -> Any:
    """A new email takes effect once the link sent to it is followed (issue 16 point 4)."""
    account, code = service.update_account(
        session, service.account_for(session, caller, account_id), data
    )
    if code is not None and account.pending_email is not None:
        send = partial(mails.send_email_change, settings, account.pending_email, account.id, code)
        after_commit(session, send)
    return ApiResponse(service.account_answer(account))


@router.get("/{account_id}/is-verified", response_model=Verification)
def is_verified(session: Db, caller: CallerDep, account_id: str) -> Any:
    account = service.account_for(session, caller, account_id)
    return ApiResponse({"isVerified": account.email_verified})


@router.get("/{account_id}/send-verification", response_model=Success)
@router.post("/{account_id}/send-verification", response_model=Success)
@writes
def send_verification(
    session: Db, settings: SettingsDep, caller: CallerDep, account_id: str
) -> Any:
    account = service.account_for(session, caller, account_id)
    if not account.email_verified:
        code, _ = service.issue_code(session, account, service.EMAIL_LINK_TTL, purpose="verify")
        after_commit(
            session, partial(mails.send_verification, settings, account.email, account.id, code)
        )
    return ApiResponse({"success": True})


@router.get("/{account_id}/accesstokens", response_model=many(LaunchCode))
def list_tokens(session: Db, caller: CallerDep, account_id: str) -> Any:
    account = service.account_for(session, caller, account_id)
    return ApiResponse([service.token_listing(t) for t in service.tokens_of(session, account)])


@router.post("/{account_id}/accesstokens", response_model=LaunchCode)
def create_token(
    session: Db, caller: CallerDep, account_id: str, data: TokenCreate = body_of(TokenCreate)
) -> Any:
    account = service.account_for(session, caller, account_id)
    code, token = service.issue_code(session, account, data.ttl, scopes=data.scopes)
    return ApiResponse(service.access_token_answer(code, token))


@router.delete("/{account_id}/accesstokens/{token_id}", response_model=Count)
def delete_token(session: Db, caller: CallerDep, account_id: str, token_id: str) -> Any:
    account = service.account_for(session, caller, account_id)
    count = service.delete_token(session, account, token_id)
    return ApiResponse({"count": count})
