"""What the documents use cases call (FISCAL §S8, FISCAL §S12, FISCAL §S14); the rules live
here, the documents domain only calls them at the named moments:

- `begin_issue` when a document is issued (created, or a draft finalized), before its dates and
  number: FISCAL §S8.1 to FISCAL §S8.5, the issue moment, the checked place and operator;
- `take_number` in place of COMPAT §6.2's numbering (FISCAL §S9);
- `finish_issue` once the document is flushed: the pending record, its resubmission job and
  `_furs` (FISCAL §S12.1, FISCAL §S13);
- `guard_change`, `guard_delete`, `guard_uncancel`, `credit_note_of` (FISCAL §S14);
- `answer_after_send`: the answer of a route that issued, after the commit and one send;
  `send_issued` the same send where no route answers (the worker's recurrences);
- `copied_place`, `issues_now`: what a copy of a document (a recurrence's iteration) says of
  its place, and whether it is fiscalized when created.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any, Final

from fastapi import Request
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from spaceport.accounts.models import Account
from spaceport.config import Settings
from spaceport.fiscal import messages, sending
from spaceport.fiscal.issuing import (
    FISCAL_TYPES,
    SKIPPED,
    Issue,
    applies,
    enabled,
    fiscalize,
    number_of,
    plan_issue,
    skipped,
)
from spaceport.fiscal.messages import InvoiceIdentifier, Reference
from spaceport.fiscal.models import FiscalRecord
from spaceport.fiscal.zoi import local
from spaceport.kit.db import Database, utcnow
from spaceport.kit.errors import Forbidden, invalid
from spaceport.kit.transaction import AnswerAfterCommit, write_gate
from spaceport.organizations.models import Organization

ISSUED: Final = "spaceport.fiscal.issued"  # session.info: the records this transaction added
FISCALIZED: Final = frozenset({"verified", "pending", "failed"})
# FISCAL §S14.1: what a fiscalized document never changes (attribute names of the schemas)
FROZEN: Final = frozenset(
    {"document_items", "date", "number", "currency_id", "document_client", "client_id", "furs"}
)
CANCEL_INSTEAD: Final = (
    "A fiscally verified document can't be changed or deleted; cancel it instead"
)


def is_fiscalized(document: Any) -> bool:
    furs = getattr(document, "furs", None)
    return isinstance(furs, dict) and furs.get("status") in FISCALIZED


# -- issuing -----------------------------------------------------------------------------------
def begin_issue(
    session: Session,
    settings: Settings,
    organization: Organization,
    account_id: str | None,
    document: Any,
    furs: Any,
    *,
    given_date: datetime | None,
    given_number: str | None,
    currency: str | None,
) -> Issue | None:
    """Before an issued document's dates and number. None when it is not fiscalized (then a
    skipped one answers `status: "skipped"`, FISCAL §S8.6)."""
    if document.draft:
        return None
    if not applies(session, organization.id, document.type, furs):
        if document.type in FISCAL_TYPES and skipped(furs) and enabled(session, organization.id):
            document.furs = dict(SKIPPED)
        return None
    if given_number:  # FISCAL §S8.4
        raise invalid("number", "is given by fiscal numbering (FISCAL §S9); leave it out")
    if (currency or "EUR").upper() != "EUR":
        raise invalid("currencyId", "must be EUR for fiscal verification")
    now = utcnow().replace(microsecond=0)
    if given_date is not None and local(given_date).date() != local(now).date():
        raise invalid("date", "must be today (Ljubljana) for fiscal verification, or omitted")
    account = session.get(Account, account_id) if account_id else None
    if account is None:
        raise invalid("firstname", "an issuing account is required for fiscal verification")
    issue = plan_issue(session, settings, organization, account, furs)
    document.date = now
    return issue


def take_number(session: Session, document: Any, issue: Issue) -> None:
    """FISCAL §S9, FISCAL §S8.5: taken only once every check has passed."""
    document.number = number_of(session, document.organization_id, issue, document.date)


def references_of(session: Session, document: Any) -> tuple[Reference, ...]:
    """FISCAL §S14.2: a credit note refers to the fiscalized documents in its `documentIds`."""
    if document.type != "credit-note" or not document.document_ids:
        return ()
    ids = [str(i) for i in document.document_ids]
    records = session.scalars(select(FiscalRecord).where(FiscalRecord.document_id.in_(ids)))
    found = {r.document_id: r for r in records}
    references = []
    for document_id in ids:
        record = found.get(document_id)
        if record is None:
            continue
        given = messages.decode(record.invoice)["InvoiceIdentifier"]
        identifier = InvoiceIdentifier(
            given["BusinessPremiseID"], given["ElectronicDeviceID"], given["InvoiceNumber"]
        )
        references.append(Reference(identifier, record.issued_at))
    return tuple(references)


def finish_issue(session: Session, settings: Settings, document: Any, issue: Issue) -> None:
    """FISCAL §S12.1: in the request's transaction, after the document is flushed."""
    record = fiscalize(session, document, issue, references_of(session, document))
    sending.enqueue_resubmission(session, settings, record)
    session.info.setdefault(ISSUED, []).append(record.id)


def issued(session: Session) -> list[str]:
    found: list[str] = session.info.get(ISSUED, [])
    return list(found)


