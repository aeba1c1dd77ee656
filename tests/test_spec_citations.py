"""Every numbered rule of the compatibility decisions is cited by a test (issue "Architecture":
a rule no test names is a rule nobody checks), and every citation names a rule that exists.

Citations are written in full, `COMPAT §6.8`, so that this can find them. A rule that has no
test yet is listed in `NOT_YET_TESTED` with what is missing; the list must shrink, never hide:
once a rule is cited it must leave the list."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT.parent / "shared" / "spec" / "COMPATIBILITY.md"
CITATION = re.compile(r"COMPAT(?:IBILITY)? §(\d+\.\d+(?:\.\d+)?)")
RULE = re.compile(r"^(\d+\.\d+(?:\.\d+)?) ", re.MULTILINE)
BARE = re.compile(r"(?<!COMPAT )(?<!COMPATIBILITY )§\d")

NOT_YET_TESTED: set[str] = set()

needs_spec = pytest.mark.skipif(not SPEC.exists(), reason=f"the specification is not at {SPEC}")


def numbered_rules() -> set[str]:
    return set(RULE.findall(SPEC.read_text(encoding="utf-8")))


def cited_in(folder: str) -> set[str]:
    return {
        rule
        for path in (ROOT / folder).rglob("*.py")
        if path != Path(__file__).resolve()
        for rule in CITATION.findall(path.read_text(encoding="utf-8"))
    }


@needs_spec
def test_every_numbered_rule_is_cited_by_a_test() -> None:
    uncited = numbered_rules() - cited_in("tests")
    assert uncited == NOT_YET_TESTED


@needs_spec
def test_every_citation_names_a_rule_of_the_specification() -> None:
    unknown = (cited_in("src") | cited_in("tests") | cited_in("bench")) - numbered_rules()
    assert unknown == set()


def test_citations_are_written_in_full() -> None:
    """The chapter's name before every section sign, also after another citation."""
    bare = [
        f"{path.relative_to(ROOT)}:{number}"
        for folder in ("src", "tests", "bench")
        for path in (ROOT / folder).rglob("*.py")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if BARE.search(line)
    ]
    assert bare == []
