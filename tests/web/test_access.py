"""Every page is closed to anonymous visitors, and every route carries an access rule."""

import re

import pytest

from crm.auth.access import PUBLIC_ENDPOINTS, rule_for
from crm.models import Role
from tests.factories import make_user, sign_in


def _url_for_rule(rule) -> str:
    return re.sub(r"<(?:\w+:)?\w+>", "1", rule.rule)


def _routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def test_every_route_has_an_access_rule(app):
    missing = [rule.endpoint for rule in app.url_map.iter_rules()
               if rule.endpoint not in PUBLIC_ENDPOINTS and rule_for(app, rule.endpoint) is None]
    assert missing == [], f"routes without an @allow rule: {missing}"


def test_anonymous_visitors_are_sent_to_sign_in_from_every_page(app, client, db):
    checked = 0
    for rule, method in _routes(app):
        url = _url_for_rule(rule)
        response = client.open(url, method=method)
        if rule.endpoint.startswith("api."):
            assert response.status_code == 401, f"{method} {url}"
            assert response.content_type == "application/problem+json"
        else:
            assert response.status_code == 302, f"{method} {url} answered {response.status_code}"
            assert response.headers["Location"].startswith("/login?next="), f"{method} {url}"
        checked += 1
    assert checked >= 8


@pytest.mark.parametrize("role", [Role.MANAGER, Role.OFFICER, Role.LIAISON])
def test_only_admins_manage_users(client, db, role):
    user = make_user(role, agency_code="DINSOS" if role is Role.LIAISON else None)
    sign_in(client, user)
    assert client.get("/users").status_code == 403
    assert client.get("/users/new").status_code == 403
    assert client.post(f"/users/{user.id}/active", data={"active": "0"}).status_code == 403
    assert "/users" not in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("role", list(Role))
def test_every_role_gets_a_home_page(client, db, role):
    user = make_user(role, agency_code="DISNAKKAN" if role is Role.LIAISON else None,
                     kecamatan=("Panarukan",) if role is Role.OFFICER else ())
    sign_in(client, user)
    response = client.get("/", follow_redirects=True)
    assert response.status_code == 200
    assert user.name in response.get_data(as_text=True)


def test_sign_in_page_links_back_after_sign_in(client, db):
    response = client.get("/users")
    assert response.headers["Location"] == "/login?next=/users"


SKIPPED_IN_WALK = {"auth.logout"}  # would end the walking client's own session


def _walk_as(app, db, role):
    from crm.auth import tokens

    user = make_user(role, f"walker{role.value}", agency_code="DINSOS" if role is Role.LIAISON else None,
                     kecamatan=("Panarukan",) if role is Role.OFFICER else ())
    client = app.test_client()
    sign_in(client, user)
    bearer = {"Authorization": f"Bearer {tokens.issue_token(user, 'walk').secret}"}
    db.session.commit()
    for rule, method in _routes(app):
        if rule.endpoint in SKIPPED_IN_WALK:
            continue
        headers = bearer if rule.endpoint.startswith("api.") else {}
        response = client.open(_url_for_rule(rule), method=method, headers=headers)
        yield rule, method, response


@pytest.mark.parametrize("role", list(Role))
def test_every_route_answers_each_role_as_the_access_matrix_says(app, db, role):
    checked = 0
    for rule, method, response in _walk_as(app, db, role):
        allowed = role in rule_for(app, rule.endpoint)
        where = f"{method} {rule.rule} as {role.value}: {response.status_code}"
        if allowed:
            assert response.status_code not in (401, 403), where
            assert response.status_code < 500, where
        else:
            assert response.status_code == 403, where
        checked += 1
    assert checked >= 20


def test_readme_states_the_access_matrix_of_the_code(app):
    from pathlib import Path

    from crm.auth.access import access_matrix_markdown

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert access_matrix_markdown(app) in readme, \
        "README's access table is out of date: run `flask --app wsgi sasar access-matrix --write README.md`"


@pytest.mark.parametrize("role, page, link, shown", [
    (Role.ADMIN, "/targets", "/targets/settings", True),
    (Role.MANAGER, "/targets", "/targets/settings", False),
    (Role.MANAGER, "/prospects", "/prospects/assign", True),
    (Role.OFFICER, "/prospects", "/prospects/assign", False),
])
def test_pages_offer_a_link_only_to_whom_its_page_would_open(app, client, db, role, page, link, shown):
    user = make_user(role)
    sign_in(client, user)
    assert (f'href="{link}' in client.get(page).get_data(as_text=True)) is shown
    assert (client.get(link).status_code == 200) is shown
