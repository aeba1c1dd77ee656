"""Webhooks through the API (reference "Webhooks"; COMPAT §8.2, COMPAT §5.1, COMPAT §1.10): the
reference's examples, validation of `url` and `events`, the secret answered once, refused
targets."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from spaceport.config import Settings
from spaceport.kit.db import Database
from spaceport.webhooks import sealed
from spaceport.webhooks.models import Webhook
from tests.conftest import Api


def create(api: Api, oid: str, **body: Any) -> Any:
    return api.post(f"/v1/organizations/{oid}/webhooks", json=body)


def messages(response: Any) -> dict[str, list[str]]:
    assert response.status_code == 422, response.text
    found: dict[str, list[str]] = response.json()["error"]["details"]["messages"]
    return found


def test_reference_create_example_answers_the_webhook_and_its_secret_once(
    api: Api, organization: dict[str, Any], database: Database, settings: Settings
) -> None:
    oid = organization["id"]
    response = api.post(
        f"/v1/organizations/{oid}/webhooks",
        data={"url": "https://example.com", "events[0]": "client/create"},
    )
    assert response.status_code == 200, response.text
    hook = response.json()
    assert hook["organizationId"] == oid and hook["events"] == ["client/create"]
    assert hook["url"] == "https://example.com" and hook["enabled"] is True
    assert len(hook["id"]) == 24 and len(hook["secret"]) >= 43
    assert "secret" not in api.get(f"/v1/webhooks/{hook['id']}").json()
    assert all("secret" not in h for h in api.get(f"/v1/organizations/{oid}/webhooks").json())
    patched = api.patch(f"/v1/webhooks/{hook['id']}", data={"enabled": "false"}).json()
    assert patched["enabled"] is False and "secret" not in patched
    with database.transaction(write=False) as session:
        stored = session.scalars(select(Webhook.secret).where(Webhook.id == hook["id"])).one()
    assert stored != hook["secret"]  # encrypted at rest
    assert sealed.unseal(stored, settings.secret_key) == hook["secret"]


def test_reference_retrieve_update_list_count_and_soft_delete(
    api: Api, organization: dict[str, Any]
) -> None:
    oid = organization["id"]
    hook = create(api, oid, url="https://example.com/a", events=["client/create"]).json()
    assert api.get(f"/v1/webhooks/{hook['id']}").json()["events"] == ["client/create"]
    updated = api.patch(f"/v1/webhooks/{hook['id']}", data={"events[0]": "document/update"})
    assert updated.json()["events"] == ["document/update"]
    assert updated.json()["url"] == "https://example.com/a"  # untouched
    assert api.get(f"/v1/organizations/{oid}/webhooks/count").json() == {"count": 1}
    assert api.delete(f"/v1/webhooks/{hook['id']}").json() == {"count": 1}
    assert api.get(f"/v1/webhooks/{hook['id']}").status_code == 404
    assert api.get(f"/v1/organizations/{oid}/webhooks").json() == []
    deleted = api.get(f"/v1/organizations/{oid}/webhooks", params={"filter[deleted]": "true"})
    assert [h["_isDeleted"] for h in deleted.json()] == [True]


@pytest.mark.parametrize(
    "url",
    ["ftp://example.com/hook", "example.com/hook", "https://", "http://:80/", "mailto:a@b.c"],
)
def test_url_must_be_http_or_https_with_a_host(
    api: Api, organization: dict[str, Any], url: str
) -> None:
    assert "url" in messages(create(api, organization["id"], url=url, events=["create"]))


@pytest.mark.parametrize(
    "events",
    [
        ["client/explode"],
        ["spaceship/create"],
        ["client"],
        ["client/create/now"],
        ["*", "client/create"],
        ["everything"],
    ],
)
def test_events_must_name_a_real_model_and_action(
    api: Api, organization: dict[str, Any], events: list[str]
) -> None:
    response = create(api, organization["id"], url="https://example.com", events=events)
    assert "events" in messages(response)


def test_url_and_events_are_required(api: Api, organization: dict[str, Any]) -> None:
    oid = organization["id"]
    assert "url" in messages(create(api, oid, events=["create"]))
    assert "events" in messages(create(api, oid, url="https://example.com"))
    assert "events" in messages(create(api, oid, url="https://example.com", events=[]))


@pytest.mark.parametrize(
    ("events", "stored"),
    [
        (["client/create", "document/delete"], ["client/create", "document/delete"]),
        (["create"], ["create"]),
        (["*"], ["*"]),
        (["priceList/update", "documentCategory/create"], None),
    ],
)
def test_model_events_bare_actions_and_star_are_accepted(
    api: Api, organization: dict[str, Any], events: list[str], stored: list[str] | None
) -> None:
    response = create(api, organization["id"], url="https://example.com", events=events)
    assert response.status_code == 200, response.text
    if stored is not None:
        assert response.json()["events"] == stored


def test_an_update_is_validated_like_a_create(api: Api, organization: dict[str, Any]) -> None:
    hook = create(api, organization["id"], url="https://example.com", events=["*"]).json()
    assert "events" in messages(api.patch(f"/v1/webhooks/{hook['id']}", json={"events": ["x"]}))
    assert "url" in messages(api.patch(f"/v1/webhooks/{hook['id']}", json={"url": "ftp://x"}))


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/hook",
        "http://localhost/hook",
        "http://10.1.2.3/hook",
        "http://192.168.0.10/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://0.0.0.0/hook",
    ],
)
def test_loopback_and_private_targets_are_refused(
    api: Api, organization: dict[str, Any], url: str
) -> None:
    """Server-side request forgery: refused unless SPACEPORT_WEBHOOK_ALLOW_PRIVATE is set."""
    oid = organization["id"]
    assert "url" in messages(create(api, oid, url=url, events=["*"]))
    public = create(api, oid, url="https://example.com", events=["*"]).json()
    assert "url" in messages(api.patch(f"/v1/webhooks/{public['id']}", json={"url": url}))


def test_private_targets_are_allowed_with_the_setting(
    api: Api, organization: dict[str, Any], private_allowed: Settings
) -> None:
    response = create(api, organization["id"], url="http://127.0.0.1:9/hook", events=["*"])
    assert response.status_code == 200, response.text


def test_a_new_webhook_has_no_deliveries_and_unknown_events_cannot_be_redelivered(
    api: Api, organization: dict[str, Any]
) -> None:
    hook = create(api, organization["id"], url="https://example.com", events=["*"]).json()
    assert api.get(f"/v1/Webhooks/{hook['id']}/Deliveries").json() == []
    unknown = api.post(f"/v1/webhooks/{hook['id']}/deliveries/{'0' * 8}-nope/redeliver")
    assert unknown.status_code == 404


def test_another_organization_cannot_see_the_webhook(
    api: Api, organization: dict[str, Any], client: Any
) -> None:
    hook = create(api, organization["id"], url="https://example.com", events=["*"]).json()
    stranger = Api(client)
    assert stranger.get(f"/v1/webhooks/{hook['id']}").status_code == 401
    assert stranger.get(f"/v1/webhooks/{hook['id']}/deliveries").status_code == 401
