"""Liquid templates of flows: rendering a step's input on the run's context, and the check a
save makes (FLOWS §F5.4 to FLOWS §F5.6, FLOWS §F3.3).

- `render(value, context, formats)`: every string inside `value`, at any depth, is a template
  (python-liquid); other values pass unchanged. A string that is exactly one `{{ expr }}`
  (spaces around allowed, inside the braces and outside) keeps the value's type: number,
  boolean, null, object, list. Any other string renders to a string. A missing variable
  renders empty, and a lone one is `null` (FLOWS §F5.4). Numbers are exact decimals: floats
  of the context are read as `Decimal` by their shortest spelling, and the math filters are
  `Decimal`'s (`flows.formats`).
- Sandboxed (FLOWS §F5.6): the context holds only data (mappings, lists, strings, numbers);
  Liquid reads items of mappings and lists, never attributes of objects; no `include` or
  `render` tag (an unknown tag fails the parse). Each template may loop at most 10,000 times
  in all (every loop's iterations counted, nested or not) and write at most 64 KiB; beyond,
  `TemplateError("loop limit exceeded")` or `TemplateError("output limit exceeded")`.
- `check(value, earlier, path)`: at save, every template of `value` must parse and name only
  the context's roots (`trigger`, `steps`, `organization`, `now`) and `steps.<key>` of a step
  in `earlier`; the problems keyed by the offending value's path (`steps[1].input.name`,
  FLOWS §F3.3)."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from decimal import Decimal
from functools import lru_cache
from typing import Any, Final

from liquid import BoundTemplate, Environment, RenderContext
from liquid.builtin.output import OutputNode
from liquid.exceptions import (
    LiquidError,
    LiquidSyntaxError,
    LocalNamespaceLimitError,
    LoopIterationLimitError,
    OutputStreamLimitError,
    UnknownFilterError,
)

from spaceport.flows import formats
from spaceport.flows.formats import Formats, LoopLimit
from spaceport.kit import json

LOOP_LIMIT: Final = 10_000
OUTPUT_LIMIT: Final = 64 * 1024
ROOTS: Final = frozenset({"trigger", "steps", "organization", "now"})
FORBIDDEN_TAGS: Final = ("include", "render")
LONE: Final = re.compile(r"\A\s*\{\{-?(?:(?!\{\{|\}\}|\{%).)*-?\}\}\s*\Z", re.DOTALL)
SYNTAX: Final = ("{{", "{%")


class TemplateError(Exception):
    """A template that cannot render: its step fails at once, with this message."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class _Context(RenderContext):
    """Counts every loop's iterations against one budget per template (FLOWS §F5.6); Liquid's
    own limit counts only the loops nested in each other."""

    iterations = 0

    def raise_for_loop_limit(self, length: int = 1) -> None:
        self.iterations += length
        if self.iterations > LOOP_LIMIT:
            raise LoopIterationLimitError("loop limit exceeded", token=None)
        super().raise_for_loop_limit(length)


class _Template(BoundTemplate):
    context_class = _Context


class _Environment(Environment):
    template_class = _Template
    loop_iteration_limit = LOOP_LIMIT
    output_stream_limit = OUTPUT_LIMIT
    # what `assign` and `capture` may hold, so output cannot grow unseen in variables
    local_namespace_limit = 4 * OUTPUT_LIMIT

    def setup_tags_and_filters(self, *, extra: bool = False) -> None:
        super().setup_tags_and_filters(extra=extra)
        for tag in FORBIDDEN_TAGS:
            del self.tags[tag]
        self.filters.update(formats.FILTERS)
        for name, function in list(self.filters.items()):
            self.filters[name] = formats.bounded(function, LOOP_LIMIT)


ENVIRONMENT: Final = _Environment()


def is_template(text: str) -> bool:
    """Whether a string has template syntax (FLOWS §F6.1: such a string passes any type at
    save; its value is checked after rendering)."""
    return any(mark in text for mark in SYNTAX)


@lru_cache(maxsize=2048)
def parse(source: str) -> BoundTemplate:
    """The parsed template; raises `TemplateError` naming what does not parse."""
    try:
        return ENVIRONMENT.from_string(source)
    except LiquidError as exc:
        raise TemplateError(described(exc)) from exc


