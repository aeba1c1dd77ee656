"""Webhook secrets at rest and the signature they make (COMPAT §8.2).

The secret signs every delivery, so it must be readable by the worker: it is stored sealed
under the server's secret key (kit/sealing.py: Fernet, older keys still open it until
`spaceport secrets rotate`), never hashed."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from spaceport.kit import sealing


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def seal(secret: str, secret_key: str) -> str:
    return sealing.seal(secret, secret_key)


def unseal(sealed: str, secret_key: str) -> str:
    """The plain secret; raises `cryptography.fernet.InvalidToken` under other keys."""
    return sealing.unseal(sealed, secret_key)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """`t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">` (COMPAT §8.2)."""
    signed = str(timestamp).encode() + b"." + body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"
