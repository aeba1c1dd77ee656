"""Who may see an organization's pages (WEB §W2.5), and the language of a page (WEB §W1.3)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response
from fastapi.testclient import TestClient

from spaceport.app import create_app
from spaceport.web.guard import AdminPlaceDep, FormDep, WritingPlaceDep
from spaceport.web.pages import PageRoute, see_other
from tests.conftest import Api
from tests.web.conftest import csrf_of, form_post, h1_of, signed_in


def test_another_organization_is_the_404_page(client: TestClient, app: Any) -> None:
    owner, stranger = Api(client), Api(client)
    org = owner.create_organization()
    web = signed_in(app, stranger)
    for path in (f"/app/o/{org['id']}", "/app/o/0123456789abcdef01234567", "/app/o/nothing"):
        answer = web.get(path)
        assert answer.status_code == 404, path
        assert h1_of(answer.text) == "Not found"
        assert org["name"] not in answer.text


def test_a_disabled_access_is_the_404_page(client: TestClient, app: Any) -> None:
    admin, member = Api(client), Api(client)
    org = admin.create_organization()
    access = admin.post(
        f"/v1/organizations/{org['id']}/invite",
        data={"accountId": member.account_id, "requireConfirmation": "false"},
    ).json()
    web = signed_in(app, member)
    assert web.get(f"/app/o/{org['id']}").status_code == 200
    admin.post(f"/v1/accountorganizations/{access['id']}/disable")
    assert web.get(f"/app/o/{org['id']}").status_code == 404


def test_an_unknown_page_is_the_404_page(app: Any, api: Api) -> None:
    answer = signed_in(app, api).get("/app/nowhere/at/all")
    assert answer.status_code == 404 and h1_of(answer.text) == "Not found"


def test_every_organization_page_has_the_navigation(app: Any, api: Api) -> None:
    """WEB §W8 "every … page"; WEB §W1.3: "English" and "Slovenščina" link to the page."""
    org = api.create_organization()
    page = signed_in(app, api).get(f"/app/o/{org['id']}").text
    base = f"/app/o/{org['id']}"
    for href, word in (
        ("/app/", "Organizations"),
        (base, "Dashboard"),
        (f"{base}/documents", "Documents"),
        (f"{base}/clients", "Clients"),
        (f"{base}/items", "Items"),
        (f"{base}/flows", "Flows"),
        (f"{base}/webhooks", "Webhooks"),
        (f"{base}/settings", "Settings"),
    ):
        assert f'<a href="{href}"' in page and f">{word}</a>" in page, word
    assert f'href="{base}?lang=en"' in page and f'href="{base}?lang=sl"' in page
    assert ">Log out</button>" in page and org["name"] in page


def test_lang_changes_the_page_and_becomes_the_accounts_locale(app: Any, api: Api) -> None:
    web = signed_in(app, api)
    assert h1_of(web.get("/app/?lang=sl").text) == "Organizacije"
    assert api.get(f"/v1/accounts/{api.account_id}").json()["locale"] == "sl"
    assert h1_of(web.get("/app/").text) == "Organizacije"
    assert h1_of(web.get("/app/?lang=en").text) == "Organizations"


def test_a_language_chosen_on_the_login_page_is_saved_at_login(app: Any, api: Api) -> None:
    web = TestClient(app)
    form = web.get("/app/login?lang=sl").text
    assert h1_of(form) == "Prijava" and 'name="lang" value="sl"' in form
    data = {"email": api.email, "password": api.password, "lang": "sl"}
    web.post("/app/login", data={**data, "csrf_token": csrf_of(form)})
    assert api.get(f"/v1/accounts/{api.account_id}").json()["locale"] == "sl"


def probing_app(settings: Any, database: Any) -> Any:
    """The app with one changing page, as the pages that change data declare it."""
    app = create_app(settings, database)
    probe = APIRouter(route_class=PageRoute)

    @probe.post("/app/o/{organization_id}/probe")
    def change(place: WritingPlaceDep, form: FormDep) -> Response:
        return see_other(f"/app/o/{place.organization.id}?changed={form.get('value')}")

    @probe.get("/app/o/{organization_id}/team-probe")
    def team(place: AdminPlaceDep) -> Response:
        return see_other(f"/app/o/{place.organization.id}")

    app.router.routes[0:0] = probe.routes  # before the 404 page of every other path
    return app


def test_a_readonly_member_gets_403_before_the_form_is_read(
    client: TestClient, settings: Any, database: Any
) -> None:
    """WEB §W2.5: readonly may not post; WEB §W2.4: nor may anyone without the token."""
    app = probing_app(settings, database)
    admin, reader = Api(client), Api(client)
    org = admin.create_organization()
    admin.post(
        f"/v1/organizations/{org['id']}/invite",
        data={"accountId": reader.account_id, "role": "readonly", "requireConfirmation": "false"},
    )
    action = f"/app/o/{org['id']}/probe"
    as_admin = form_post(signed_in(app, admin), "/app/", action, {"value": "1"})
    assert as_admin.status_code == 303 and as_admin.headers["location"].endswith("changed=1")
    forbidden = form_post(signed_in(app, reader), "/app/", action, {"value": "1"})
    assert forbidden.status_code == 403 and h1_of(forbidden.text) == "Forbidden"
    assert signed_in(app, admin).post(action, data={"value": "1"}).status_code == 403
    assert signed_in(app, reader).get(f"/app/o/{org['id']}/team-probe").status_code == 403
    team = signed_in(app, admin).get(f"/app/o/{org['id']}/team-probe", follow_redirects=False)
    assert team.status_code == 303


def test_a_deactivated_organization_is_read_only(
    client: TestClient, settings: Any, database: Any
) -> None:
    app = probing_app(settings, database)
    admin = Api(client)
    org = admin.create_organization()
    assert admin.post(f"/v1/organizations/{org['id']}/deactivate").status_code == 200
    web = signed_in(app, admin)
    assert web.get(f"/app/o/{org['id']}").status_code == 200
    answer = form_post(web, "/app/", f"/app/o/{org['id']}/probe", {"value": "1"})
    assert answer.status_code == 403
