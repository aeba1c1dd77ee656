"""What the API answers, as types for the OpenAPI document (COMPAT §1.13).

Answers are written by hand (`kit.serialize.to_api`, a domain's own `answer`), so FastAPI never
sees them; these types describe them to generators and to schemathesis. They are never used to
validate or serialize an answer: a route returns its `ApiResponse` as before and declares
`response_model=` one of these for the document alone.

- `answer_model(Model, **properties)`: every public column of the table, by its API name, typed
  from the column (nullable columns admit null); `properties` adds what the answer has beyond
  the columns (embedded objects, relations `filter[include]` adds) or types a JSON column's
  content. Only `id` is required: `filter[fields]` may leave any other out (COMPAT §4.4). A
  JSON column may state its content's type where it is declared, `info={"answer": T}`
  (`_furs`, `_recurrenceDates`): `column_type` answers T as it is (nullable if T says so).
- `Number`: money and quantities are JSON numbers (COMPAT §1.6), not strings.
- `Count`, `Success`: the answers of counts and deletes, and of actions (COMPAT §1.8)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Annotated, Any, get_args, get_origin, get_type_hints

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema, create_model
from sqlalchemy import JSON, Boolean, Date, Integer, String, inspect
from sqlalchemy.orm import Mapped

from spaceport.kit.db import Base, Money, UTCDateTime
from spaceport.kit.serialize import api_name

Number = Annotated[Decimal, WithJsonSchema({"type": "number"})]
"""Money or a quantity as answered: a JSON number (COMPAT §1.6)."""


def _only_id_required(schema: dict[str, Any]) -> None:
    """COMPAT §4.4: `fields` keeps `id` and may drop every other property."""
    required = [name for name in schema.get("required", ()) if name == "id"]
    if required:
        schema["required"] = required
    else:
        schema.pop("required", None)


class Answer(BaseModel):
    """The base of answer types: properties beyond the declared ones may appear (`custom` keys
    of older answers, a domain's additions), and only `id` is required."""

    model_config = ConfigDict(extra="allow", json_schema_extra=_only_id_required)


def _none_required(schema: dict[str, Any]) -> None:
    schema.pop("required", None)


class Embedded(BaseModel):
    """The base of embedded objects' types (`_documentClient`): what the caller gave is kept,
    so any property may be missing, and others may appear."""

    model_config = ConfigDict(extra="allow", json_schema_extra=_none_required)


class Count(BaseModel):
    """`{"count": n}`: counts, and deletes (COMPAT §1.8)."""

    count: int


class Success(BaseModel):
    """`{"success": true}`: action endpoints (COMPAT §1.8)."""

    success: bool


def _json_type(model: type[Base], key: str) -> Any:
    """A JSON column's Python type from its `Mapped[...]` annotation (dict, list or any)."""
    try:
        hints = get_type_hints(model)
    except (NameError, TypeError):  # pragma: no cover - every model's hints resolve
        return Any
    hint = hints.get(key)
    if get_origin(hint) is Mapped:
        (inner,) = get_args(hint)
        base = get_origin(inner) or inner
        if base is dict:
            return dict[str, Any]
        if base is list:
            return list[Any]
    return Any


def column_type(model: type[Base], key: str) -> Any:
    """The answered type of the column behind attribute `key`."""
    column = inspect(model).column_attrs[key].columns[0]
    if "answer" in column.info:  # a JSON column's content, typed where the column is declared
        return column.info["answer"]
    kind = column.type
    answered: Any
    if isinstance(kind, Money):
        answered = Number
    elif isinstance(kind, UTCDateTime):
        answered = datetime
    elif isinstance(kind, Boolean):
        answered = bool
    elif isinstance(kind, Integer):
        answered = int
    elif isinstance(kind, Date):
        answered = date
    elif isinstance(kind, String):
        answered = str
    elif isinstance(kind, JSON) or isinstance(getattr(kind, "impl", None), JSON):
        answered = _json_type(model, key)
    else:  # pragma: no cover - a column type this does not know yet
        raise TypeError(f"{model.__name__}.{key}: no answer type for {kind!r}")
    if column.nullable and answered is not Any:
        return answered | None
    return answered


@cache
def answer_model(
    model: type[Base], name: str | None = None, /, **properties: Any
) -> type[BaseModel]:
    """`model` as the API answers it (see the module's docstring); one type for the same
    arguments, wherever it is asked for."""
    fields: dict[str, Any] = {}
    for prop in inspect(model).column_attrs:
        column = prop.columns[0]
        if column.info.get("private"):
            continue
        api = api_name(prop.key, column.info)
        fields[api] = (column_type(model, prop.key), Field(alias=api))
    for api, annotation in properties.items():
        fields[api] = (annotation, Field(alias=api))
    return create_model(name or model.__name__, __base__=Answer, **_safe_names(fields))


def _safe_names(fields: Mapping[str, Any]) -> dict[str, Any]:
    """Pydantic field names may not start with an underscore (`_isDeleted`): the API name is the
    alias, the field is named without it."""
    return {api.lstrip("_") + ("_" if api.startswith("_") else ""): v for api, v in fields.items()}


def many(answer: Any) -> Any:
    """A list of `answer`, for `response_model=`."""
    return list[answer]
