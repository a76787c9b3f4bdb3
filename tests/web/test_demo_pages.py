"""Every page opens without error on the demo branch, for every role."""

import re

import pytest
from sqlalchemy import select

from crm import demo
from crm.auth.access import PUBLIC_ENDPOINTS, rule_for
from crm.models import Role, User


@pytest.fixture
def demo_branch(db):
    result = demo.seed_demo(prospect_count=300, seed=7)
    db.session.commit()
    return result


@pytest.mark.parametrize("role", list(Role))
def test_every_page_opens_on_the_demo_data(app, db, demo_branch, role):
    login = next(item for item in demo_branch.logins if item.role is role)
    client = app.test_client()
    assert client.post("/login", data={"login": login.login, "password": login.password}).status_code == 302
    user = db.session.scalar(select(User).where(User.username == login.login))
    opened = 0
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static" or rule.endpoint.startswith("api."):
            continue
        allowed = rule.endpoint in PUBLIC_ENDPOINTS or user.role in (rule_for(app, rule.endpoint) or ())
        if not allowed:
            continue
        url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: "csv" if m.group(1) == "fmt" else "1", rule.rule)
        response = client.get(url)
        assert response.status_code < 500, f"GET {url} as {role.value}: {response.status_code}"
        opened += 1
    assert opened >= 3
