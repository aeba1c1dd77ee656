"""Background work of webhooks, registered with the worker (loaded by `jobs.worker.load_tasks`):
the fan-out of committed events and the delivery job (COMPAT §8.2)."""

from spaceport.jobs import service as jobs
from spaceport.webhooks.delivery import deliver
from spaceport.webhooks.service import DELIVER, fan_out

jobs.on_event(fan_out)
jobs.handler(DELIVER)(deliver)
