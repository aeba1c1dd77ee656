"""Secrets at rest under the server's secret key (secrets encrypted at rest, never answered).

`SPACEPORT_SECRET_KEY` is the current key, optionally followed by older keys, comma-separated:
everything is sealed under the current key (Fernet, key derived with HKDF) and opened with any
of them (MultiFernet), so a key can be replaced without losing what it sealed; `rotate_all`
(`spaceport secrets rotate`) then re-seals every column marked `info={"sealed": True}` under
the current key, after which the older keys can be dropped.

The current key has at least 32 bytes and is not the old public default `change-me`. Without
one, an embedded SQLite database gets a random key generated on first start and stored beside
the database file (`<database>.key`, mode 0600); any other database refuses to start."""

from __future__ import annotations

import base64
import logging
import os
import secrets
import tempfile
from functools import lru_cache
from pathlib import Path

from cryptography.fernet import Fernet, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import select, update
from sqlalchemy.engine import make_url
from sqlalchemy.orm import DeclarativeBase

from spaceport.kit.db import Database

log = logging.getLogger("spaceport")

MIN_KEY_BYTES = 32
PUBLIC_KEYS = frozenset({"change-me"})
# The HKDF label of the first sealed secrets (webhooks); kept so they stay readable.
LABEL = b"spaceport webhook secrets"
BATCH = 500


class SecretKeyError(Exception):
    """The server's secret key is missing or too weak: the server does not start."""


def keys_of(setting: str) -> list[str]:
    return [key.strip() for key in setting.split(",") if key.strip()]


def check_current(key: str) -> None:
    if key in PUBLIC_KEYS or len(key.encode()) < MIN_KEY_BYTES:
        raise SecretKeyError(
            f"SPACEPORT_SECRET_KEY must be a secret of at least {MIN_KEY_BYTES} bytes, not a "
            "public default; make one with: "
            "python3 -c 'import secrets; print(secrets.token_urlsafe(32))'"
        )


def key_file(database_url: str) -> Path | None:
    """Where an embedded SQLite database keeps its generated key; None for other engines."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(f"{url.database}.key")


def secret_key_setting(setting: str, database_url: str) -> str:
    """The checked `SPACEPORT_SECRET_KEY`, or the generated key of a SQLite database."""
    keys = keys_of(setting)
    if keys:
        check_current(keys[0])
        return ",".join(keys)
    path = key_file(database_url)
    if path is None:
        raise SecretKeyError(
            "SPACEPORT_SECRET_KEY is not set. Spaceport generates one only for an embedded "
            "SQLite database; with this database, set it to a secret of at least "
            f"{MIN_KEY_BYTES} bytes (python3 -c 'import secrets; print(secrets.token_urlsafe(32))')"
        )
    return stored_key(path)


def stored_key(path: Path) -> str:
    """The key in `path`, generated once: written to a private temporary file, then linked
    into place, so processes starting together all read the same complete key."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".spaceport-key-")
        try:
            os.fchmod(descriptor, 0o600)
            os.write(descriptor, (secrets.token_urlsafe(48) + "\n").encode())
            os.close(descriptor)
            os.link(temporary, path)
            log.warning(
                "SPACEPORT_SECRET_KEY is not set: generated a secret key in %s (mode 0600). "
                "Keep it with the database: what it sealed is unreadable without it.",
                path,
            )
        except FileExistsError:
            pass  # another process made it first
        finally:
            os.unlink(temporary)
    key = path.read_text().strip()
    check_current(key)
    return key


@lru_cache(maxsize=16)
def _fernet(key: str) -> Fernet:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=LABEL).derive(key.encode())
    return Fernet(base64.urlsafe_b64encode(derived))


@lru_cache(maxsize=8)
def sealer(setting: str) -> MultiFernet:
    return MultiFernet([_fernet(key) for key in keys_of(setting)])


def seal(plain: str, setting: str) -> str:
    return sealer(setting).encrypt(plain.encode()).decode()


def unseal(sealed: str, setting: str) -> str:
    """The plain secret; raises `cryptography.fernet.InvalidToken` if no key opens it."""
    return sealer(setting).decrypt(sealed.encode()).decode()


def rotate_all(database: Database, base: type[DeclarativeBase], setting: str) -> int:
    """Re-seal every sealed column value under the current key; how many were re-sealed."""
    rotated = 0
    fernet = sealer(setting)
    for table in base.metadata.sorted_tables:
        for column in (c for c in table.columns if c.info.get("sealed")):
            (key,) = table.primary_key.columns
            last = None
            while True:
                with database.transaction() as session:
                    query = select(key, column).where(column.is_not(None)).order_by(key)
                    rows = session.execute(
                        (query if last is None else query.where(key > last)).limit(BATCH)
                    ).all()
                    for row_id, sealed in rows:
                        fresh = fernet.rotate(sealed.encode()).decode()
                        session.execute(update(table).where(key == row_id).values({column: fresh}))
                    rotated += len(rows)
                if len(rows) < BATCH:
                    break
                last = rows[-1][0]
    return rotated
