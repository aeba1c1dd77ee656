"""Fiscal tables: an organization's FURS certificate (FISCAL §S4), its business premises
(FISCAL §S5) and their electronic devices (FISCAL §S6)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from spaceport.kit.db import Base, Model, SoftDeleted

LIVE = text("is_deleted = false")


class FursCertificate(Model):
    """FISCAL §S4.4: one per organization (the last upload wins); the PKCS#12 file (base64)
    and its passphrase sealed under `SPACEPORT_SECRET_KEY`, never answered."""

    __tablename__ = "furs_certificates"

    organization_id: Mapped[str] = mapped_column(
        String(24), ForeignKey("organizations.id"), unique=True
    )
    sealed_file: Mapped[str] = mapped_column(Text, info={"sealed": True, "private": True})
    sealed_passphrase: Mapped[str] = mapped_column(Text, info={"sealed": True, "private": True})
    subject: Mapped[str] = mapped_column(Text)
    issuer: Mapped[str] = mapped_column(Text)
    serial: Mapped[str] = mapped_column(String(64))
    valid_from: Mapped[datetime]
    valid_to: Mapped[datetime]


class BusinessPremise(Model, SoftDeleted):
    """FISCAL §S5.2, FISCAL §S5.3."""

    __tablename__ = "business_premises"
    __table_args__ = (
        Index("ix_business_premises_organization", "organization_id"),
        # FISCAL §S5.2: unique among the organization's live premises
        Index(
            "uq_business_premises_live_label",
            "organization_id",
            "business_premise_id",
            unique=True,
            sqlite_where=LIVE,
            postgresql_where=LIVE,
        ),
    )

    organization_id: Mapped[str] = mapped_column(String(24), ForeignKey("organizations.id"))
    business_premise_id: Mapped[str] = mapped_column(String(20))
    type: Mapped[str] = mapped_column(String(16))
    cadastral_number: Mapped[int | None] = mapped_column(BigInteger)
    building_number: Mapped[int | None] = mapped_column(BigInteger)
    building_section_number: Mapped[int | None] = mapped_column(BigInteger)
    street: Mapped[str | None]
    house_number: Mapped[str | None]
    house_number_additional: Mapped[str | None]
    community: Mapped[str | None]
    city: Mapped[str | None]
    postal_code: Mapped[str | None] = mapped_column(String(4))
    premise_type: Mapped[str | None] = mapped_column(String(1))
    validity_date: Mapped[date]
    # FISCAL §S5.3: FURS's last acceptance and where (`furs_env`); null if never
    registered_at: Mapped[datetime | None]
    env: Mapped[str | None] = mapped_column(String(16))


class ElectronicDevice(Model, SoftDeleted):
    """FISCAL §S6: a premise's device, never sent to FURS."""

    __tablename__ = "electronic_devices"
    __table_args__ = (
        Index("ix_electronic_devices_premise", "premise_id"),
        Index(
            "uq_electronic_devices_live_label",
            "premise_id",
            "electronic_device_id",
            unique=True,
            sqlite_where=LIVE,
            postgresql_where=LIVE,
        ),
    )

    organization_id: Mapped[str] = mapped_column(String(24), ForeignKey("organizations.id"))
    premise_id: Mapped[str] = mapped_column(String(24), ForeignKey("business_premises.id"))
    electronic_device_id: Mapped[str] = mapped_column(String(20))


class FiscalCounter(Base):
    """FISCAL §S9: one gapless sequence per organization, premise, device (strategy B; "" for
    C) and year of issue, advanced with UPDATE ... RETURNING in the creating transaction."""

    __tablename__ = "fiscal_counters"

    organization_id: Mapped[str] = mapped_column(String(24), primary_key=True)
    premise: Mapped[str] = mapped_column(String(20), primary_key=True)
    device: Mapped[str] = mapped_column(String(20), primary_key=True, default="")
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)


class FiscalRecord(Model):
    """FISCAL §S12: a fiscalized document's verification: the `Invoice` element sent (and
    repeated on resubmission), its ZOI and how FURS answered."""

    __tablename__ = "fiscal_records"
    __table_args__ = (Index("ix_fiscal_records_status", "status"),)

    organization_id: Mapped[str] = mapped_column(String(24), ForeignKey("organizations.id"))
    document_id: Mapped[str] = mapped_column(String(24), ForeignKey("documents.id"), unique=True)
    env: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))  # pending | verified | failed
    invoice: Mapped[str] = mapped_column(Text)  # the encoded `Invoice` element (FISCAL §S10)
    zoi: Mapped[str] = mapped_column(String(32))
    tax_number: Mapped[int] = mapped_column(BigInteger)  # the issuer's, for the printed code
    issued_at: Mapped[datetime]
    operator_name: Mapped[str] = mapped_column(Text)  # FISCAL §S15.1
    eor: Mapped[str | None] = mapped_column(String(64))
    message_id: Mapped[str | None] = mapped_column(String(64))
    sends: Mapped[int] = mapped_column(Integer, default=0)
    last_sent_at: Mapped[datetime | None]
    verified_at: Mapped[datetime | None]
    error_code: Mapped[str | None] = mapped_column(String(64))
    error_message: Mapped[str | None] = mapped_column(Text)
