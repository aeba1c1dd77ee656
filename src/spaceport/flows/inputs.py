"""An action's input against its JSON Schema (FLOWS §F6.1): at save, where a string holding
template syntax passes any type (it is rendered later), and after rendering, strictly.

The schemas are the actions' own (`flows.catalog`), written in the part of JSON Schema they
need: `type` (one or a list), `properties`, `required`, `additionalProperties`, `items`,
`enum`, `minLength`, `minimum`, `maximum`. Messages are keyed by the value's path."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

Messages = dict[str, list[str]]
JSON_TYPES = {
    "string": (str,),
    "number": (int, float, Decimal),
    "integer": (int,),
    "boolean": (bool,),
    "object": (Mapping,),
    "array": (list,),
}


def templated(value: Any) -> bool:
    return isinstance(value, str) and ("{{" in value or "{%" in value)


def check(schema: Mapping[str, Any], value: Any, path: str, *, at_save: bool) -> Messages:
    messages: Messages = {}
    _check(schema, value, path, at_save, messages)
    return messages


def _add(messages: Messages, path: str, message: str) -> None:
    messages.setdefault(path, []).append(message)


def _is_type(value: Any, name: str) -> bool:
    if name == "null":
        return value is None
    if isinstance(value, bool) and name != "boolean":
        return False
    if name == "integer" and isinstance(value, Decimal):
        return value == value.to_integral_value()
    if name == "integer" and isinstance(value, float):
        return value.is_integer()
    return isinstance(value, JSON_TYPES[name])


def _check(schema: Mapping[str, Any], value: Any, path: str, at_save: bool, out: Messages) -> None:
    if at_save and templated(value):
        return  # FLOWS §F6.1: rendered later, checked then
    wanted = schema.get("type")
    if wanted is not None:
        names = [wanted] if isinstance(wanted, str) else list(wanted)
        if not any(_is_type(value, name) for name in names):
            _add(out, path, f"must be of type {' or '.join(names)}")
            return
    if "enum" in schema and value not in schema["enum"]:
        _add(out, path, f"must be one of {', '.join(map(str, schema['enum']))}")
    if isinstance(value, str) and len(value) < schema.get("minLength", 0):
        _add(out, path, "can't be blank")
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            _add(out, path, f"must be at least {schema['minimum']}")
        if "maximum" in schema and value > schema["maximum"]:
            _add(out, path, f"must be at most {schema['maximum']}")
    if isinstance(value, Mapping):
        _check_object(schema, value, path, at_save, out)
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            _check(schema["items"], item, f"{path}[{i}]", at_save, out)


def _check_object(
    schema: Mapping[str, Any], value: Mapping[str, Any], path: str, at_save: bool, out: Messages
) -> None:
    properties: Mapping[str, Any] = schema.get("properties", {})
    for name in schema.get("required", ()):
        if value.get(name) is None:
            _add(out, f"{path}.{name}", "is required")
    extra = schema.get("additionalProperties", True)
    for name, item in value.items():
        if name in properties:
            if item is not None:  # null is an absent value (required ones are flagged above)
                _check(properties[name], item, f"{path}.{name}", at_save, out)
        elif extra is False:
            _add(out, f"{path}.{name}", "is not a known property")
        elif isinstance(extra, Mapping):
            _check(extra, item, f"{path}.{name}", at_save, out)


# -- schemas of request models -------------------------------------------------------------
def json_type(annotation: Any) -> dict[str, Any]:
    """The JSON Schema of a pydantic field's annotation, as far as this module checks it."""
    from datetime import date, datetime
    from types import NoneType, UnionType
    from typing import Annotated, Literal, Union, get_args, get_origin

    origin = get_origin(annotation)
    if origin is Annotated:
        return json_type(get_args(annotation)[0])
    if origin in (Union, UnionType):
        options = [json_type(a) for a in get_args(annotation) if a is not NoneType]
        return options[0] if len(options) == 1 else {}
    if origin is Literal:
        return {"type": "string", "enum": list(get_args(annotation))}
    if origin in (list, tuple) or annotation in (list, tuple):
        return {"type": "array"}
    if origin in (dict, Mapping) or annotation is dict:
        return {"type": "object"}
    simple: dict[Any, str] = {str: "string", bool: "boolean", int: "integer", Decimal: "number"}
    if annotation in simple:
        return {"type": simple[annotation]}
    if annotation in (date, datetime):
        return {"type": "string"}
    if isinstance(annotation, type) and hasattr(annotation, "model_fields"):
        return {"type": "object"}
    return {}


def schema_of(
    model: Any, *, required: tuple[str, ...] = (), extra: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """A closed object schema of a request model's properties (by their API names)."""
    properties: dict[str, Any] = dict(extra or {})
    for name, field in model.model_fields.items():
        properties[field.alias or name] = json_type(field.annotation)
    return {
        "type": "object",
        "properties": properties,
        "required": list(required),
        "additionalProperties": False,
    }
