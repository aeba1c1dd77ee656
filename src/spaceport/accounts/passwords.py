"""Passwords: strength at sign-up, change and reset, and the memory-hard hash (COMPAT §3.3).

Issue 15 item 3: at least 8 characters and not among the 10,000 most common passwords
(`data/common-passwords.txt`: the first 10,000 of the `passwords` frequency list shipped by
the zxcvbn 4.5.0 package, MIT licence, `data/common-passwords.LICENSE`).

Issue 15 items 4 and 6: hashing and verifying run on a lane of their own — a small pool of
threads outside every transaction and outside the process's write turn — so a flood of
logins waits for the lane and never for the endpoint threads other organizations need; an
unknown email is verified against a fixed dummy hash, so it takes the time a known one does."""

from __future__ import annotations

import asyncio
import os
import secrets
import threading
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from importlib.resources import files
from typing import Annotated

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from pydantic import AfterValidator

MIN_LENGTH = 8
LANE_THREADS = 2  # argon2 already uses several cores per hash (parallelism 4)

LANE_NICENESS = 10  # a tenth of the CPU share of other threads when the cores are busy

hasher = PasswordHasher()


def _lowered() -> None:
    """Each lane thread runs at a low priority (Linux sets it per thread, and the threads
    argon2 starts for its lanes inherit it): a login flood then slows logins, never the small
    writes of other organizations that share the cores (issue 15 item 6)."""
    if hasattr(os, "setpriority"):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), LANE_NICENESS)


_lane = ThreadPoolExecutor(
    max_workers=LANE_THREADS, thread_name_prefix="passwords", initializer=_lowered
)


@cache
def common_passwords() -> frozenset[str]:
    text = files("spaceport.accounts").joinpath("data/common-passwords.txt").read_text("utf-8")
    return frozenset(line for line in text.splitlines() if line)


def strong(password: str) -> str:
    """A pydantic validator: the 422 then names the property (`password`, `newPassword`)."""
    if len(password) < MIN_LENGTH:
        raise ValueError(f"must have at least {MIN_LENGTH} characters")
    if password.lower() in common_passwords():
        raise ValueError("is one of the most common passwords; choose another")
    return password


StrongPassword = Annotated[str, AfterValidator(strong)]


@cache
def dummy_hash() -> str:
    """A fixed hash of a random password nobody knows, for emails without an account."""
    return hasher.hash(secrets.token_urlsafe(32))


def _verify(stored: str | None, password: str) -> bool:
    try:
        return hasher.verify(stored or dummy_hash(), password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


async def hash_password(password: str) -> str:
    return await asyncio.get_running_loop().run_in_executor(_lane, hasher.hash, password)


async def verify_password(stored: str | None, password: str) -> bool:
    """`stored` None (no such account) verifies against the dummy hash and answers False."""
    return await asyncio.get_running_loop().run_in_executor(_lane, _verify, stored, password)


def warm_up() -> None:
    """Load the list and make the dummy hash before the first request needs them."""
    common_passwords()
    dummy_hash()
