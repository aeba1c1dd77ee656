"""Connections (FLOWS §F2): an organization's credentials to an outside service, declared as a
`Resource` (CRUD, count, the filter language, soft delete, `connection/create|update|delete`
events, FLOWS §F2.1), with the key sealed at rest and only its last four characters answered
(FLOWS §F2.3), a base URL refused at save when it is a literal loopback, private, link-local or
reserved address (FLOWS §F2.5), and the test call (FLOWS §F2.4)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from cryptography.fernet import InvalidToken
from sqlalchemy.orm import Session

from spaceport.config import Settings
from spaceport.connections import contextual
from spaceport.connections.errors import ConnectionTestFailed, TypeFixed
from spaceport.connections.models import Connection
from spaceport.connections.repository import ConnectionRepository
from spaceport.connections.schemas import ConnectionCreate, ConnectionUpdate
from spaceport.kit import sealing
from spaceport.kit.addresses import LOCAL_NAMES, AddressRefused, address_literal, host_of
from spaceport.kit.addresses import refuse_inside as refuse_inside_addresses
from spaceport.kit.errors import invalid
from spaceport.resources import Resource, Values

DEFAULT_BASE_URLS: Final = {"contextual": contextual.DEFAULT_BASE_URL}
DROPPED_WHEN_NULL: Final = frozenset({"name", "type", "api_key", "custom"})


def prepare(_session: Session, _organization_id: str, values: Values, found: Any) -> Values:
    values = {k: v for k, v in values.items() if v is not None or k not in DROPPED_WHEN_NULL}
    if found is not None and values.get("type", found.type) != found.type:
        raise TypeFixed()
    if found is None or "base_url" in values:
        kind = values.get("type") or found.type
        values["base_url"] = values.get("base_url") or DEFAULT_BASE_URLS[kind]
    return values


connections = Resource(
    Connection,
    "connection",
    "connections",
    ConnectionCreate,
    ConnectionUpdate,
    prepare=prepare,
    repository=ConnectionRepository,
)


def check_base_url(url: str, *, allow_private: bool) -> str:
    """An http(s) URL with a host; FLOWS §F2.5: a literal address (or a loopback name) that is
    not public is refused at save, a name is checked at every call on what it resolves to
    (no name is resolved here, inside the transaction)."""
    try:
        host = host_of(url)
        if not allow_private:
            literal = address_literal(host)
            if literal is not None or host in LOCAL_NAMES:
                refuse_inside_addresses(host, [literal] if literal is not None else [])
    except AddressRefused as exc:
        raise invalid("baseUrl", str(exc)) from exc
    return url.strip()


def sealed_key(values: Values, settings: Settings) -> Values:
    """FLOWS §F2.3: the key sealed, its last four characters kept to be answered."""
    if "api_key" not in values:
        return values
    key: str = values["api_key"]
    return {
        **values,
        "api_key": sealing.seal(key, settings.secret_key),
        "api_key_last4": key[-4:],
    }


def checked(values: Values, settings: Settings) -> Values:
    if values.get("base_url") is not None:
        allow = settings.webhook_allow_private
        values = {**values, "base_url": check_base_url(values["base_url"], allow_private=allow)}
    return sealed_key(values, settings)


def create(
    session: Session, settings: Settings, organization_id: str, values: Values
) -> Connection:
    return connections.create(session, organization_id, checked(values, settings))


def update(
    session: Session, settings: Settings, connection: Connection, values: Values
) -> Connection:
    return connections.update(session, connection, checked(values, settings))


def api_key_of(connection: Connection, settings: Settings) -> str:
    """The key in the clear, for a call (FLOWS §F2.3: never answered, logged or stored)."""
    try:
        return sealing.unseal(connection.api_key, settings.secret_key)
    except InvalidToken as exc:
        raise KeyUnreadable() from exc


class KeyUnreadable(Exception):
    def __str__(self) -> str:
        return "the connection's key can't be read: SPACEPORT_SECRET_KEY changed"


@dataclass(frozen=True)
class Opened:
    """A connection ready for a call, read in a transaction and used after it."""

    id: str
    type: str
    api_key: str
    base_url: str


def opened(connection: Connection, settings: Settings) -> Opened:
    return Opened(
        connection.id, connection.type, api_key_of(connection, settings), connection.base_url
    )


async def test(found: Opened, settings: Settings) -> None:
    """FLOWS §F2.4: the cheapest authenticated call; a refusal or no answer is a 422."""
    try:
        await contextual.test(
            found.api_key, found.base_url, allow_private=settings.webhook_allow_private
        )
    except contextual.ProviderError as exc:
        raise ConnectionTestFailed(exc.status_code, exc.message) from None
