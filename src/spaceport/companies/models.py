"""The company directory table. Its rows come from public business registers (see
`importer`); nothing in the API writes them."""

from __future__ import annotations

import unicodedata

from sqlalchemy import Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from spaceport.kit.db import Base
from spaceport.kit.ids import new_id

# Prefix search compares `search_name` with a range (`>= term AND < term + U+10FFFF`). SQLite
# compares text byte by byte; PostgreSQL must do the same ("C" collation) for its btree index
# to serve the range and the ORDER BY in code-point order, as SQLite's does.
SearchText = String().with_variant(String(collation="C"), "postgresql")

# Letters NFKD does not decompose into a base letter and a mark.
_FOLDED = str.maketrans({"đ": "d", "ø": "o", "ł": "l", "æ": "ae", "œ": "oe", "þ": "th", "ı": "i"})


def search_key(text: str) -> str:
    """What search compares: case folded, accents removed (NFKD without combining marks),
    whitespace collapsed. "KRKA, d.d." → "krka, d.d."; "Čebelarstvo Žužek" → "cebelarstvo zuzek"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_FOLDED))
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.split())


class Company(Base):
    """One entity of a public register. Not organization-scoped: every caller reads the same
    directory. A register entry is identified by (country, registration number), so a
    re-import updates the row instead of adding another."""

    __tablename__ = "companies"
    __table_args__ = (
        UniqueConstraint(
            "country_code", "company_number", name="uq_companies_country_code_company_number"
        ),
        Index("ix_companies_search_name", "search_name", "id"),
        Index("ix_companies_country_code_search_name", "country_code", "search_name", "id"),
        Index("ix_companies_company_number", "company_number"),
        Index("ix_companies_tax_number", "tax_number"),
    )

    id: Mapped[str] = mapped_column(String(24), primary_key=True, default=new_id)
    name: Mapped[str]
    address: Mapped[str] = mapped_column(default="")
    address2: Mapped[str] = mapped_column(default="")
    city: Mapped[str] = mapped_column(default="")
    zip: Mapped[str] = mapped_column(default="")
    country: Mapped[str] = mapped_column(default="")  # English name, as the catalog spells it
    country_code: Mapped[str] = mapped_column(String(2), info={"api": "countryAlpha2Code"})
    tax_number: Mapped[str] = mapped_column(default="")
    tax_subject: Mapped[bool] = mapped_column(default=False)
    company_number: Mapped[str]
    search_name: Mapped[str] = mapped_column(SearchText, info={"private": True})
