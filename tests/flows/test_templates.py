"""Flow templates (flows/templates.py): rendering every string of an input on the run's context,
a lone expression keeping its type, the sandbox and its limits, and the check at save
(FLOWS §F5.4, FLOWS §F5.6, FLOWS §F3.3)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from spaceport.flows.formats import Formats
from spaceport.flows.templates import (
    LOOP_LIMIT,
    OUTPUT_LIMIT,
    TemplateError,
    check,
    is_template,
    render,
)

CONTEXT: dict[str, Any] = {
    "trigger": {
        "type": "event",
        "data": {
            "name": "Ana",
            "totalWithTax": 1234.5,
            "paid": False,
            "tags": ["a", "b"],
            "_documentClient": {"name": "Acme", "email": "ana@example.com"},
            "lines": [{"price": 0.1}, {"price": 0.2}],
        },
    },
    "steps": {"client": {"id": "c1", "count": 3}},
    "organization": {"id": "o1", "name": "Shop"},
    "now": "2026-03-04T10:00:00.000Z",
}
BRUSSELS = Formats(currency="EUR", locale="sl", timezone="Europe/Brussels")


def rendered(value: Any) -> Any:
    return render(value, CONTEXT, BRUSSELS)


# -- FLOWS §F5.4: every string at any depth, a lone expression keeps its type ------------------
def test_every_string_inside_the_input_is_rendered_at_any_depth() -> None:
    value = {
        "name": "{{ trigger.data.name }} of {{ organization.name }}",
        "nested": {"list": ["{{ steps.client.id }}", {"deep": "id {{ steps.client.id }}"}]},
        "plain": "no template",
        "number": 5,
        "flag": True,
        "nothing": None,
    }
    assert rendered(value) == {
        "name": "Ana of Shop",
        "nested": {"list": ["c1", {"deep": "id c1"}]},
        "plain": "no template",
        "number": 5,
        "flag": True,
        "nothing": None,
    }


@pytest.mark.parametrize(
    ("source", "value"),
    [
        ("{{ trigger.data.totalWithTax }}", Decimal("1234.5")),
        ("{{trigger.data.paid}}", False),
        ("  {{ steps.client.count }}  ", 3),
        ("{{ trigger.data.tags }}", ["a", "b"]),
        ("{{ trigger.data._documentClient }}", {"name": "Acme", "email": "ana@example.com"}),
        ("{{ trigger.data.missing }}", None),
        ("{{ nothing.at.all }}", None),
        ("{{ trigger.data.name | upcase }}", "ANA"),
        ("{{- steps.client.count | plus: 1 -}}", 4),
    ],
)
def test_a_lone_expression_keeps_the_value_type(source: str, value: Any) -> None:
    result = rendered(source)
    assert result == value
    assert type(result) is type(value)


@pytest.mark.parametrize(
    ("source", "text"),
    [
        ("{{ steps.client.count }} clients", "3 clients"),
        ("{{ trigger.data.paid }}{{ trigger.data.paid }}", "falsefalse"),
        ("[{{ trigger.data.missing }}]", "[]"),
        ("{% if trigger.data.paid %}paid{% else %}open{% endif %}", "open"),
        ("{% for tag in trigger.data.tags %}{{ tag }};{% endfor %}", "a;b;"),
        ("{% assign n = trigger.data.name %}{{ n | append: '!' }}", "Ana!"),
    ],
)
def test_any_other_string_renders_to_a_string(source: str, text: str) -> None:
    assert rendered(source) == text


def test_numbers_are_exact_decimals() -> None:
    assert rendered("{{ 0.1 | plus: 0.2 }}") == Decimal("0.3")
    assert rendered("{{ 0.1 | plus: 0.2 }} EUR") == "0.3 EUR"
    lines = "{{ trigger.data.lines | map: 'price' | sum }}"
    assert rendered(lines) == Decimal("0.3")
    assert rendered("{{ trigger.data.totalWithTax | times: 3 }}") == Decimal("3703.5")


def test_a_context_of_floats_is_read_exactly_and_the_context_is_not_changed() -> None:
    context = {"trigger": {"data": {"amount": 0.1}}}
    assert render("{{ trigger.data.amount | plus: 0.2 }}", context) == Decimal("0.3")
    assert context == {"trigger": {"data": {"amount": 0.1}}}


def test_is_template_tells_template_syntax() -> None:
    assert is_template("{{ a }}") and is_template("{% if a %}x{% endif %}")
    assert not is_template("plain { text }")


# -- FLOWS §F5.6: sandboxed, with limits -------------------------------------------------------
@pytest.mark.parametrize("tag", ["include", "render"])
def test_templates_cannot_include_or_render_files(tag: str) -> None:
    with pytest.raises(TemplateError, match=f"unexpected tag '{tag}'"):
        rendered(f"{{% {tag} 'settings' %}}")


def test_objects_of_the_context_give_no_attributes() -> None:
    context = {"trigger": {"data": "text"}}
    assert render("{{ trigger.data.__class__ }}|{{ trigger.data.upper }}", context) == "|"


@pytest.mark.parametrize(
    "source",
    [
        f"{{% for i in (1..{LOOP_LIMIT + 1}) %}}{{% endfor %}}",
        "{% for i in (1..200) %}{% for j in (1..200) %}{% endfor %}{% endfor %}",
        # loops one after the other share the budget
        "{% for i in (1..6000) %}{% endfor %}{% for i in (1..6000) %}{% endfor %}",
        "{% assign r = (1..100000000) %}{{ r | join: ',' }}",
    ],
)
def test_looping_beyond_ten_thousand_iterations_fails_naming_the_limit(source: str) -> None:
    with pytest.raises(TemplateError) as raised:
        rendered(source)
    assert raised.value.message == "loop limit exceeded"


def test_ten_thousand_iterations_are_allowed() -> None:
    source = f"{{% for i in (1..{LOOP_LIMIT}) %}}{{% endfor %}}done"
    assert rendered(source) == "done"


@pytest.mark.parametrize(
    "source",
    [
        "{% for i in (1..5000) %}" + "x" * 20 + "{% endfor %}",
        "{% assign s = 'xxxxxxxxxx' %}{% for i in (1..30) %}{% assign s = s | append: s %}"
        "{% endfor %}",
        "{% capture s %}{% for i in (1..9000) %}xxxxxxxx{% endfor %}{% endcapture %}",
    ],
)
def test_output_beyond_64_kib_fails_naming_the_limit(source: str) -> None:
    with pytest.raises(TemplateError) as raised:
        rendered(source)
    assert raised.value.message == "output limit exceeded"


def test_64_kib_of_output_are_allowed() -> None:
    source = "{% for i in (1..8192) %}xxxxxxxx{% endfor %}"
    assert len(rendered(source)) == OUTPUT_LIMIT


def test_a_lone_expression_beyond_64_kib_fails_naming_the_limit() -> None:
    context = {"trigger": {"data": ["x" * 1000] * 70}}
    with pytest.raises(TemplateError, match="output limit exceeded"):
        render("{{ trigger.data }}", context)


def test_a_filter_error_fails_the_template_with_its_message() -> None:
    with pytest.raises(TemplateError, match="can't divide by 0"):
        rendered("{{ 1 | divided_by: 0 }}")
    with pytest.raises(TemplateError, match="unknown filter 'nope'"):
        rendered("{{ 1 | nope }}")


# -- FLOWS §F3.3: the check at save -------------------------------------------------------------
def test_the_check_finds_nothing_wrong_in_good_templates() -> None:
    value = {
        "name": "{{ trigger.data.name }} {{ organization.name }} {{ now | date: '%Y' }}",
        "list": ["{{ steps.client.id }}", 3, None, {"x": "plain"}],
        "local": "{% assign x = 1 %}{% for t in trigger.data.tags %}{{ t }}{{ x }}"
        "{{ forloop.index }}{% endfor %}",
        "dynamic": "{{ trigger.data[steps.client.id] }}",
    }
    assert check(value, ["client"], "steps[1].input") == {}


def test_the_check_names_every_bad_template_by_its_path() -> None:
    value = {
        "name": "{{ steps.later.id }}",
        "nested": {"list": ["ok", "{{ client.name }}", "{% if %}"]},
        "filter": "{{ trigger.data.name | shout }}",
        "tag": "{% include 'x' %}",
        "unclosed": "{{ trigger.data.name",
    }
    problems = check(value, ["client"], "steps[2].then[0].input")
    assert set(problems) == {
        "steps[2].then[0].input.name",
        "steps[2].then[0].input.nested.list[1]",
        "steps[2].then[0].input.nested.list[2]",
        "steps[2].then[0].input.filter",
        "steps[2].then[0].input.tag",
        "steps[2].then[0].input.unclosed",
    }
    assert "later" in problems["steps[2].then[0].input.name"]
    assert "client.name" in problems["steps[2].then[0].input.nested.list[1]"]
    assert "shout" in problems["steps[2].then[0].input.filter"]
    assert "include" in problems["steps[2].then[0].input.tag"]


def test_a_step_may_name_only_earlier_steps() -> None:
    assert check("{{ steps.client.id }}", [], "steps[0].input.id") != {}
    assert check("{{ steps.client.id }}", ["client"], "steps[1].input.id") == {}
