"""Recurrences: planned dates, create/replace/update, and the generation of due iterations.

Iteration k (1-based) is due on `dateFirst` + (k - 1) periods: a week is 7 days; months and
years are always counted from `dateFirst` and clamped to the month's last day (31 Jan → 29 Feb
→ 31 Mar; 29 Feb → 28 Feb in common years). The plan (`_recurrenceDates`) is computed when the
recurrence is created or changed; iterations already generated keep their entry.

Generation runs in the worker (`recurrence.tick`, see tasks.py): every due iteration (planned
date ≤ today in the organization's zone, no `documentId` yet) of a live recurrence is created in
a transaction of its own that locks the recurrence's row, and the copy carries
`uniqueId = "recurrence:<id>:<iteration>"` (unique per organization, COMPAT §6.11): each
iteration is created exactly once, also with several workers, and missed ones are caught up."""

from __future__ import annotations

import calendar
import logging
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from spaceport.accounts.models import Account
from spaceport.clients.models import Client
from spaceport.config import Settings
from spaceport.documents import sending
from spaceport.documents import service as documents
from spaceport.documents.models import DATE_ATTRIBUTES, TYPE_DATES, Document
from spaceport.documents.schemas import DocumentCreate
from spaceport.fiscal import hooks as fiscal
from spaceport.jobs import service as jobs
from spaceport.jobs.repository import JobRepository
from spaceport.kit import bounds
from spaceport.kit.db import Database, utcnow
from spaceport.kit.errors import ValidationFailed, invalid
from spaceport.kit.ids import new_uuid
from spaceport.kit.repository import repository_of
from spaceport.organizations.calendar import midnight, today
from spaceport.organizations.models import Organization
from spaceport.pdf.labels import TITLES
from spaceport.recurrences.models import Recurrence
from spaceport.recurrences.repository import RecurrenceRepository
from spaceport.recurrences.schemas import RecurrenceCreate, RecurrenceUpdate
from spaceport.resources import Resource

log = logging.getLogger(__name__)

TICK = "recurrence.tick"
NOTIFY = "recurrence.notify"
TICK_SECONDS = 60
PLANNED = ("type", "date_first", "num_recurrences")
MESSAGES = {
    "en": "Please find {name} [document number] attached.",
    "sl": "V prilogi vam pošiljamo dokument [document number].",
    "de": "Im Anhang finden Sie das Dokument [document number].",
}
# what a copy's line takes from the original's (its totals are computed anew)
LINE_KEYS: tuple[str, ...] = ("itemId", "name", "description", "price", "quantity")
LINE_KEYS += ("discount", "discountIsAmount", "unit", "SKU", "custom")
# a line's tax without taxId is matched again by these (COMPAT §6.7)
TAX_KEYS: tuple[str, ...] = ("name", "abbreviation", "rate", "classification")
TAX_KEYS += ("recoverable", "reverseCharged", "compound")
NO_EMAIL = "autoSend needs a client email"
NO_ACCOUNT = "autoSend needs the account that created the recurrence (reply-to)"
DRAFT = "autoSend does not send drafts"


# -- the plan --------------------------------------------------------------------------------


def nth_date(first: date, type_: str, iteration: int) -> date:
    """The date of iteration `iteration` (1-based)."""
    steps = iteration - 1
    if type_ == "week":
        return first + timedelta(weeks=steps)
    months = steps * (12 if type_ == "year" else 1)
    index = first.year * 12 + first.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(first.day, calendar.monthrange(year, month)[1]))


def within_bounds(first: date, type_: str, count: int) -> None:
    """The last planned date stays within the years of kit.bounds (COMPAT §2.2: a count
    that plans past them is a 422, not an overflow)."""
    try:
        last = nth_date(first, type_, count)
    except (OverflowError, ValueError):
        last = date.max
    if not bounds.date_in_range(last):
        raise invalid("numRecurrences", f"plans dates past the year {bounds.LAST_YEAR}")


def stamp() -> str:
    return utcnow().isoformat(timespec="milliseconds").replace("+00:00", "Z")


