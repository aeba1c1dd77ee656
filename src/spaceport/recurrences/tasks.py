"""Background work of recurrences (listed for the worker in `spaceport.background`).

`recurrence.tick` creates the due iterations (service.run_due) and then schedules the next tick
TICK_SECONDS later unless a tick is already pending: the tick keeps itself alive without any
change to the worker. Creating or re-planning a recurrence enqueues a tick due at once (unless
one is already due), so a new recurrence whose first date is today or past is generated on the
worker's next round. Ticks deliberately use no job queue: a queue would make that immediate
tick wait behind the pending next one. Two ticks running at once are harmless (each iteration
locks its recurrence and carries a unique `uniqueId`).

`recurrence.notify` tells the creating account that a copy was created (plain email)."""

from __future__ import annotations

import smtplib

from spaceport.config import Settings
from spaceport.jobs import service as jobs
from spaceport.jobs.models import Job
from spaceport.jobs.retry import retry_later
from spaceport.kit.db import Database
from spaceport.kit.mail import Mail, MailNotConfigured, send
from spaceport.recurrences import service


def tick(database: Database, settings: Settings, _job: Job) -> None:
    try:
        service.run_due(database, settings)  # fiscalized copies are sent (FISCAL §S12.1)
    finally:
        with database.transaction() as session:
            service.schedule_next(session)


def notify(_database: Database, settings: Settings, job: Job) -> None:
    payload = job.payload
    mail = Mail(
        to=list(payload["to"]),
        subject=payload["subject"],
        text=payload["text"],
        from_name=payload.get("fromName"),
    )
    try:
        send(mail, settings.smtp_url, settings.mail_from)
    except MailNotConfigured as exc:
        raise jobs.GiveUp(str(exc)) from exc
    except (OSError, smtplib.SMTPException) as exc:  # retried like a document email
        later = retry_later(settings.mail_retry_delays, job.attempts, str(exc))
        raise later or jobs.GiveUp(str(exc)) from exc
