"""Every query of the web app's own: sessions by their hash (WEB §W2.3), an account's
organizations and invitations (WEB §W3.1), the dashboard's figures (WEB §W3.2), the documents
list with its filter (WEB §W4.1, §W4.2), the lists of clients, items, flows and webhooks a page
at a time (WEB §W5, WEB §W6), the team (WEB §W7.3)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, and_, delete, func, not_, or_, select
from sqlalchemy.orm import Session

from spaceport.access.models import Access
from spaceport.accounts.models import Account, WebSession
from spaceport.clients.models import Client, search_key
from spaceport.clients.repository import ClientRepository
from spaceport.documents.models import Document
from spaceport.documents.payments.models import Payment
from spaceport.events.models import Event
from spaceport.flows.models import Flow, FlowRun
from spaceport.flows.repository import FlowRepository
from spaceport.items.models import Item
from spaceport.items.repository import ItemRepository
from spaceport.kit.filters.where import compile_where
from spaceport.kit.repository import dialect_of, live_conditions
from spaceport.organizations.models import Organization
from spaceport.webhooks.models import Webhook, WebhookDelivery
from spaceport.webhooks.repository import WebhookRepository

T = TypeVar("T")


class WebSessionRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, session_id: str) -> WebSession | None:
        return self.session.get(WebSession, session_id)

    def with_account(self, session_id: str) -> tuple[WebSession, Account] | None:
        """The stored session with this id (the SHA-256 of its token) and its account."""
        found = self.session.execute(
            select(WebSession, Account)
            .join(Account, Account.id == WebSession.account_id)
            .where(WebSession.id == session_id)
        ).first()
        return None if found is None else (found[0], found[1])

    def end(self, session_id: str) -> None:
        self.session.execute(delete(WebSession).where(WebSession.id == session_id))


class MembershipRepository:
    """The organizations an account works in, and the invitations it may answer (WEB §W3.1)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def memberships(self, account_id: str) -> list[tuple[Organization, Access]]:
        """The organizations with the account's active access and that access, by name."""
        rows = self.session.execute(
            select(Organization, Access)
            .join(Access, Access.organization_id == Organization.id)
            .where(
                Access.account_id == account_id,
                Access.active.is_(True),
                Access.disabled.is_(False),
                Access.rejected.is_(False),
            )
            .order_by(func.lower(Organization.name), Organization.id)
        ).all()
        return [(row[0], row[1]) for row in rows]

    def invitations(self, account: Account) -> list[tuple[Organization, Access]]:
        """Pending invitations the account may answer (`access.service.invitation_for`): those
        naming it, and those sent to its email once it has verified the address."""
        invited = Access.account_id == account.id
        if account.email_verified:
            invited = or_(invited, (Access.account_id.is_(None)) & (Access.email == account.email))
        rows = self.session.execute(
            select(Organization, Access)
            .join(Access, Access.organization_id == Organization.id)
            .where(
                invited,
                Access.active.is_(False),
                Access.disabled.is_(False),
                Access.rejected.is_(False),
            )
            .order_by(func.lower(Organization.name), Access.id)
        ).all()
        return [(row[0], row[1]) for row in rows]


