"""The app's process settings (src/spaceport/app.py)."""

from __future__ import annotations

import sys

from fastapi.testclient import TestClient

from spaceport.app import SWITCH_INTERVAL_SECONDS, create_app
from spaceport.config import Settings
from spaceport.kit.db import Database


def test_a_started_app_hands_the_gil_over_within_half_a_millisecond(
    settings: Settings, database: Database
) -> None:
    """Noisy neighbours: a thread waiting for the GIL beside a CPU-bound create gets it within
    the switch interval, for every request it serves (`bench/neighbours.py` shows the effect)."""
    sys.setswitchinterval(0.005)  # CPython's default
    with TestClient(create_app(settings, database)):
        assert sys.getswitchinterval() == SWITCH_INTERVAL_SECONDS == 0.0005
