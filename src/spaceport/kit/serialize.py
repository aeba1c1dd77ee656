"""Model instances as the API answers them: property names as the reference spells them."""

from __future__ import annotations

from functools import cache
from typing import Any

from pydantic.alias_generators import to_camel
from sqlalchemy import inspect
from sqlalchemy.orm import InstrumentedAttribute

from spaceport.kit.db import Base


def api_name(key: str, info: dict[str, Any]) -> str:
    """`organization_id` answers as `organizationId`; a column may spell its own (`IBAN`)."""
    name = info.get("api")
    return name if isinstance(name, str) else to_camel(key)


@cache
def api_columns(model: type[Base]) -> dict[str, InstrumentedAttribute[Any]]:
    """API property name → mapped attribute, for every public column of `model`."""
    columns: dict[str, InstrumentedAttribute[Any]] = {}
    for prop in inspect(model).column_attrs:
        column = prop.columns[0]
        if column.info.get("private"):
            continue
        columns[api_name(prop.key, column.info)] = getattr(model, prop.key)
    return columns


def to_api(instance: Base) -> dict[str, Any]:
    return {name: getattr(instance, attr.key) for name, attr in api_columns(type(instance)).items()}
