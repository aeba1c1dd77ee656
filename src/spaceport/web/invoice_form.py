"""The New invoice form (WEB §W4.3; WEB §W8 `…/documents/new`) as it is shown and typed:
Client, Date today and Due date Date + Default `invoice_dueDays` in the organization's
timezone, lines of Item name, Quantity, Unit, Price (net) and Tax, and the Totals the server
computes from them as they are typed, with the documents' own assembly and calculation
(COMPAT §6.8). Saving it is `new_invoice.py`.

Add line and Remove line post the form to `…/new/lines`, which shows it again with what was
typed (htmx swaps the form's body in place); htmx posts it to `…/new/totals` on every keyup or
change. Both only read: they take no write turn."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Final

from fastapi import Request, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from spaceport.documents import assembly, content
from spaceport.documents import defaults as document_defaults
from spaceport.documents.models import Document
from spaceport.documents.schemas import DocumentItemIn
from spaceport.kit import bounds
from spaceport.kit.errors import ValidationFailed
from spaceport.kit.routing import Router
from spaceport.kit.transaction import Db, reads
from spaceport.kit.wire import validate
from spaceport.organizations import calendar
from spaceport.organizations.models import Organization
from spaceport.web.document import document_taxes
from spaceport.web.forms import NOT_A_NUMBER, REQUIRED, decimal_of
from spaceport.web.guard import FormDep, WritingPlaceDep
from spaceport.web.pages import PageRoute, page_of, render
from spaceport.web.repository import CatalogRepository
from spaceport.web.taxes import TaxOption, preselected, tax_options

router = Router(route_class=PageRoute, include_in_schema=False)
NEW: Final = "/app/o/{organization_id}/documents/new"
LINE_FIELDS: Final = ("name", "quantity", "unit", "price", "tax")
LINE_FIELD = re.compile(r"line-(\d{1,4})-(name|quantity|unit|price|tax)")
REMOVE = re.compile(r"remove-(\d{1,4})")
SUGGESTED_CLIENTS: Final = 500  # names in the Client field's datalist; any saved name picks
CHOOSE = "Choose one of the options."


@dataclass
class Typed:
    """What the form holds, as typed (trimmed); each line by its fields' names."""

    client: str
    date: str
    due: str
    lines: list[dict[str, str]]

    def values(self) -> dict[str, str]:
        """By the form's field names (`line-0-price`), for `form_fields.html`."""
        found = {"client": self.client, "date": self.date, "dateDue": self.due}
        for index, line in enumerate(self.lines):
            found.update({f"line-{index}-{name}": value for name, value in line.items()})
        return found


def typed_of(form: FormData) -> Typed:
    """The form's fields; a line's missing field is empty, other names are ignored."""

    def text(name: str) -> str:
        value = form.get(name)
        return value.strip() if isinstance(value, str) else ""

    found: dict[int, dict[str, str]] = {}
    for key, value in form.multi_items():
        match = LINE_FIELD.fullmatch(key)
        if match and isinstance(value, str):
            found.setdefault(int(match[1]), {})[match[2]] = value.strip()
    lines = [{name: found[i].get(name, "") for name in LINE_FIELDS} for i in sorted(found)]
    return Typed(text("client"), text("date"), text("dateDue"), lines)


