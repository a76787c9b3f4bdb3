"""Making the records a test needs, through the same domain functions the app uses."""

from crm import reference
from crm.auth import accounts
from crm.extensions import db
from crm.models import Role

PASSWORD = "correct-horse-battery"


def make_user(role: Role = Role.ADMIN, username: str | None = None, *, name: str | None = None,
              email: str | None = None, agency_code: str | None = None, kecamatan: tuple[str, ...] = (),
              password: str = PASSWORD):
    branch = reference.branch_by_code("SBO")
    username = username or f"{role.value}{db.session.query(accounts.User).count() + 1}"
    user = accounts.create_user(accounts.AccountDetails(
        name=name or username.title(), role=role, username=username, email=email,
        agency=reference.agency_by_code(agency_code) if agency_code else None,
        kecamatan=[reference.kecamatan_by_name(branch, k) for k in kecamatan],
    ), password, branch)
    db.session.commit()
    return user


def sign_in(client, user, password: str = PASSWORD):
    response = client.post("/login", data={"login": user.login, "password": password})
    assert response.status_code == 302, "sign-in failed"
    return response
