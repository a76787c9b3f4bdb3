"""Making the records a test needs, through the same domain functions the app uses."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from crm import reference
from crm.auth import accounts, tokens
from crm.events import planning
from crm.extensions import db
from crm.models import EventKind, Prospect, Region, RegionLevel, Role, Stage

PASSWORD = "correct-horse-battery"


def make_user(role: Role = Role.ADMIN, username: str | None = None, *, name: str | None = None,
              email: str | None = None, agency_code: str | None = None, kecamatan: tuple[str, ...] = (),
              password: str = PASSWORD, branch_code: str = "SBO"):
    branch = reference.branch_by_code(branch_code)
    username = username or f"{role.value}{db.session.query(accounts.User).count() + 1}"
    user = accounts.create_user(accounts.AccountDetails(
        name=name or username.title(), role=role, username=username, email=email,
        agency=reference.agency_by_code(agency_code) if agency_code else None,
        kecamatan=[reference.kecamatan_by_name(branch, k) for k in kecamatan],
    ), password, branch)
    db.session.commit()
    return user


def is_signed_in(client) -> bool:
    """True unless Sasar sends this client to the sign-in page."""
    response = client.get("/account/password")
    return response.status_code == 200


def sign_in(client, user, password: str = PASSWORD):
    response = client.post("/login", data={"login": user.login, "password": password})
    assert response.status_code == 302, "sign-in failed"
    return response


def bearer_for(user, name: str = "test") -> dict[str, str]:
    """The Authorization header of a new API token of `user`."""
    issued = tokens.issue_token(user, name)
    db.session.commit()
    return {"Authorization": f"Bearer {issued.secret}"}


def desa_named(name: str, kecamatan: str | None = None) -> Region:
    query = select(Region).where(Region.level == RegionLevel.DESA, Region.name == name)
    matches = [d for d in db.session.scalars(query) if kecamatan is None or d.parent.name == kecamatan]
    assert len(matches) == 1, f"desa {name} ({kecamatan}) is ambiguous or unknown"
    return matches[0]


def make_prospect(name: str = "Siti Aminah", desa: str = "Kilensari", *, kecamatan: str | None = None,
                  stage: Stage = Stage.NEW, officer=None, phone: str | None = "+6281234567890",
                  nik: str | None = None, latitude: float | None = None, longitude: float | None = None,
                  next_follow_up=None, agency_code: str | None = "DISNAKKAN") -> Prospect:
    place = desa_named(desa, kecamatan)
    prospect = Prospect(
        branch=place.branch, name=name, desa=place, kecamatan_id=place.parent_id,
        stage=stage, assigned_officer=officer, phone=phone, nik=nik, latitude=latitude, longitude=longitude,
        next_follow_up=next_follow_up,
        source_agency=reference.agency_by_code(agency_code) if agency_code else None,
    )
    db.session.add(prospect)
    db.session.commit()
    return prospect


def make_event(actor, title: str = "Sosialisasi kelompok nelayan", desa: str = "Kilensari", *, starts_at=None,
               hours: int = 3, cap: int | None = None, agency_code: str | None = None, officers=()):
    """An event of the actor's branch, starting now unless told (so its sign-up link is open)."""
    start = starts_at or datetime.now(UTC).replace(microsecond=0)
    event = planning.create_event(planning.EventDetails(
        title=title, kind=EventKind.SOSIALISASI, starts_at=start, ends_at=start + timedelta(hours=hours),
        desa_id=desa_named(desa).id, agency_id=reference.agency_by_code(agency_code).id if agency_code else None,
        officer_ids=[o.id for o in officers], signup_cap=cap), actor)
    db.session.commit()
    return event