def described(error: LiquidError) -> str:
    if isinstance(error, LoopIterationLimitError | LoopLimit):
        return "loop limit exceeded"
    if isinstance(error, OutputStreamLimitError | LocalNamespaceLimitError):
        return "output limit exceeded"
    message = str(error.message)
    where = error.context()
    if where is not None and isinstance(error, LiquidSyntaxError | UnknownFilterError):
        return f"{message} (line {where[0]}, column {where[1] + 1})"
    return message


# -- rendering (FLOWS §F5.4) ------------------------------------------------------------------
def render(value: Any, context: Mapping[str, Any], fmt: Formats | None = None) -> Any:
    """`value` with every string inside it rendered on `context`."""
    data = decimals(context)
    with formats.using(fmt or Formats()):
        return _render(value, data)


def render_string(source: str, context: Mapping[str, Any], fmt: Formats | None = None) -> Any:
    return render(source, context, fmt)


def _render(value: Any, data: Mapping[str, Any]) -> Any:
    if isinstance(value, str):
        return _render_text(value, data) if is_template(value) else value
    if isinstance(value, Mapping):
        return {key: _render(item, data) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_render(item, data) for item in value]
    return value


def _render_text(source: str, data: Mapping[str, Any]) -> Any:
    template = parse(source)
    try:
        if LONE.match(source) and _lone_output(template):
            return _value(template, data)
        return template.render(data)
    except LiquidError as exc:
        raise TemplateError(described(exc)) from exc
    except (ArithmeticError, ValueError, TypeError) as exc:  # a filter's Python error
        raise TemplateError(str(exc)) from exc


def _lone_output(template: BoundTemplate) -> OutputNode | None:
    nodes = [node for node in template.nodes if not _blank(node)]
    if len(nodes) == 1 and isinstance(nodes[0], OutputNode):
        return nodes[0]
    return None


def _blank(node: Any) -> bool:
    return not isinstance(node, OutputNode) and str(node).strip() == ""


def _value(template: BoundTemplate, data: Mapping[str, Any]) -> Any:
    """The lone expression's value, its type kept."""
    node = _lone_output(template)
    assert node is not None
    context = template.context_class(template, globals=template.make_globals(dict(data)))
    result = node.expression.evaluate(context)
    if isinstance(result, range) and len(result) > LOOP_LIMIT:
        raise TemplateError("loop limit exceeded")
    answer = formats.plain(result)
    if len(json.dumps(answer)) > OUTPUT_LIMIT:
        raise TemplateError("output limit exceeded")
    return answer


def decimals(value: Any) -> Any:
    """The context with its floats as exact decimals (FLOWS §F5.4: 0.1 plus 0.2 is 0.3)."""
    if isinstance(value, float):
        return formats.number(value)
    if isinstance(value, Mapping):
        return {key: decimals(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [decimals(item) for item in value]
    return value


# -- the check at save (FLOWS §F3.3) ----------------------------------------------------------
def check(value: Any, earlier: Collection[str], path: str) -> dict[str, str]:
    """Every template inside `value` (at `path`) that does not parse or names what the context
    lacks, by the path of its string: `{"steps[2].input.name": "..."}`."""
    problems: dict[str, str] = {}
    if isinstance(value, str):
        problem = check_template(value, earlier) if is_template(value) else None
        if problem is not None:
            problems[path] = problem
    elif isinstance(value, Mapping):
        for key, item in value.items():
            problems.update(check(item, earlier, f"{path}.{key}" if path else str(key)))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            problems.update(check(item, earlier, f"{path}[{index}]"))
    return problems


def check_template(source: str, earlier: Collection[str]) -> str | None:
    """What is wrong with one template, or None."""
    try:
        template = parse(source)
    except TemplateError as exc:
        return exc.message
    unknown = [name for name in template.filter_names() if name not in ENVIRONMENT.filters]
    if unknown:
        return f"unknown filter '{unknown[0]}'"
    for segments in template.global_variable_segments():
        root = segments[0] if segments else None
        if root not in ROOTS:
            roots = ", ".join(sorted(ROOTS))
            return f"'{_spelled(segments)}' is not in the context (its roots are {roots})"
        if root == "steps" and len(segments) > 1 and isinstance(segments[1], str):
            if segments[1] not in earlier:
                return f"'{_spelled(segments)}' names no earlier step '{segments[1]}'"
    return None


def _spelled(segments: list[Any]) -> str:
    text = ""
    for segment in segments:
        if isinstance(segment, list):
            text += f"[{_spelled(segment)}]"
        elif isinstance(segment, int | Decimal):
            text += f"[{segment}]"
        else:
            text += f".{segment}" if text else str(segment)
    return text
