"""The portable regular expression (COMPAT §4.1): `like` and `regexp` patterns limited to the
syntax Python's `re` (SQLite's REGEXP, registered by SQLAlchemy) and PostgreSQL read alike —
anchors, `.`, quantifiers, classes, groups, alternation, `\\d \\w \\s`. Anything else is a 400
naming the part. `.` matches newlines and `$` means the very end on both engines."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, NoReturn

from spaceport.kit.filters.coercion import sql_text
from spaceport.kit.filters.parsing import bad

_REGEX_SPECIAL = frozenset(".^$*+?{}[]\\|()")
_ESCAPES = frozenset("dDwWsSAZntrfv")  # meaning the same to Python's re and PostgreSQL
_CLASS_ESCAPES = frozenset("dwsntrfv")
_REPEAT = re.compile(r"\{([0-9]+)(?:,([0-9]*))?\}")
_MAX_COPIES = 10_000
_JS_LITERAL = re.compile(r"/(.*)/([a-z]*)", re.DOTALL)


def pattern(op: str, arg: Any, options: Any, part: str) -> str:
    """The portable regular expression of `like`, `nlike`, `ilike`, `nilike` or `regexp`."""
    if not isinstance(arg, str | int | Decimal) or isinstance(arg, bool):
        raise bad(f"`{part}` needs a pattern")
    sql_text(str(arg), part)
    ignore_case = _ignore_case(options, part) or op in ("ilike", "nilike")
    if op == "regexp":
        return _regexp_pattern(str(arg), ignore_case, part)
    return _like_pattern(str(arg), ignore_case, part)


def _regexp_pattern(text: str, ignore_case: bool, part: str) -> str:
    """`regexp`: `"^2018"` or a JS literal `"/^2018/i"` (COMPAT §4.1)."""
    literal = _JS_LITERAL.fullmatch(text)
    if literal:
        text = literal.group(1)
        ignore_case = _ignore_case(literal.group(2), part) or ignore_case
    return _flags(ignore_case) + _portable_regex(text, part)


def _like_pattern(text: str, ignore_case: bool, part: str) -> str:
    """`like`: SQL LIKE when the pattern has `%` or `_`, else a regular expression ("2018.*")."""
    if "%" not in text and "_" not in text:
        return _flags(ignore_case) + _portable_regex(text, part)
    pieces, escaped = ["^"], False
    for char in text:
        if escaped or char not in "%_\\":
            pieces.append("\\" + char if char in _REGEX_SPECIAL else char)
            escaped = False
        elif char == "\\":
            escaped = True
        else:
            pieces.append(".*" if char == "%" else ".")
    if escaped:
        pieces.append("\\\\")
    return _flags(ignore_case) + "".join(pieces) + "\\Z"


def _ignore_case(options: Any, part: str) -> bool:
    if options is None or options == "":
        return False
    if not isinstance(options, str) or set(options) - {"i", "g"}:
        raise bad(f"`{part}`: `options` may only be `i`")
    return "i" in options


def _flags(ignore_case: bool) -> str:
    # `s`: `.` matches newlines, PostgreSQL's default and an opt-in for Python's re
    return "(?si)" if ignore_case else "(?s)"


def _portable_regex(text: str, part: str) -> str:
    """`text` checked against the syntax both engines read alike; `$` becomes `\\Z`, the very
    end of the value on both (Python's `$` also matches before a final newline)."""
    if len(text) > 1000:
        raise bad(f"`{part}` pattern is too long")
    portable = _RegexScanner(text, part).rewrite()  # first: it rejects what re would warn about
    try:
        re.compile(text)
    except re.error as exc:
        raise bad(f"`{part}` is not a valid regular expression ({exc})") from exc
    return portable


class _RegexScanner:
    """One pass over a pattern: rejects what the engines read differently, rewrites `$`, and
    bounds the copies that nested `{m,n}` expand to (PostgreSQL refuses a "too complex" one)."""

    def __init__(self, text: str, part: str) -> None:
        self.text = text
        self.part = part
        self.out: list[str] = []
        self.pos = 0
        self.after_quantifier = False
        self.groups: list[int] = []  # per open group: the most copies of one atom inside
        self.copies = 1  # copies of the atom just read

    def rewrite(self) -> str:
        while self.pos < len(self.text):
            char = self.text[self.pos]
            quantifier = char in "*+?{"
            if char == "+" and self.after_quantifier:
                self._reject("possessive quantifiers")
            if char == "\\":
                self._escape(_ESCAPES)
            elif char == "[":
                self._char_class()
            elif char == "{":
                self._repeat()
            elif char == "(":
                self._open_group()
            elif char == ")":
                self._emit(")", 1)
                self._atom(self.groups.pop() if self.groups else 1)
            else:
                self._emit("\\Z" if char == "$" else char, 1)
                if not quantifier:
                    self._atom(1)
            self.after_quantifier = quantifier
        return "".join(self.out)

    def _emit(self, piece: str, length: int) -> None:
        self.out.append(piece)
        self.pos += length

    def _atom(self, copies: int) -> None:
        self.copies = copies
        if self.groups:
            self.groups[-1] = max(self.groups[-1], copies)

    def _reject(self, what: str) -> NoReturn:
        raise bad(f"`{self.part}`: {what} are not supported in regular expressions")

    def _invalid(self, why: str) -> NoReturn:
        raise bad(f"`{self.part}` is not a valid regular expression ({why})")

    def _escape(self, allowed: frozenset[str]) -> None:
        escaped = self.text[self.pos + 1 : self.pos + 2]
        if not escaped:
            self._invalid("it ends with a lone backslash")
        if escaped.isalnum() and escaped not in allowed:
            self._reject(f"escapes like `\\{escaped}`")
        self._emit(self.text[self.pos : self.pos + 2], 2)
        self._atom(1)

    def _char_class(self) -> None:
        start = self.pos
        self.pos += 1
        self.pos += self.text.startswith("^", self.pos)
        self.pos += self.text.startswith("]", self.pos)  # a leading `]` is a literal
        self.out.append(self.text[start : self.pos])
        while self.text[self.pos : self.pos + 1] != "]":
            if self.pos >= len(self.text):
                self._invalid("a character class is not closed")
            if self.text[self.pos] == "\\":
                self._escape(_CLASS_ESCAPES)
            elif self.text[self.pos] == "[":  # PostgreSQL reads `[:`, `[.`, `[=` inside a class
                self._reject("`[` inside a character class")
            else:
                self._emit(self.text[self.pos], 1)
        self._emit("]", 1)
        self._atom(1)

    def _repeat(self) -> None:
        match = _REPEAT.match(self.text, self.pos)
        if match is None:  # Python reads a stray `{` as a literal, PostgreSQL may not
            self._reject("`{` outside a repetition like `{2,3}`")
        bounds = [int(bound) for bound in match.groups() if bound]
        if max(bounds) > 255:
            self._reject("repetitions above 255")
        self._atom(self.copies * max(bounds))
        if self.copies > _MAX_COPIES:
            self._reject(f"nested repetitions beyond {_MAX_COPIES} copies")
        self._emit(match.group(0), len(match.group(0)))

    def _open_group(self) -> None:
        opening = "(?:" if self.text.startswith("(?:", self.pos) else "("
        if opening == "(" and self.text.startswith("(?", self.pos):
            self._reject("group extensions other than `(?:`")
        self._emit(opening, len(opening))
        self.groups.append(1)
