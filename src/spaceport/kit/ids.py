"""Identifiers (COMPAT §1.7): 24 lowercase hex characters for top-level models, UUIDv4 for
embedded objects."""

from __future__ import annotations

import itertools
import os
import re
import time
import uuid
from collections.abc import Iterator

ID_PATTERN = re.compile(r"^[0-9a-f]{24}$")
_counter: Iterator[int]
_process_random: bytes


def _seed() -> None:
    """This process's random bytes and counter start. A forked child would otherwise inherit
    its parent's and make the very ids the parent makes in the same second."""
    global _counter, _process_random
    _counter = itertools.count(int.from_bytes(os.urandom(3), "big"))
    _process_random = os.urandom(5)


_seed()
os.register_at_fork(after_in_child=_seed)


def new_id() -> str:
    """An ObjectId-shaped id: 4 bytes of seconds, 5 random bytes per process, 3 bytes of counter.

    Ids created later sort after earlier ones, which keeps primary-key indexes append-only."""
    seconds = int(time.time()).to_bytes(4, "big")
    count = (next(_counter) & 0xFFFFFF).to_bytes(3, "big")
    return (seconds + _process_random + count).hex()


def new_uuid() -> str:
    return str(uuid.uuid4())


def is_id(value: str) -> bool:
    return bool(ID_PATTERN.match(value))
