"""Webhook secrets at rest and the signature they make (COMPAT §8.2).

The secret signs every delivery, so it must be readable by the worker: it is stored encrypted
(Fernet, key derived from `Settings.secret_key`), never hashed. Changing `secret_key` makes
the stored secrets unreadable; their deliveries then fail with a clear error."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from functools import lru_cache

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


def new_secret() -> str:
    return secrets.token_urlsafe(32)


@lru_cache(maxsize=8)
def _fernet(secret_key: str) -> Fernet:
    key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"spaceport webhook secrets"
    ).derive(secret_key.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def seal(secret: str, secret_key: str) -> str:
    return _fernet(secret_key).encrypt(secret.encode()).decode()


def unseal(sealed: str, secret_key: str) -> str:
    """The plain secret; raises `cryptography.fernet.InvalidToken` under another key."""
    return _fernet(secret_key).decrypt(sealed.encode()).decode()


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """`t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">` (COMPAT §8.2)."""
    signed = str(timestamp).encode() + b"." + body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"
