"""GET /api/v1/stats/funnel: the dashboard's funnel with the same filters, for managers and admins."""

from datetime import datetime

import pytest

from crm.auth import tokens
from tests.dashboard_data import JAKARTA, build, expected


def _bearer(db, user) -> dict:
    issued = tokens.issue_token(user, "stats")
    db.session.commit()
    return {"Authorization": f"Bearer {issued.secret}"}


def test_the_funnel_of_a_period_counts_the_leads_that_arrived_in_it(client, db):
    data = build(seed=31)
    args = {"from": "2024-01-01", "to": "2024-12-31", "sector": "farming"}
    response = client.get("/api/v1/stats/funnel", query_string=args, headers=_bearer(db, data.manager))
    assert response.status_code == 200
    body = response.json
    want = expected([data.sbo.id], args, datetime.now(JAKARTA).date())
    assert (body["start"], body["end"], body["filters"]) == ("2024-01-01", "2024-12-31", args)
    assert body["total"] == want.total > 0
    assert [s["stage"] for s in body["stages"]] == ["new", "contacted", "visited", "interested", "registered",
                                                   "declined", "unreachable"]
    assert {s["stage"]: s["count"] for s in body["stages"]} == want.counts
    assert {s["stage"]: s["reached"] for s in body["stages"]} == {**want.reached, "declined": None,
                                                                  "unreachable": None}
    visited = next(s for s in body["stages"] if s["stage"] == "visited")
    assert visited["rate_from_previous"] == pytest.approx(want.reached["visited"] / want.reached["contacted"])
    assert body["median_days_to_registration"] == pytest.approx(want.median)


def test_without_a_period_it_is_this_year(client, db):
    data = build(prospects=30)
    body = client.get("/api/v1/stats/funnel", headers=_bearer(db, data.admin)).json
    year = datetime.now(JAKARTA).year
    assert (body["start"], body["end"]) == (f"{year}-01-01", f"{year}-12-31")
    assert body["total"] == expected([data.sbo.id, data.jbr.id], {}, datetime.now(JAKARTA).date()).total


@pytest.mark.parametrize(("query", "field"), [
    ({"from": "2024-02-30"}, "from"), ({"to": "yesterday"}, "to"), ({"agency": "DPMD"}, "agency"),
    ({"sector": "mining"}, "sector"), ({"desa": "999999"}, "desa"), ({"officer": "0"}, "officer"),
    ({"from": "2025-01-01", "to": "2024-01-01"}, "to"), ({"batch": "99999999999"}, "batch"),
])
def test_bad_parameters_are_problems(client, db, query, field):
    data = build(prospects=5)
    response = client.get("/api/v1/stats/funnel", query_string=query, headers=_bearer(db, data.manager))
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    assert [e["field"] for e in response.json["errors"]] == [field]


def test_officers_and_liaisons_may_not_ask(client, db):
    data = build(prospects=5)
    for user in (data.officers[0], data.liaison):
        response = client.get("/api/v1/stats/funnel", headers=_bearer(db, user))
        assert response.status_code == 403 and response.content_type == "application/problem+json"
    assert client.get("/api/v1/stats/funnel").status_code == 401


def test_the_operation_and_its_parameters_are_in_the_openapi_document(client, db):
    document = client.get("/api/v1/openapi.json").json
    operation = document["paths"]["/stats/funnel"]["get"]
    assert operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"] == \
        "#/components/schemas/FunnelOut"
    assert "422" in operation["responses"]
    assert set(operation["x-roles"]) == {"admin", "manager"}
    parameters = {p["name"]: p for p in operation["parameters"]}
    assert set(parameters) == {"from", "to", "branch", "agency", "kecamatan", "desa", "officer", "batch", "sector",
                               "event"}
    assert all(p["in"] == "query" and not p["required"] for p in parameters.values())
    assert parameters["sector"]["schema"]["enum"][0] == "fishing"
    assert "median_days_to_registration" in document["components"]["schemas"]["FunnelOut"]["properties"]
