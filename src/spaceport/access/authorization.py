"""The one authorization dependency (DESIGN): it resolves the launch code, then the
organization behind the path (directly or through the resource), then the role.

COMPAT §2.2: no or invalid launch code → 401; an id that exists nowhere → 404; no active access
to the organization that owns it → 401; a role that forbids the action, or a deactivated
organization → 403. COMPAT §3.6: readonly may only read; only admin manages access.
Issue 15 item 1: a launch code scoped `read` may only read (GET, HEAD), whatever its role."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, BackgroundTasks, Depends, Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from spaceport.access.errors import AdminOnly, OrganizationDeactivated, ReadonlyAccess
from spaceport.access.models import Access
from spaceport.access.repository import AccessRepository
from spaceport.accounts.models import READ_SCOPE, AccessToken, Account
from spaceport.accounts.repository import AccountRepository
from spaceport.kit.crud import AUTHORIZES
from spaceport.kit.db import Model, utcnow
from spaceport.kit.errors import Forbidden, NotFound, Unauthorized
from spaceport.kit.transaction import READ_METHODS, Db, read_phase, transaction, write_phase
from spaceport.kit.wire import RELATION_ORGANIZATION
from spaceport.organizations.models import Organization
from spaceport.organizations.repository import OrganizationRepository

T = TypeVar("T")


def code_hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def launch_code(request: Request) -> str | None:
    """COMPAT §3.1: `Authorization: <code>`, `Authorization: Bearer <code>` or `?access_token=`."""
    header = request.headers.get("authorization", "").strip()
    if header.lower().startswith("bearer "):
        header = header[7:].strip()
    return header or request.query_params.get("access_token") or None


def valid(token: AccessToken | None, purpose: str) -> bool:
    if token is None or token.purpose != purpose:
        return False
    if token.ttl < 0:
        return True
    try:
        return token.created + timedelta(seconds=token.ttl) > utcnow()
    except OverflowError:  # stored before lifetimes were bounded (1 s to 10 years, or -1)
        return True


def token_for(session: Session, code: str, purpose: str = "login") -> AccessToken | None:
    token = AccountRepository(session).token(code_hash(code))
    return token if valid(token, purpose) else None


@dataclass(frozen=True)
class Caller:
    account: Account
    token: AccessToken

    @property
    def root_id(self) -> str:
        return self.account.root_id or self.account.id

    def governs(self, account: Account) -> bool:
        """The caller itself, or a root account over its children (COMPAT §3.3)."""
        return account.id == self.account.id or (
            self.account.root_id is None and account.root_id == self.account.id
        )


def token_and_account(request: Request, session: Session) -> tuple[AccessToken, Account] | None:
    code = launch_code(request)
    return AccountRepository(session).token_with_account(code_hash(code)) if code else None


def read_caller(request: Request, session: Session) -> None:
    """An opening read of the request's transaction (`kit.transaction`): the launch code's token
    and account, read in the thread that opens it, for `current_caller` to judge in the loop."""
    request.state.caller_read = (session, token_and_account(request, session))


def caller_read(request: Request, session: Session) -> bool:
    read = getattr(request.state, "caller_read", None)
    return read is not None and read[0] is session


def resolve_caller(request: Request, session: Session) -> Caller | None:
    """The caller behind the launch code; None when there is none, or it matches nothing
    (`Authorization: null`, an expired or deleted code): COMPAT §1.12, anonymous as in LoopBack."""
    if caller_read(request, session):
        found = request.state.caller_read[1]
    else:
        found = token_and_account(request, session)
    if found is None or not valid(found[0], "login"):
        return None
    if not scope_permits(found[0], request.method):
        raise Forbidden("This launch code is scoped to reading only")
    return Caller(found[1], found[0])


SCOPED_READ_METHODS = frozenset({"GET", "HEAD"})


def scope_permits(token: AccessToken, method: str) -> bool:
    """Issue 15 item 1: no scopes is every right of the account; `read` alone is GET and HEAD."""
    scopes = set(token.scopes or ())
    if not scopes or scopes - {READ_SCOPE}:
        return True
    return method in SCOPED_READ_METHODS


def caller_of(session: Session, request: Request) -> Caller:
    """The caller, or 401 (for endpoints that run their own transactions)."""
    caller = resolve_caller(request, session)
    if caller is None:
        raise Unauthorized()
    return caller


async def current_caller(request: Request, session: Db) -> Caller:
    """Async, so that no thread is taken for it: the transaction has read the launch code's
    account as it opened (`read_caller`), and what is left reads nothing."""
    if caller_read(request, session):
        return caller_of(session, request)
    return await run_in_threadpool(caller_of, session, request)


async def optional_caller(request: Request, session: Db) -> Caller | None:
    """Routes open to everyone (sign up): an anonymous caller is welcome (COMPAT §1.12)."""
    if caller_read(request, session):
        return resolve_caller(request, session)
    return await run_in_threadpool(resolve_caller, request, session)


CallerDep = Annotated[Caller, Depends(current_caller)]
OptionalCallerDep = Annotated[Caller | None, Depends(optional_caller)]


def _calls(dependant: Dependant) -> set[Any]:
    """Every dependency in the tree of `dependant`."""
    found: set[Any] = set()
    for sub in dependant.dependencies:
        found |= {sub.call} | _calls(sub)
    return found


def needs_caller(route: APIRoute) -> bool:
    """The route answers 401 without a launch code (for the OpenAPI document's security)."""
    return current_caller in _calls(route.dependant) or getattr(route.endpoint, AUTHORIZES, False)


def authenticate_first(routers: Iterable[APIRouter]) -> None:
    """Every route that resolves the caller does so before anything else (its body, its
    upload): a code without the right gets its 401 or 403 (scopes: `read` only GETs), not a 422
    about a body it may not send. Idempotent: the first dependency is then the caller."""
    callers = (current_caller, optional_caller)
    for router in routers:
        for route in router.routes:
            if not isinstance(route, APIRoute) or any(
                d.dependency in callers for d in route.dependencies
            ):
                continue
            calls = _calls(route.dependant)
            caller = current_caller if current_caller in calls else optional_caller
            if caller in calls:
                route.dependencies.insert(_first_transactional(route), Depends(caller))


def _first_transactional(route: APIRoute) -> int:
    """Where the caller goes among the route's own dependencies: before the first that opens
    the request's transaction, so that work meant to run before it (the companies sample,
    loaded in its own transaction) still does."""
    own = route.dependant.dependencies[: len(route.dependencies)]
    return next(
        (i for i, sub in enumerate(own) if transaction in {sub.call} | _calls(sub)), len(own)
    )


@dataclass(frozen=True)
class Scope:
    """What an organization-scoped endpoint acts within."""

    caller: Caller
    organization: Organization
    access: Access
    instance: Any = None  # the resource named by the path, for routes by resource id

    @property
    def organization_id(self) -> str:
        return self.organization.id


def active_access(session: Session, account_id: str, organization_id: str) -> Access | None:
    return AccessRepository(session).active(account_id, organization_id)


def authorize(
    session: Session,
    caller: Caller,
    organization_id: str,
    method: str,
    *,
    admin_only: bool = False,
    while_inactive: bool = False,
) -> tuple[Organization, Access]:
    organization, access = OrganizationRepository(session).with_access_of(
        organization_id, caller.account.id
    )
    if organization is None:
        raise NotFound(f"Unknown organization id {organization_id!r}")
    return judged(
        organization, access, method, admin_only=admin_only, while_inactive=while_inactive
    )


def judged(
    organization: Organization,
    access: Access | None,
    method: str,
    *,
    admin_only: bool = False,
    while_inactive: bool = False,
) -> tuple[Organization, Access]:
    """`authorize`'s judgement of an access already read (the module's docstring)."""
    if access is None:
        raise Unauthorized()
    reading = method in READ_METHODS
    if not organization.active and not (reading or while_inactive):
        raise OrganizationDeactivated()
    if admin_only and access.role != "admin":
        raise AdminOnly()
    if not reading and access.role == "readonly":
        raise ReadonlyAccess()
    return organization, access


def organization_scope(
    via: type[Model] | None = None,
    *,
    param: str = "id",
    admin_only: bool = False,
    while_inactive: bool = False,
) -> Any:
    """A dependency giving the `Scope` of the path parameter `param`: an organization id, or,
    with `via`, the id of a `via` resource whose `organization_id` names the organization."""

    def dependency(request: Request, session: Db, caller: CallerDep) -> Scope:
        return scope_of(
            request,
            session,
            caller,
            via,
            param=param,
            admin_only=admin_only,
            while_inactive=while_inactive,
        )

    return Depends(dependency)


def scope_of(
    request: Request,
    session: Session,
    caller: Caller,
    via: type[Model] | None,
    *,
    param: str = "id",
    admin_only: bool = False,
    while_inactive: bool = False,
) -> Scope:
    """The `Scope` that `organization_scope` gives (its docstring)."""
    resource_id = request.path_params[param]
    if via is None:
        organization, access = authorize(
            session,
            caller,
            resource_id,
            request.method,
            admin_only=admin_only,
            while_inactive=while_inactive,
        )
        return Scope(caller, organization, access)
    # A deleted one too: each route answers it with `live` (COMPAT §5.1). Read with its
    # organization and the caller's access, in one query (issue 13).
    found = OrganizationRepository(session).via_with_access(via, resource_id, caller.account.id)
    relation = request.scope.get(RELATION_ORGANIZATION)
    if found is None or relation not in (None, found[1].id):
        raise NotFound(f"Unknown {via.__name__.lower()} id {resource_id!r}")
    instance, organization, read_access = found
    organization, access = judged(
        organization,
        read_access,
        request.method,
        admin_only=admin_only,
        while_inactive=while_inactive,
    )
    return Scope(caller, organization, access, instance)


def _scoped(
    request: Request, via: type[Model] | None, work: Callable[[Session, Scope], T]
) -> Callable[[Session], T]:
    """`work` given the caller (401 first, COMPAT §2.2) and the scope of
    `organization_scope(via)`, all read in the session it runs in."""

    def scoped(session: Session) -> T:
        return work(session, scope_of(request, session, caller_of(session, request), via))

    return scoped


async def scoped_read(
    request: Request, via: type[Model] | None, work: Callable[[Session, Scope], T]
) -> T:
    """`kit.crud.ScopedRead`: the caller, the scope and `work` in one reading transaction in one
    thread of the read lane."""
    return await read_phase(request, _scoped(request, via, work))


async def scoped_prepare(
    request: Request, via: type[Model] | None, work: Callable[[Session, Scope], T]
) -> T:
    """`scoped_read` for a route that computes its write before it (a document's create):
    outside the read lane, since building a large document takes long (issue 15 item 6)."""
    return await read_phase(request, _scoped(request, via, work), lane=False)


async def scoped_write(
    request: Request,
    background: BackgroundTasks,
    via: type[Model] | None,
    work: Callable[[Session, Scope], T],
) -> T:
    """`kit.crud.ScopedWrite`: the caller, the scope and `work` in one writing transaction, in
    the write turn, in one thread (issue 13: a hop between the event loop and a thread per
    dependency cost more than the queries)."""
    return await write_phase(request, background, _scoped(request, via, work))
