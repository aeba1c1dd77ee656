"""What item search matches (COMPAT §1.11): `search_text` is the name, description and SKU,
casefolded and joined by U+001F, and `name_key` the name casefolded, kept with every change
(items.models), matched with LIKE and ranked by the name (kit.search.by_name)."""

from __future__ import annotations

SEPARATOR = "\x1f"  # joins the parts of `search_text`; never inside a part or a term


def folded(text: str | None) -> str:
    """Casefolded in Python, so matching ignores case beyond ASCII on both engines alike."""
    return (text or "").replace(SEPARATOR, " ").casefold()


def search_text(name: str | None, description: str | None, sku: str | None) -> str:
    return SEPARATOR.join(folded(part) for part in (name, description, sku))