def plan(
    first: date, type_: str, count: int, existing: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """`_recurrenceDates` for the settings; generated iterations keep their entry (and stay
    even beyond a lowered count: they are history), the others are planned anew."""
    generated = {e["iteration"]: e for e in existing if e.get("documentId")}
    planned_before = {e["iteration"]: e for e in existing}
    now = stamp()
    dates: list[dict[str, Any]] = []
    for iteration in range(1, max([count, *generated]) + 1):
        if iteration in generated:
            dates.append(generated[iteration])
        elif iteration <= count:
            day = nth_date(first, type_, iteration).isoformat()
            old = planned_before.get(iteration)
            if old is not None and old["date"] == day:
                dates.append(old)
            else:
                dates.append(
                    {
                        "id": old["id"] if old else new_uuid(),
                        "date": day,
                        "iteration": iteration,
                        "documentId": None,
                        "createdAt": old["createdAt"] if old else now,
                        "updatedAt": now,
                    }
                )
    return dates


def prepare(
    session: Session, _organization_id: str, values: dict[str, Any], instance: Any
) -> dict[str, Any]:
    """The Resource hook: the plan follows type, dateFirst and numRecurrences."""
    if instance is None or values.keys() & set(PLANNED):
        settings: dict[str, Any] = {
            name: values.get(name, getattr(instance, name, None)) for name in PLANNED
        }
        within_bounds(settings["date_first"], settings["type"], settings["num_recurrences"])
        existing = list(instance.recurrence_dates) if instance is not None else []
        values["recurrence_dates"] = plan(
            settings["date_first"], settings["type"], settings["num_recurrences"], existing
        )
        ensure_tick(session)
    return values


recurrences: Resource[Recurrence] = Resource(
    Recurrence,
    "recurrence",
    "recurrences",
    RecurrenceCreate,
    RecurrenceUpdate,
    prepare=prepare,
)


# -- the tick (scheduling) -------------------------------------------------------------------


def ensure_tick(session: Session, at: datetime | None = None) -> None:
    """A `recurrence.tick` job due by `at` (now): enqueued unless one is already pending."""
    at = at or utcnow()
    if not JobRepository(session).pending(TICK, due_by=at):
        jobs.enqueue(session, TICK, {}, run_at=at)


def schedule_next(session: Session) -> None:
    """After a tick: the next one in TICK_SECONDS, unless another tick is already pending."""
    if not JobRepository(session).pending(TICK):
        jobs.enqueue(session, TICK, {}, run_at=utcnow() + timedelta(seconds=TICK_SECONDS))


# -- generation ------------------------------------------------------------------------------


def run_due(database: Database, settings: Settings | None = None) -> int:
    """Create every due iteration of every live recurrence; how many documents were created.
    One transaction per iteration; a recurrence whose copy fails is logged and tried again on
    the next tick (the others go on). With the server's settings a copy is fiscalized while the
    organization verifies (FISCAL §S8.1), sent to FURS once after its commit (FISCAL §S12.1)."""
    with database.transaction(write=False) as session:
        rows = RecurrenceRepository(session).live_with_organizations()
        # only those with a due iteration take a writing transaction (SQLite: the one writer)
        ids = [r.id for r, o in rows if due_entry(r, today(o)) is not None]
    created = 0
    for recurrence_id in ids:
        while True:
            try:
                with database.transaction() as session:
                    done = generate_next(session, recurrence_id, settings)
                    issued = fiscal.issued(session)
            except Exception:
                log.exception("recurrence %s: generating a copy failed", recurrence_id)
                break
            if not done:
                break
            created += 1
            if issued and settings is not None:
                try:
                    fiscal.send_issued(database, settings, issued)
                except Exception:  # the copy is issued; its resubmission job sends it again
                    log.exception("recurrence %s: sending the copy to FURS failed", recurrence_id)
    return created


def due_entry(recurrence: Recurrence, day: date) -> dict[str, Any] | None:
    """The first iteration due by `day` that has no document yet."""
    for entry in sorted(recurrence.recurrence_dates, key=lambda e: e["iteration"]):
        if not entry.get("documentId") and date.fromisoformat(entry["date"]) <= day:
            return dict(entry)
    return None


def generate_next(session: Session, recurrence_id: str, settings: Settings | None = None) -> bool:
    """Generate the first due iteration of the recurrence, if any (locks its row). A copy the
    organization fiscalizes (FISCAL §S8.1) is issued at the original's place, dated the moment
    of issue (FISCAL §S8.4) with its other dates shifted from today."""
    found = RecurrenceRepository(session)
    recurrence = found.locked(recurrence_id)
    if recurrence is None:
        return False
    organization = repository_of(Organization)(session).get(recurrence.organization_id)
    if organization is None:
        return False
    entry = due_entry(recurrence, today(organization))
    if entry is None:
        return False
    original = repository_of(Document)(session).get(recurrence.document_id)
    if original is None:
        return False
    unique_id = f"recurrence:{recurrence.id}:{entry['iteration']}"
    document = found.copy_with_unique_id(organization.id, unique_id)
    fresh = document is None
    if document is None:
        draft = recurrence.save_as_draft and original.type == "invoice"  # drafts: COMPAT §6.2
        furs = fiscal.copied_place(original.furs)
        issued = settings is not None and fiscal.issues_now(
            session, organization.id, original.type, draft, furs
        )
        day = today(organization) if issued else date.fromisoformat(entry["date"])
        data = copy_of(original, day, furs, dated=not issued)
        data.draft = draft
        data.unique_id = unique_id
        account_id = recurrence.account_id or original.account_id or ""
        document = documents.create(session, organization, account_id, data, settings)
    recurrence.recurrence_dates = [
        {**e, "documentId": document.id, "updatedAt": stamp()}
        if e["iteration"] == entry["iteration"]
        else e
        for e in recurrence.recurrence_dates
    ]
    session.flush()
    if fresh:
        follow_up(session, recurrence, organization, document, entry["iteration"])
    return True


def copy_of(
    original: Document, day: date, furs: dict[str, Any] | None = None, *, dated: bool = True
) -> DocumentCreate:
    """The original's content on `day`: same client, lines (their taxes by taxId), currency and
    raw texts; its type's other dates shifted by the original's offsets from its date. Not
    `dated`, the copy's `date` is left to its creation (the moment of issue, FISCAL §S8.4)."""
    body = documents.answer(original, parse_smartcodes=False)
    moment = midnight(day)  # as the API stores a date-only `date` (kit.schemas)
    values: dict[str, Any] = {
        "type": original.type,
        **({"date": moment} if dated else {}),
        **({"_furs": furs} if furs is not None else {}),
        "currencyId": original.currency_id,
        "unitId": original.unit_id,
        "reference": original.reference,
        "decimalPlaces": original.decimal_places,
        "custom": original.custom,
        "_documentItems": [item_of(line) for line in original.document_items],
    }
    if original.client_id:
        values["clientId"] = original.client_id
    else:
        values["_documentClient"] = original.document_client
    for name in ("note", "signature", "footer"):
        if body.get(name) is not None:
            values[name] = body[name]
    for api_name in TYPE_DATES[original.type]:
        value = getattr(original, DATE_ATTRIBUTES[api_name])
        if value is not None:
            values[api_name] = moment + (value - original.date)
    return DocumentCreate.model_validate(values)


def item_of(line: dict[str, Any]) -> dict[str, Any]:
    if line.get("isSeparator"):
        return {k: line[k] for k in ("name", "description", "isSeparator") if k in line}
    item = {k: line[k] for k in LINE_KEYS if line.get(k) is not None}
    if "price" not in item and line.get("priceGross") is not None:
        item["priceGross"] = line["priceGross"]
    item["_documentItemTaxes"] = [
        {"taxId": tax["taxId"]}
        if tax.get("taxId")
        else {k: tax[k] for k in TAX_KEYS if tax.get(k) is not None}
        for tax in line.get("_documentItemTaxes", [])
    ]
    return item


def client_email(session: Session, document: Document) -> str | None:
    """Reference: "the one in the _documentClient or the one linked with clientId"."""
    email = (document.document_client or {}).get("email")
    if not email and document.client_id:
        client = repository_of(Client)(session).get(document.client_id)
        email = client.email if client is not None else None
    return str(email) if email else None


def follow_up(
    session: Session,
    recurrence: Recurrence,
    organization: Organization,
    document: Document,
    iteration: int,
) -> None:
    """autoSend (to the client's email) and notify (the creating account), in this same
    transaction: the mails are jobs that exist iff the copy does."""
    accounts = repository_of(Account)(session)
    account = accounts.get(recurrence.account_id) if recurrence.account_id else None
    language = organization.locale if organization.locale in MESSAGES else "en"
    kind = TITLES[language][document.type]
    if recurrence.auto_send:
        email = client_email(session, document)
        if document.draft:
            sending.activity(session, document, "failed", [], DRAFT)
        elif not email:
            sending.activity(session, document, "failed", [], NO_EMAIL)
        elif account is None:
            sending.activity(session, document, "failed", [email], NO_ACCOUNT)
        else:
            given = {
                "recipients": email,
                "subject": f"{kind} [document number]",
                "message": MESSAGES[language].format(name=kind.lower()),
            }
            try:
                sending.queue(session, document, account.email, None, given)  # PDF: org default
            except ValidationFailed as exc:  # an invalid address: a failure in the activities
                sending.activity(session, document, "failed", [email], str(exc))
    if recurrence.notify and account is not None and account.email:
        number = document.number or "(draft)"
        jobs.enqueue(
            session,
            NOTIFY,
            {
                "to": [account.email],
                "subject": f"Recurrence {recurrence.name}: {kind} {number} created",
                "text": (
                    f"Iteration {iteration} of the recurrence {recurrence.name!r} created "
                    f"{kind.lower()} {number} (id {document.id}) dated "
                    f"{document.date.date().isoformat()}."
                ),
                "fromName": organization.name,
            },
            organization_id=organization.id,
        )