class DocumentListRepository:
    """WEB §W4.1: an organization's live documents matching the filter form, newest first
    (date, then creation), a page at a time; WEB §W4.2's statuses as conditions (the same rules
    as `web.documents.status_of`)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def conditions(
        self, organization_id: str, search: str, kind: str, status: str, today_start: datetime
    ) -> list[ColumnElement[bool]]:
        found = [Document.organization_id == organization_id, *live_conditions(Document)]
        if search:
            pattern = search.replace("%", r"\%").replace("_", r"\_")
            where = {
                "or": [
                    {key: {"like": f"%{pattern}%", "options": "i"}}
                    for key in ("number", "_documentClient.name")
                ]
            }
            found.append(compile_where(where, Document, dialect_of(self.session)))
        if kind:
            found.append(Document.type == kind)
        if status:
            found.append(with_status(status, today_start))
        return found

    def count(self, conditions: list[ColumnElement[bool]]) -> int:
        return self.session.scalar(select(func.count(Document.id)).where(*conditions)) or 0

    def page(
        self, conditions: list[ColumnElement[bool]], offset: int, limit: int
    ) -> list[Document]:
        order = (Document.date.desc(), Document.created_at.desc(), Document.id.desc())
        stmt = select(Document).where(*conditions).order_by(*order).offset(offset).limit(limit)
        return list(self.session.scalars(stmt))


def with_status(status: str, today_start: datetime) -> ColumnElement[bool]:
    """WEB §W4.2, the first that holds: Canceled; Draft; Paid (invoice, `paidInFull`); Overdue
    (invoice with an amount due, due before today); Partly paid (invoice, `totalPaid` > 0);
    Issued."""
    issued = and_(Document.canceled.is_(False), Document.draft.is_(False))
    invoice = and_(issued, Document.type == "invoice")
    unpaid = and_(invoice, Document.paid_in_full.is_(False))
    past_due = and_(
        Document.total_due > 0, Document.date_due.is_not(None), Document.date_due < today_start
    )
    partly = and_(unpaid, not_(past_due), Document.total_paid > 0)
    special = or_(Document.paid_in_full.is_(True), past_due, Document.total_paid > 0)
    return {
        "canceled": Document.canceled.is_(True),
        "draft": and_(Document.canceled.is_(False), Document.draft.is_(True)),
        "paid": and_(invoice, Document.paid_in_full.is_(True)),
        "overdue": and_(unpaid, past_due),
        "partly-paid": partly,
        "issued": and_(issued, not_(and_(Document.type == "invoice", special))),
    }[status]


def issued_invoices(organization_id: str, currency: str) -> list[ColumnElement[bool]]:
    """WEB §W3.2: the organization's live invoices in its currency, neither draft nor canceled."""
    return [
        Document.organization_id == organization_id,
        Document.type == "invoice",
        Document.draft.is_(False),
        Document.canceled.is_(False),
        *live_conditions(Document),
        Document.currency_id == currency,
    ]


class DashboardRepository:
    """The sums of the dashboard (WEB §W3.2), between instants the caller computed in the
    organization's timezone."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def issued_between(
        self, organization_id: str, currency: str, start: datetime, end: datetime
    ) -> tuple[Decimal, Decimal]:
        """Σ `totalWithTax` and Σ `totalDue` of the invoices dated in [start, end)."""
        row = self.session.execute(
            select(
                func.coalesce(func.sum(Document.total_with_tax), 0),
                func.coalesce(func.sum(Document.total_due), 0),
            ).where(
                *issued_invoices(organization_id, currency),
                Document.date >= start,
                Document.date < end,
            )
        ).one()
        return Decimal(row[0]), Decimal(row[1])

    def overdue(self, organization_id: str, currency: str, before: datetime) -> Decimal:
        """Σ `totalDue` of the invoices due before `before`."""
        total = self.session.scalar(
            select(func.coalesce(func.sum(Document.total_due), 0)).where(
                *issued_invoices(organization_id, currency),
                Document.date_due < before,
            )
        )
        return Decimal(total or 0)

    def paid_between(self, organization_id: str, currency: str, start: date, end: date) -> Decimal:
        """Σ the payments dated in [start, end) of live documents in the currency."""
        total = self.session.scalar(
            select(func.coalesce(func.sum(Payment.amount), 0))
            .join(Document, Document.id == Payment.document_id)
            .where(
                Payment.organization_id == organization_id,
                *live_conditions(Payment),
                Payment.date >= start,
                Payment.date < end,
                *live_conditions(Document),
                Document.currency_id == currency,
            )
        )
        return Decimal(total or 0)

    def issued_dated(
        self, organization_id: str, currency: str, start: datetime, end: datetime
    ) -> list[tuple[datetime, Decimal]]:
        """Each invoice dated in [start, end): its date and `totalWithTax` (for the chart)."""
        rows = self.session.execute(
            select(Document.date, Document.total_with_tax).where(
                *issued_invoices(organization_id, currency),
                Document.date >= start,
                Document.date < end,
            )
        ).all()
        return [(row[0], row[1]) for row in rows]


class TeamRepository:
    """An organization's accesses with their accounts' emails (WEB §W7.3)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def members(self, organization_id: str) -> list[tuple[Access, str]]:
        """Every access but rejected invitations, oldest first, with the email it goes by: the
        account's, else the one the invitation was sent to."""
        rows = self.session.execute(
            select(Access, func.coalesce(Account.email, Access.email, ""))
            .outerjoin(Account, Account.id == Access.account_id)
            .where(Access.organization_id == organization_id, Access.rejected.is_(False))
            .order_by(Access.created_at, Access.id)
        ).all()
        return [(row[0], str(row[1])) for row in rows]


