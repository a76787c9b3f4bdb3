"""The API fuzzed from its own OpenAPI document: no 5xx, and every answer matches the document."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import checks

from crm.api.spec import OPERATIONS
from crm.auth import tokens
from crm.models import Role
from tests.factories import make_prospect, make_user

CHECKS = [checks.not_a_server_error, checks.status_code_conformance, checks.content_type_conformance,
          checks.response_schema_conformance]
FUZZ_SETTINGS = settings(max_examples=25, deadline=None, derandomize=True, database=None,
                         suppress_health_check=list(HealthCheck))


@pytest.fixture
def bearer(db):
    admin = make_user(Role.ADMIN, "fuzzer", kecamatan=())
    make_prospect("Siti Aminah")  # something for the id-shaped parameters to hit
    issued = tokens.issue_token(admin, "fuzz")
    db.session.commit()
    return {"Authorization": f"Bearer {issued.secret}"}


@pytest.mark.parametrize("operation_id", sorted(op.endpoint.replace(".", "_") for op in OPERATIONS))
def test_api_answers_every_generated_request_as_documented(app, bearer, operation_id):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operation = schema.find_operation_by_id(operation_id)

    @FUZZ_SETTINGS
    @given(case=operation.as_strategy())
    def check(case):
        # Not "positive data acceptance": a well-formed id of a desa that does not exist is rightly a 422.
        case.call_and_validate(headers=bearer, checks=CHECKS)

    check()