def answer_after_send(
    request: Request, record_ids: Iterable[str], read: Callable[[Session], Any]
) -> AnswerAfterCommit:
    """FISCAL §S12.1: after the commit, in no transaction and holding no write turn, one send
    per record (its outcome stored in a short write of its own, in the turn); then the answer
    as it stands, read anew."""
    database = request.app.state.database
    settings: Settings = request.app.state.settings

    async def compute() -> Any:
        for record_id in record_ids:
            sent = await run_in_threadpool(
                sending.attempt, database, settings, record_id, subsequent=False
            )
            if sent is not None:
                async with write_gate(request):
                    await run_in_threadpool(sending.store, database, record_id, sent)

        def reading() -> Any:
            with database.transaction(write=False) as session:
                return read(session)

        return await run_in_threadpool(reading)

    return AnswerAfterCommit(compute)


def send_issued(database: Database, settings: Settings, record_ids: Iterable[str]) -> None:
    """FISCAL §S12.1 where no route answers (the worker creating a recurrence's copy): after
    the commit, in no transaction, one send per record; its outcome stored. A record FURS did
    not confirm stays pending for its resubmission job (FISCAL §S12.3)."""
    for record_id in record_ids:
        sending.send(database, settings, record_id, subsequent=False)


def copied_place(furs: Any) -> dict[str, Any] | None:
    """FISCAL §S8.1, FISCAL §S8.2: the `_furs` body of a copy of a document (a recurrence's
    iteration): skipped when the original was, else issued at the original's premise and
    device; None (the only premise and device) when the original was never fiscalized."""
    if not isinstance(furs, dict):
        return None
    if furs.get("status") == "skipped":
        return {"skip": True}
    if furs.get("businessPremiseId") and furs.get("electronicDeviceId"):
        return {
            "businessPremiseId": furs["businessPremiseId"],
            "electronicDeviceId": furs["electronicDeviceId"],
        }
    return None


def issues_now(session: Session, organization_id: str, kind: str, draft: bool, furs: Any) -> bool:
    """FISCAL §S8.1: whether a document created so is fiscalized at its creation (then its
    `date` is the moment of issue, FISCAL §S8.4)."""
    return not draft and applies(session, organization_id, kind, furs)


# -- changing, deleting, canceling (FISCAL §S14) ---------------------------------------------
def guard_change(document: Any, given: Iterable[str]) -> None:
    """FISCAL §S14.1: 403 for what a fiscalized document never changes."""
    if is_fiscalized(document) and FROZEN & set(given):
        raise Forbidden(CANCEL_INSTEAD)


def guard_delete(document: Any) -> None:
    """FISCAL §S14.1, COMPAT §6.13: never deleted or replaced."""
    if is_fiscalized(document):
        raise Forbidden(CANCEL_INSTEAD)


def guard_uncancel(document: Any) -> None:
    """FISCAL §S14.3: uncancel of a fiscalized document is 403."""
    if is_fiscalized(document):
        raise Forbidden("A fiscally verified document's cancellation can't be undone")


def credit_note_of(document: Any) -> dict[str, Any] | None:
    """FISCAL §S14.2: the body of the credit note that cancels a fiscalized invoice or advance
    (None when the cancel is an ordinary one); FISCAL §S14.3 the refusals."""
    if not is_fiscalized(document):
        return None
    if document.type == "credit-note":
        raise Forbidden("A fiscally verified credit note can't be canceled")
    if document.canceled:
        raise invalid("canceled", "The document is already canceled")
    furs = document.furs
    return {
        "type": "credit-note",
        "clientId": document.client_id,
        "_documentClient": copy.deepcopy(document.document_client or {}),
        "_documentItems": [negated(line) for line in document.document_items or []],
        "documentIds": [document.id],
        "decimalPlaces": document.decimal_places,
        "currencyId": document.currency_id,
        "_furs": {
            "businessPremiseId": furs.get("businessPremiseId"),
            "electronicDeviceId": furs.get("electronicDeviceId"),
        },
    }


def negated(line: dict[str, Any]) -> dict[str, Any]:
    """A line of the credit note: the quantity negated (so every amount is), an amount
    discount negated with it; the taxes as they were (their rates, and ids where they had one)."""
    if line.get("isSeparator"):
        return {
            "name": line.get("name"),
            "description": line.get("description"),
            "isSeparator": True,
        }
    # the rate the invoice had, also when another is in force on the credit note's date
    taxes = [
        {"rate": t.get("rate"), "reverseCharged": t.get("reverseCharged")}
        | ({"taxId": t["taxId"]} if t.get("taxId") else {})
        for t in line.get("_documentItemTaxes") or []
    ]
    discount = line.get("discount")
    if line.get("discountIsAmount") and discount is not None:
        discount = -Decimal(str(discount))
    return {
        "name": line.get("name"),
        "description": line.get("description"),
        "unit": line.get("unit"),
        "price": line.get("price"),
        "quantity": -Decimal(str(line.get("quantity", 1))),
        "discount": discount,
        "discountIsAmount": line.get("discountIsAmount"),
        "_documentItemTaxes": taxes,
    }


def printed(session: Session, document: Any) -> dict[str, Any] | None:
    """FISCAL §S15.1: what the PDF prints of a fiscalized document, as it stands: `_furs` and
    the operator's name."""
    if not is_fiscalized(document):
        return None
    record = session.scalars(
        select(FiscalRecord).where(FiscalRecord.document_id == document.id)
    ).first()
    operator = record.operator_name if record else ""
    return {**document.furs, "operatorName": operator}
