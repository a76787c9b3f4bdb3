from datetime import date

from crm import reference
from crm.auth import tokens
from crm.i18n import local_today
from crm.models import Role, Stage
from crm.registrations import registering, targets
from crm.registrations.registering import RegistrationDetails
from tests.factories import make_prospect, make_user


def _bearer(db, role: Role) -> dict:
    issued = tokens.issue_token(make_user(role, agency_code="DINSOS" if role is Role.LIAISON else None), "test")
    db.session.commit()
    return {"Authorization": f"Bearer {issued.secret}"}


def test_progress_of_a_past_year(client, db):
    targets.set_target(reference.branch_by_code("SBO"), 2024, 23_000, 20_797)
    prospect = make_prospect("Siti Aminah", "Kilensari", stage=Stage.INTERESTED)
    registering.register(prospect, RegistrationDetails(kpj="24010000001", registered_on=date(2024, 5, 2),
                                                       declared_income=1_000_000), actor=None, today=local_today())
    db.session.commit()
    response = client.get("/api/v1/targets/progress?year=2024", headers=_bearer(db, Role.MANAGER))
    assert response.status_code == 200
    assert response.json == {
        "branch": "SBO", "year": 2024, "as_of": "2024-12-31", "target": 23_000, "baseline": 20_797,
        "registered": 1, "lapsed": 0, "active_now": 20_798, "share_of_target": 20_798 / 23_000,
        "months_elapsed": 12.0, "run_rate": 1 / 12, "projection": 20_798, "gap": 2_202, "needed_per_month": None,
        "on_track": False,
    }


def test_no_target_and_bad_years_are_problems(client, db):
    headers = _bearer(db, Role.ADMIN)
    missing = client.get("/api/v1/targets/progress?year=2030", headers=headers)
    assert missing.status_code == 404 and missing.content_type == "application/problem+json"
    bad = client.get("/api/v1/targets/progress?year=twenty", headers=headers)
    assert bad.status_code == 422 and bad.content_type == "application/problem+json"


def test_the_current_year_is_the_default(client, db):
    targets.set_target(reference.branch_by_code("SBO"), local_today().year, 23_000, 20_797)
    db.session.commit()
    response = client.get("/api/v1/targets/progress", headers=_bearer(db, Role.ADMIN))
    assert response.status_code == 200 and response.json["year"] == local_today().year
    assert response.json["as_of"] == local_today().isoformat()


def test_officers_and_liaisons_may_not_ask(client, db):
    for role in (Role.OFFICER, Role.LIAISON):
        assert client.get("/api/v1/targets/progress", headers=_bearer(db, role)).status_code == 403


def test_the_operation_is_in_the_openapi_document(client, db):
    document = client.get("/api/v1/openapi.json").json
    operation = document["paths"]["/targets/progress"]["get"]
    assert operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"] == \
        "#/components/schemas/TargetProgressOut"
    assert set(operation["x-roles"]) == {"admin", "manager"}
    assert "needed_per_month" in document["components"]["schemas"]["TargetProgressOut"]["properties"]
