"""The schedule trigger (FLOWS §F4.2): checks at save, a run per tick (missed ticks fire once),
polling a collection with Zapier's "seen at enable" rule, the `flow.tick` job keeping itself
alive; and the cron rules, DST included."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select, update

from spaceport.flows import cron, schedules
from spaceport.flows.models import Flow
from spaceport.jobs.models import Job
from spaceport.kit.db import Database, utcnow
from tests.conftest import Api
from tests.flows.conftest import create_flow, passing, runs_of
from tests.flows.test_validation import refused


def rewind(database: Database, flow_id: str, minutes: int) -> None:
    """As if the schedule was last looked at `minutes` ago (and the flow enabled before)."""
    earlier = utcnow() - timedelta(minutes=minutes)
    with database.transaction() as session:
        session.execute(
            update(Flow).where(Flow.id == flow_id).values(ticked_until=earlier, enabled_at=earlier)
        )


def back(database: Database, flow_id: str) -> None:
    """As if the last tick was a few minutes ago (what counts as seen unchanged)."""
    with database.transaction() as session:
        earlier = utcnow() - timedelta(minutes=3)
        session.execute(update(Flow).where(Flow.id == flow_id).values(ticked_until=earlier))


def test_schedule_triggers_are_checked(api: Api, organization: dict[str, Any]) -> None:
    oid = organization["id"]
    steps = [passing()]
    for trigger, path in (
        ({"type": "schedule", "every": 16}, "trigger.every"),
        ({"type": "schedule", "every": 0}, "trigger.every"),
        ({"type": "schedule", "cron": "61 * * * *"}, "trigger.cron"),
        ({"type": "schedule", "cron": "* * *"}, "trigger.cron"),
        ({"type": "schedule", "cron": "0 9 * * *", "timezone": "Mars/Olympus"}, "trigger.timezone"),
        ({"type": "schedule", "every": 5, "collection": "rockets"}, "trigger.collection"),
        (
            {"type": "schedule", "every": 5, "collection": "clients", "where": {"x": {"foo": 1}}},
            "trigger.where",
        ),
        ({"type": "schedule"}, "trigger"),
    ):
        assert path in refused(api, oid, {"trigger": trigger, "steps": steps}), trigger


def test_a_run_per_tick_and_missed_ticks_fire_once(
    api: Api, organization: dict[str, Any], database: Database
) -> None:
    flow = create_flow(
        api, organization["id"], [passing()], trigger={"type": "schedule", "every": 1}
    )
    with database.transaction(write=False) as session:
        assert session.scalars(select(Job).where(Job.kind == schedules.TICK)).first() is not None
    rewind(database, flow["id"], 10)
    schedules.fire_due(database, utcnow())
    schedules.fire_due(database, utcnow())  # nothing more is due
    [run] = runs_of(api, flow["id"])
    assert run["trigger"]["type"] == "schedule" and run["trigger"]["data"] is None
    fired_at = datetime.fromisoformat(run["trigger"]["firedAt"].replace("Z", "+00:00"))
    assert fired_at.second == 0 and utcnow() - fired_at < timedelta(minutes=1, seconds=5)


def test_polling_starts_a_run_per_unseen_instance(
    api: Api, organization: dict[str, Any], database: Database
) -> None:
    """Seen: what existed at the enabling, matching or not, and what a run was started for."""
    oid = organization["id"]

    def client(name: str, city: str) -> None:
        assert (
            api.post(
                f"/v1/organizations/{oid}/clients", json={"name": name, "city": city}
            ).status_code
            == 200
        )

    client("Existing", "Kranj")
    trigger = {"type": "schedule", "every": 1, "collection": "clients", "where": {"city": "Kranj"}}
    flow = create_flow(api, oid, [passing()], trigger=trigger)
    client("First", "Kranj")
    client("Elsewhere", "Bled")
    client("Second", "Kranj")
    back(database, flow["id"])
    schedules.fire_due(database, utcnow())
    runs = runs_of(api, flow["id"], **{"filter[order]": "createdAt ASC"})
    assert [r["trigger"]["data"]["name"] for r in runs] == ["First", "Second"]
    assert runs[0]["trigger"]["model"] == "client"
    # editing `where` keeps what was seen (Existing, First, Second); nothing is polled twice
    api.patch(f"/v1/flows/{flow['id']}", json={"trigger": {**trigger, "where": {}}})
    back(database, flow["id"])
    schedules.fire_due(database, utcnow())
    names = sorted(r["trigger"]["data"]["name"] for r in runs_of(api, flow["id"]))
    assert names == ["Elsewhere", "First", "Second"]
    # a re-enable marks every existing instance seen
    api.patch(f"/v1/flows/{flow['id']}", json={"enabled": False})
    client("While disabled", "Kranj")
    api.patch(f"/v1/flows/{flow['id']}", json={"enabled": True})
    back(database, flow["id"])
    schedules.fire_due(database, utcnow())
    assert len(runs_of(api, flow["id"])) == 3


def test_cron_rules() -> None:
    """`every` divides the minutes since the epoch; DST: a skipped wall time fires once after
    the gap, a repeated one once."""
    at = datetime(2026, 1, 1, 0, 15, 30, tzinfo=UTC)
    assert cron.latest_due({"every": 15}, "UTC", at - timedelta(minutes=14), at) == at.replace(
        second=0
    )
    assert cron.latest_due({"every": 15}, "UTC", at - timedelta(seconds=10), at) is None
    daily = {"cron": "30 2 * * *"}
    spring = cron.latest_due(
        daily,
        "Europe/Brussels",
        datetime(2026, 3, 29, 0, tzinfo=UTC),
        datetime(2026, 3, 29, 3, tzinfo=UTC),
    )
    assert spring == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)  # 03:00 local, after the gap
    first = cron.latest_due(
        daily,
        "Europe/Brussels",
        datetime(2026, 10, 24, 23, tzinfo=UTC),
        datetime(2026, 10, 25, 0, 45, tzinfo=UTC),
    )
    assert first == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    repeat = cron.latest_due(
        daily,
        "Europe/Brussels",
        datetime(2026, 10, 25, 0, 45, tzinfo=UTC),
        datetime(2026, 10, 25, 3, tzinfo=UTC),
    )
    assert repeat is None
    weekdays = {"cron": "0 9 * * mon-fri"}
    saturday = datetime(2026, 3, 7, 10, tzinfo=UTC)
    assert cron.latest_due(weekdays, "UTC", saturday - timedelta(hours=2), saturday) is None
    friday = datetime(2026, 3, 6, 10, tzinfo=UTC)
    assert cron.latest_due(weekdays, "UTC", friday - timedelta(hours=2), friday) == friday.replace(
        hour=9
    )
