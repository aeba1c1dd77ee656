"""Background work, wired explicitly: every job kind with the function that runs it, and every
callback for committed outbox events (COMPAT §8.1). Nothing registers itself
at import and no package is scanned: `spaceport worker`, the worker embedded in `spaceport
serve` and the tests give this table to `jobs.worker.Worker`.

It names the domains' handlers, so it sits above the domains (like `app.py` with the routers);
a new kind of background work is one line here."""

from __future__ import annotations

from spaceport.accounts import resets
from spaceport.documents import sending
from spaceport.fiscal import sending as fiscal_sending
from spaceport.flows import engine as flow_engine
from spaceport.flows import runs as flow_runs
from spaceport.flows import schedules as flow_schedules
from spaceport.flows import triggers as flow_triggers
from spaceport.jobs.service import Prepared, Tasks
from spaceport.recurrences import service as recurrences
from spaceport.recurrences import tasks as recurrence_tasks
from spaceport.webhooks import delivery
from spaceport.webhooks import service as webhooks

TASKS = Tasks(
    handlers={
        resets.RESET: resets.issue,  # COMPAT §3.4: mail a reset code, if the email is known
        sending.SEND: sending.send_document,  # reference "Send a Document in Email"
        recurrences.TICK: recurrence_tasks.tick,  # create the due iterations
        recurrences.NOTIFY: recurrence_tasks.notify,  # tell the creator a copy was made
        fiscal_sending.RESUBMIT: fiscal_sending.resubmit,  # FISCAL §S12.3: until FURS answers
        flow_schedules.TICK: flow_schedules.tick,  # FLOWS §F4.2: fire the due schedules
    },
    event_callbacks=(
        webhooks.fan_out,  # COMPAT §8.2: a delivery job per matching webhook
        flow_triggers.fan_out,  # FLOWS §F4.1, FLOWS §F8.1: a run per matching flow
    ),
    prepared={
        # FLOWS §F8: execute a flow run; FLOWS §F8.2: it starts in the claim's transaction
        flow_runs.RUN: Prepared(flow_engine.claimed, flow_engine.execute),
        # COMPAT §8.2: one event to one webhook, what it sends read in the claim
        webhooks.DELIVER: Prepared(delivery.prepare, delivery.deliver),
    },
)
