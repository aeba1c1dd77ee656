"""Password resets asked by email (COMPAT §3.4), done by the worker.

The request answers 204 for every email and, known or not, does the same work before it
answers: one `account.reset` job written in one transaction. The worker then looks the
account up, issues the single-use code and mails it; an unknown email ends there. So the
answer's time tells nobody which emails have accounts (issue 15 item 4)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from spaceport.accounts import mails, service
from spaceport.config import Settings
from spaceport.jobs.models import Job
from spaceport.jobs.service import enqueue
from spaceport.kit.db import Database

RESET = "account.reset"
ONE_HOUR = 3600


def request(session: Session, email: str) -> None:
    enqueue(session, RESET, {"email": email})


def issue(database: Database, settings: Settings, job: Job) -> None:
    """The handler of `account.reset` jobs: the code commits before its mail is sent."""
    with database.transaction() as session:
        account = service.account_by_email(session, job.payload["email"])
        if account is None:
            return
        code, _ = service.issue_code(session, account, ONE_HOUR, purpose="reset")
        email = account.email
    mails.send_reset(settings, email, code)