class CatalogRepository:
    """The lists of clients (WEB §W5.1), items (WEB §W5.2), flows, their runs and webhooks
    (WEB §W6): each a statement in its order, counted, then read a page at a time
    (`web.paging`); a webhook's deliveries."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def count(self, stmt: Select[Any]) -> int:
        counted = select(func.count()).select_from(stmt.order_by(None).subquery())
        return int(self.session.scalar(counted) or 0)

    def window(self, stmt: Select[T], offset: int, limit: int) -> list[T]:
        return list(self.session.scalars(stmt.offset(offset).limit(limit)))

    def clients(self, organization_id: str, term: str) -> Select[Client]:
        """By name; `term` (any case) in the name, email or tax number."""
        stmt = ClientRepository(self.session).live_in(organization_id)
        key = search_key(term)
        if key:
            stmt = stmt.where(
                or_(
                    Client.name_key.contains(key, autoescape=True),
                    Client.email_key.contains(key, autoescape=True),
                    func.lower(Client.tax_number).contains(key, autoescape=True),
                )
            )
        return stmt.order_by(Client.name_key, Client.id)

    def client_names(self, organization_id: str, limit: int) -> list[str]:
        """WEB §W4.3: the names New invoice suggests, each once, by name."""
        stmt = (
            select(Client.name)
            .where(Client.organization_id == organization_id, *live_conditions(Client))
            .group_by(Client.name_key, Client.name)
            .order_by(Client.name_key, Client.name)
            .limit(limit)
        )
        return [name for name in self.session.scalars(stmt) if name]

    def client_named(self, organization_id: str, name: str) -> Client | None:
        """WEB §W4.3: the saved client a typed name picks, in any case (the oldest of them)."""
        key = search_key(name)
        if not key:
            return None
        stmt = ClientRepository(self.session).live_in(organization_id)
        stmt = stmt.where(Client.name_key == key)
        return self.session.scalars(stmt.order_by(Client.created_at, Client.id).limit(1)).first()

    def flows(self, organization_id: str) -> Select[Flow]:
        """WEB §W6.1: the organization's live flows by name."""
        stmt = FlowRepository(self.session).live_in(organization_id)
        return stmt.order_by(func.lower(Flow.name), Flow.id)

    def last_run_statuses(self, flow_ids: list[str]) -> dict[str, str]:
        """The status of each flow's newest run (test runs aside, as the API lists runs)."""
        newest = (
            select(FlowRun.flow_id, func.max(FlowRun.created_at).label("at"))
            .where(FlowRun.flow_id.in_(flow_ids), FlowRun.test.is_(False))
            .group_by(FlowRun.flow_id)
            .subquery()
        )
        rows = self.session.execute(
            select(FlowRun.flow_id, FlowRun.status, FlowRun.id)
            .join(
                newest, and_(newest.c.flow_id == FlowRun.flow_id, newest.c.at == FlowRun.created_at)
            )
            .where(FlowRun.test.is_(False))
            .order_by(FlowRun.id)
        ).all()
        return {row[0]: row[1] for row in rows}

    def runs_of(self, flow_id: str) -> Select[FlowRun]:
        """WEB §W6.1: a flow's runs newest first (test runs aside, FLOWS §F4.5)."""
        stmt = select(FlowRun).where(FlowRun.flow_id == flow_id, FlowRun.test.is_(False))
        return stmt.order_by(FlowRun.created_at.desc(), FlowRun.id.desc())

    def webhooks(self, organization_id: str) -> Select[Webhook]:
        """WEB §W6.2: the organization's live webhooks, oldest first."""
        stmt = WebhookRepository(self.session).live_in(organization_id)
        return stmt.order_by(Webhook.created_at, Webhook.id)

    def deliveries(self, webhook_id: str, limit: int) -> list[tuple[WebhookDelivery, str]]:
        """WEB §W6.2: a webhook's last attempts, newest first, with their event's name."""
        rows = self.session.execute(
            select(WebhookDelivery, func.coalesce(Event.event, ""))
            .outerjoin(Event, Event.uid == WebhookDelivery.event_uid)
            .where(WebhookDelivery.webhook_id == webhook_id)
            .order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.id.desc())
            .limit(limit)
        ).all()
        return [(row[0], str(row[1])) for row in rows]

    def items(self, organization_id: str) -> Select[Item]:
        stmt = ItemRepository(self.session).live_in(organization_id)
        return stmt.order_by(func.lower(Item.name), Item.id)