def day_of(text: str) -> date | None:
    """A typed date (`2025-03-01`) the API takes (years 1900 to 2999), else None."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None
    return day if bounds.date_in_range(day) else None


def due_after(day: date, days: int) -> str:
    """WEB §W4.3: Date + `invoice_dueDays` (a date past year 9999 is none)."""
    try:
        return (day + timedelta(days=days)).isoformat()
    except OverflowError:
        return ""


def offered(session: Session, organization: Organization, typed: Typed) -> list[TaxOption]:
    """The taxes in force on the typed Date (today when it is none)."""
    on = day_of(typed.date) or calendar.today(organization)
    return tax_options(session, organization.id, on, organization.locale)


def blank_line(options: list[TaxOption]) -> dict[str, str]:
    """WEB §W4.3: Quantity 1, the standard tax chosen."""
    return {"name": "", "quantity": "1", "unit": "", "price": "", "tax": preselected(options)}


# -- a line's fields ------------------------------------------------------------------------------


def item_of(
    line: dict[str, str], taxes: set[str], t: Any
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """A line as `_documentItems` takes it, and the problems of its fields. An empty Quantity
    or Price is left out, as the API then defaults it (1, none)."""
    item: dict[str, Any] = {"name": line["name"]}
    problems: dict[str, list[str]] = {}
    if not line["name"]:
        problems["name"] = [t(REQUIRED)]
    for name in ("quantity", "price"):
        if line[name]:
            number = decimal_of(line[name])  # WEB §W1.4: a decimal dot or comma
            if number is None:
                problems[name] = [t(NOT_A_NUMBER)]
            else:
                item[name] = str(number)
    if line["unit"]:
        item["unit"] = line["unit"]
    if line["tax"] and line["tax"] not in taxes:
        problems["tax"] = [t(CHOOSE)]
    item["_documentItemTaxes"] = [{"taxId": line["tax"]}] if line["tax"] else []
    return item, problems


# -- totals (COMPAT §6.8) ------------------------------------------------------------------------


@dataclass(frozen=True)
class Totals:
    total: Decimal
    taxes: list[tuple[str, Decimal]]  # "<tax> <rate> %" and its amount (WEB §W1.4)
    total_with_tax: Decimal
    currency: str


def totals_of(session: Session, organization: Organization, typed: Typed) -> Totals:
    """The totals a create would give the typed lines: each line built and the document
    totaled by the documents' own code (`assembly.build_line`, `content.recompute`), on the
    typed Date (today when it is none), with the organization's `tax_rounding`. A line whose
    numbers the API would refuse is left out until they are right; one not yet named is
    totaled (a name takes no part in the totals)."""
    on = day_of(typed.date) or calendar.today(organization)
    context = assembly.LineContext(session, organization.id, None, on, False)
    lines = []
    for line in typed.lines:
        item, problems = item_of({**line, "name": line["name"] or "-"}, {line["tax"]}, str)
        if problems:
            continue
        try:
            bounds.check(item)
            lines.append(assembly.build_line(context, validate(DocumentItemIn, item)))
        except ValidationFailed:  # beyond the API's bounds, or a tax with no rate on the Date
            continue
    settings = document_defaults.read(session, organization.id)
    document = Document(decimal_places=4)  # as `service.build` makes one without decimalPlaces
    content.recompute(document, lines, settings)
    taxes = document_taxes(document, lines, organization.locale)
    return Totals(document.total, taxes, document.total_with_tax, settings.currency_id)


# -- pages ----------------------------------------------------------------------------------------


def form_page(
    request: Request,
    session: Session,
    organization: Organization,
    typed: Typed,
    errors: dict[str, list[str]],
    status: int = 200,
    focused: str = "",
) -> Response:
    options = offered(session, organization, typed)
    if not typed.lines:
        typed.lines.append(blank_line(options))
    values = typed.values()
    return render(
        request,
        "invoice_new.html",
        status=status,
        url=f"{page_of(request).base}/documents/new",
        values=values,
        errors=errors,
        known=list(values),
        focused=focused or next((name for name in values if name in errors), ""),
        lines=typed.lines,
        taxes=[("", "No tax"), *((option.tax_id, option.label) for option in options)],
        clients=CatalogRepository(session).client_names(organization.id, SUGGESTED_CLIENTS),
        totals=totals_of(session, organization, typed),
    )


@router.get(NEW)
def new_invoice(request: Request, session: Db, place: WritingPlaceDep) -> Response:
    """WEB §W4.3: Date today, Due date Date + `invoice_dueDays`, one line."""
    organization = place.organization
    today = calendar.today(organization)
    days = document_defaults.read(session, organization.id).invoice_due_days
    typed = Typed("", today.isoformat(), due_after(today, days), [])
    return form_page(request, session, organization, typed, {})


@router.post(f"{NEW}/lines")
@reads
def redraw(request: Request, session: Db, place: WritingPlaceDep, form: FormDep) -> Response:
    """Add line, Remove line (`remove-<index>`), a new Date (its Due date, which htmx takes
    from the answer), or Enter in a field: the form again with what was typed, nothing saved."""
    organization, typed = place.organization, typed_of(form)
    action = str(form.get("action") or "")
    focused = ""
    if action == "add":
        typed.lines.append(blank_line(offered(session, organization, typed)))
        focused = f"line-{len(typed.lines) - 1}-name"
    elif removed := REMOVE.fullmatch(action):
        index = int(removed[1])
        if index < len(typed.lines):
            del typed.lines[index]
        focused = f"line-{max(0, min(index, len(typed.lines) - 1))}-name"
    elif action == "date" and (day := day_of(typed.date)) is not None:
        days = document_defaults.read(session, organization.id).invoice_due_days
        typed.due = due_after(day, days)
    return form_page(request, session, organization, typed, {}, focused=focused)


@router.post(f"{NEW}/totals")
@reads
def totals(request: Request, session: Db, place: WritingPlaceDep, form: FormDep) -> Response:
    """The Totals of the lines typed (htmx swaps them in)."""
    found = totals_of(session, place.organization, typed_of(form))
    return render(request, "invoice_totals.html", totals=found)
