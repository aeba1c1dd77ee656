"""Spaceport's own actions (FLOWS §F6.2): each acts with the rights of the flow's `createdBy`
(lost write access: 403), in the transaction that records its step (FLOWS §F8.5), through
the public use cases of its domain, which record their events; the output is the instance as
the API answers it."""

from __future__ import annotations

from typing import Any, Final, TypeVar

from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session

from spaceport.access.authorization import active_access
from spaceport.accounts.models import Account
from spaceport.clients.models import Client
from spaceport.clients.schemas import ClientCreate, ClientUpdate
from spaceport.clients.service import clients
from spaceport.documents import sending
from spaceport.documents import service as documents
from spaceport.documents.payments import service as payments
from spaceport.documents.payments.schemas import PaymentCreate
from spaceport.documents.schemas import DocumentCreate
from spaceport.flows.actions import Action, ActionContext, StepError
from spaceport.flows.inputs import schema_of
from spaceport.kit.errors import validation_messages
from spaceport.kit.repository import is_live
from spaceport.kit.serialize import to_api
from spaceport.organizations.models import Organization
from spaceport.pdf.labels import TITLES

STRING: Final = {"type": "string"}
M = TypeVar("M", bound=BaseModel)


def writer(ctx: ActionContext) -> tuple[Session, Organization, Account]:
    """The session, organization and acting account, or 403 (FLOWS §F6.2)."""
    session = ctx.required_session()
    organization = session.get(Organization, ctx.organization_id)
    account = session.get(Account, ctx.account_id) if ctx.account_id else None
    access = active_access(session, account.id, ctx.organization_id) if account else None
    if organization is None or account is None or access is None or access.role == "readonly":
        raise StepError(
            "The flow's creator has no write access to the organization", status_code=403
        )
    if not organization.active:
        raise StepError("The organization is deactivated", status_code=403)
    return session, organization, account


def parsed(model: type[M], given: dict[str, Any]) -> M:
    """The input as the API's request model reads it; its refusal is the step's 422."""
    try:
        return model.model_validate(given)
    except ValidationError as exc:
        messages = validation_messages(exc.errors())
        raise StepError("The input is not valid", status_code=422, details=messages) from exc


async def create_client(ctx: ActionContext, given: dict[str, Any]) -> Any:
    session, organization, _account = writer(ctx)
    values = parsed(ClientCreate, given).given_with_defaults()
    return clients.serialize(clients.create(session, organization.id, values))


async def update_client(ctx: ActionContext, given: dict[str, Any]) -> Any:
    session, organization, _account = writer(ctx)
    fields = {k: v for k, v in given.items() if k != "id"}
    client = session.get(Client, str(given["id"]))
    if client is None or not is_live(client) or client.organization_id != organization.id:
        raise StepError(f"No client {given['id']!r} in this organization", status_code=404)
    return clients.serialize(clients.update(session, client, parsed(ClientUpdate, fields).given()))


async def create_document(ctx: ActionContext, given: dict[str, Any]) -> Any:
    session, organization, account = writer(ctx)
    document = documents.create(session, organization, account.id, parsed(DocumentCreate, given))
    return documents.answer(document)


async def create_payment(ctx: ActionContext, given: dict[str, Any]) -> Any:
    session, organization, _account = writer(ctx)
    document = payments.document_in(session, organization.id, str(given["documentId"]))
    payment = payments.pay(session, document, parsed(PaymentCreate, given).given())
    return to_api(payment)


async def send_document(ctx: ActionContext, given: dict[str, Any]) -> Any:
    """Queued as `POST /v1/documents/:id/send` queues it (PDF, smart codes, activities)."""
    session, organization, account = writer(ctx)
    document = payments.document_in(session, organization.id, str(given["documentId"]))
    if not is_live(document):
        raise StepError(
            f"No document {given['documentId']!r} in this organization", status_code=422
        )
    to = given.get("to") or (document.document_client or {}).get("email")
    if not to:
        raise StepError("`to` is not given and the document's client has no email", status_code=422)
    titles = TITLES.get(organization.locale, TITLES["en"])
    subject = (
        given.get("subject") or f"{titles.get(document.type, document.type)} {document.number}"
    )
    mail = {"recipients": str(to), "subject": subject, "message": given.get("message") or ""}
    sending.queue(session, document, account.email, None, mail)
    return {"success": True, "recipients": sending.recipients_of(str(to))}


def spaceport(name: str, title: str, description: str, schema: dict[str, Any], run: Any) -> Action:
    return Action(
        name=f"spaceport.{name}",
        title=title,
        description=description,
        provider="spaceport",
        connection_type=None,
        input_schema=schema,
        run=run,
        transactional=True,
    )


ACTIONS: Final = (
    spaceport(
        "createClient",
        "Create a client",
        'Creates a client from the client body (reference "Clients").',
        schema_of(ClientCreate, required=("name",)),
        create_client,
    ),
    spaceport(
        "updateClient",
        "Update a client",
        "Updates the given fields of the client `id` (as PATCH /v1/clients/:id).",
        schema_of(ClientUpdate, required=("id",), extra={"id": STRING}),
        update_client,
    ),
    spaceport(
        "createDocument",
        "Create a document",
        "Creates a document from the document body (COMPAT §6).",
        schema_of(DocumentCreate, required=("type",)),
        create_document,
    ),
    spaceport(
        "createPayment",
        "Create a payment",
        "Records a payment of the document; without `amount` it pays what is due.",
        {
            "type": "object",
            "properties": {
                "documentId": STRING,
                "amount": {"type": "number"},
                "type": schema_of(PaymentCreate)["properties"]["type"],
                "date": STRING,
            },
            "required": ["documentId", "type"],
            "additionalProperties": False,
        },
        create_payment,
    ),
    spaceport(
        "sendDocument",
        "Send a document by email",
        "Emails the document's PDF as POST /v1/documents/:id/send does; `to` (comma separated)"
        " defaults to the document client's email, `subject` to its title and number.",
        {
            "type": "object",
            "properties": {
                "documentId": STRING,
                "to": STRING,
                "subject": STRING,
                "message": STRING,
            },
            "required": ["documentId"],
            "additionalProperties": False,
        },
        send_document,
    ),
)
