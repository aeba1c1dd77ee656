"""What a run shows of a step (FLOWS §F7.2): JSON values, cut at 64 KiB, secrets redacted
(FLOWS §F6.3)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Final

from spaceport.kit.json import dumps

LIMIT: Final = 64 * 1024
REDACTED: Final = "[redacted]"
SECRET_HEADERS: Final = frozenset({"authorization", "proxy-authorization", "cookie"})
SECRET_WORDS: Final = re.compile(r"key|token|secret", re.IGNORECASE)


def plain(value: Any) -> Any:
    """`value` as JSON reads it back (dates as ISO text, numbers exact)."""
    return json.loads(dumps(value), parse_float=Decimal)


def cut(value: Any) -> Any:
    """`value`, or the first 64 KiB of its JSON text when it is longer (FLOWS §F7.2)."""
    text = dumps(value)
    if len(text) <= LIMIT:
        return value
    return {"truncated": True, "json": text[:LIMIT].decode("utf-8", "ignore")}


def secret_header(name: str) -> bool:
    return name.lower() in SECRET_HEADERS or SECRET_WORDS.search(name) is not None


def redact_headers(headers: Any) -> Any:
    """FLOWS §F6.3: `Authorization`, `Proxy-Authorization`, `Cookie` and any header named
    with `key`, `token` or `secret` shown as "[redacted]"."""
    if not isinstance(headers, Mapping):
        return headers
    return {k: REDACTED if secret_header(str(k)) else v for k, v in headers.items()}
