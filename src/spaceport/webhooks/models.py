"""Webhooks (reference "Webhooks"; COMPAT §8.2) and the record of every delivery attempt."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from spaceport.kit.db import Base, Model, SoftDeleted, utcnow
from spaceport.kit.ids import new_id


class Webhook(Model, SoftDeleted):
    __tablename__ = "webhooks"
    __table_args__ = (Index("ix_webhooks_organization", "organization_id"),)

    organization_id: Mapped[str] = mapped_column(String(24), ForeignKey("organizations.id"))
    url: Mapped[str] = mapped_column(Text)
    events: Mapped[list[Any]] = mapped_column(default=list, info={"answer": list[str]})
    enabled: Mapped[bool] = mapped_column(default=True)
    # The signing secret, sealed at rest (kit/sealing.py); answered once, at create.
    secret: Mapped[str] = mapped_column(Text, info={"private": True, "sealed": True})


class WebhookDelivery(Base):
    """One attempt to deliver one event to one webhook, written after the HTTP call."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        Index("ix_webhook_deliveries_webhook_created", "webhook_id", "created_at"),
        Index("ix_webhook_deliveries_job", "job_id"),
    )

    id: Mapped[str] = mapped_column(String(24), primary_key=True, default=new_id)
    webhook_id: Mapped[str] = mapped_column(String(24), ForeignKey("webhooks.id"))
    organization_id: Mapped[str] = mapped_column(String(24))
    event_uid: Mapped[str] = mapped_column(String(36))
    # the job this attempt belongs to: its retries are timed from its first attempt
    job_id: Mapped[str | None] = mapped_column(String(64))
    attempt: Mapped[int]
    status_code: Mapped[int | None]
    duration_ms: Mapped[int]
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)  # when the attempt started
