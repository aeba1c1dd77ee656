"""Request bodies of business premises (FISCAL §S5.2) and electronic devices (FISCAL §S6)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from spaceport.kit.schemas import ApiDate, ApiModel, Custom

LABEL = r"^[A-Za-z0-9]{1,20}$"  # FISCAL §S5.2, FISCAL §S6: 1–20 letters or digits
Label = Annotated[str, Field(pattern=LABEL)]
Positive = Annotated[int, Field(gt=0)]
Text = Annotated[str, Field(min_length=1, max_length=200)]
PostalCode = Annotated[str, Field(pattern=r"^[0-9]{4}$")]


class PremiseFields(ApiModel):
    cadastral_number: Positive | None = None
    building_number: Positive | None = None
    building_section_number: Positive | None = None
    street: Text | None = None
    house_number: Text | None = None
    house_number_additional: Text | None = None
    community: Text | None = None
    city: Text | None = None
    postal_code: PostalCode | None = None
    premise_type: Literal["A", "B", "C"] | None = None
    validity_date: ApiDate | None = None


class PremiseCreate(PremiseFields):
    business_premise_id: Label
    type: Literal["realestate", "movable"]
    custom: Custom


class PremiseUpdate(PremiseFields):
    # FISCAL §S5.6: fixed; given, they must not change (checked by the service)
    business_premise_id: str | None = None
    type: str | None = None
    custom: dict[str, Any] | None = None


class DeviceCreate(ApiModel):
    electronic_device_id: Label
    custom: Custom


class DeviceUpdate(ApiModel):
    custom: dict[str, Any] | None = None
