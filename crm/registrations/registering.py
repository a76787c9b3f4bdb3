"""Registering a prospect as a participant, and a participant's status (active or lapsed).

The web form, the reconciliation with the core system and any later API call all come here, so
the rules hold whichever door a registration comes through.
"""

from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from crm import audit
from crm.errors import Conflict, DomainError, Invalid
from crm.extensions import db
from crm.models import (
    ParticipantStatus,
    Payer,
    Programme,
    Prospect,
    Registration,
    RegistrationOrigin,
    Role,
    Stage,
    User,
)
from crm.prospects import scope, stages
from crm.registrations import contributions, kpj
from crm.registrations.contributions import Contribution, RateTable

PAYER_LABELS = {
    Payer.WORKER: _l("The worker"),
    Payer.APBD: _l("Regency government (APBD)"),
    Payer.DANA_DESA: _l("Village fund (Dana Desa)"),
    Payer.DBHCHT: _l("Tobacco excise sharing (DBHCHT)"),
    Payer.SPONSOR: _l("A company or other sponsor"),
}
STATUS_LABELS = {ParticipantStatus.ACTIVE: _l("Active"), ParticipantStatus.LAPSED: _l("Lapsed")}


class NotAllowed(DomainError):
    status = 403


class AlreadyRegistered(Conflict):
    """The prospect has a registration already; `registration` is it, to be shown."""

    def __init__(self, registration: Registration):
        super().__init__(_l("%(name)s is already registered (KPJ %(kpj)s).", name=registration.prospect.name,
                            kpj=registration.kpj), registration_id=registration.id, kpj=registration.kpj)
        self.registration = registration


@dataclass
class RegistrationDetails:
    """What an officer fills in; `programmes` must hold JKK and JKM at least."""

    kpj: str
    registered_on: date
    declared_income: int
    programmes: frozenset[Programme] = field(default_factory=lambda: frozenset(contributions.MINIMUM_PROGRAMMES))
    payer: Payer = Payer.WORKER
    sponsor_name: str | None = None


def _registered_meanwhile(prospect: Prospect) -> Registration | None:
    """The prospect's registration as the database holds it now (another request may just have made it)."""
    return db.session.scalar(select(Registration).where(Registration.prospect_id == prospect.id))


def registration_with_kpj(number: str) -> Registration | None:
    return db.session.scalar(select(Registration).where(Registration.kpj == number))


def lapsed_participants(user: User) -> list[Registration]:
    """The registrations `user` may see whose participant has lapsed, most recently lapsed first: to be won back."""
    return list(db.session.scalars(
        select(Registration).join(Registration.prospect)
        .where(Registration.status == ParticipantStatus.LAPSED, scope.visibility_filter(user))
        .options(selectinload(Registration.prospect).selectinload(Prospect.kecamatan),
                 selectinload(Registration.prospect).selectinload(Prospect.desa), selectinload(Registration.officer))
        .order_by(Registration.status_changed_on.desc().nulls_last(), Registration.id)))


def check_may_register(actor: User | None, prospect: Prospect) -> None:
    """Officers register prospects they may work (theirs or in their kecamatan); managers and admins
    those of their branch; liaisons never. The rule itself lives in crm/prospects/scope.py."""
    if actor is not None and not scope.can_work(actor, prospect):
        raise NotAllowed(_l("You may not register this prospect."))


def contribution_for(prospect: Prospect | None, declared_income: int, programmes, *, on: date, payer: Payer,
                     table: RateTable | None = None) -> Contribution:
    """The contribution this prospect would pay: the rates in force on `on` for their sector and payer."""
    return contributions.compute_contribution(
        declared_income, programmes, on=on, payer=payer, table=table,
        sector_group=contributions.sector_group_of(prospect.sector if prospect is not None else None))


def contribution_preview(prospect: Prospect, declared_income: int, programmes, *, on: date,
                         payer: Payer) -> tuple[Contribution | None, str | None]:
    """(the contribution, None) for what the register form holds so far, or (None, why there is none yet)."""
    try:
        return contribution_for(prospect, declared_income, programmes, on=on, payer=payer), None
    except DomainError as error:
        return None, str(error.message)


def credited_officer(prospect: Prospect, actor: User | None) -> User | None:
    """The officer a registration counts for: the officer who made it, else the one assigned."""
    if actor is not None and actor.role is Role.OFFICER:
        return actor
    return prospect.assigned_officer


def _check_kpj_free(number: str, prospect: Prospect) -> None:
    holder = registration_with_kpj(number)
    if holder is not None and holder.prospect_id != prospect.id:
        raise Conflict(_l("KPJ %(kpj)s already belongs to another participant.", kpj=number), field="kpj")


def _clean(details: RegistrationDetails, today: date) -> RegistrationDetails:
    number = kpj.normalise(details.kpj)
    if details.registered_on is None:
        raise Invalid(_l("Enter the registration date."), field="registered_on")
    if details.registered_on > today:
        raise Invalid(_l("The registration date cannot be in the future."), field="registered_on")
    sponsor = (details.sponsor_name or "").strip() or None
    if details.payer is Payer.SPONSOR and sponsor is None:
        raise Invalid(_l("Name the sponsor who pays."), field="sponsor_name")
    return RegistrationDetails(
        kpj=number, registered_on=details.registered_on, declared_income=details.declared_income,
        programmes=contributions.check_programmes(details.programmes), payer=details.payer,
        sponsor_name=sponsor if details.payer is Payer.SPONSOR else None)


def snapshot(registration: Registration) -> dict:
    return {
        "prospect_id": registration.prospect_id, "kpj": registration.kpj,
        "registered_on": registration.registered_on.isoformat(),
        "programmes": [p.name for p in programmes_of(registration)],
        "declared_income": registration.declared_income, "monthly_contribution": registration.monthly_contribution,
        "payer": registration.payer.value, "sponsor_name": registration.sponsor_name,
        "status": registration.status.value, "officer_id": registration.officer_id,
        "origin": registration.origin.value,
    }


def programmes_of(registration: Registration) -> list[Programme]:
    flags = {Programme.JKK: registration.jkk, Programme.JKM: registration.jkm, Programme.JHT: registration.jht}
    return [programme for programme in contributions.PROGRAMME_ORDER if flags[programme]]


def _save(registration: Registration, prospect: Prospect) -> None:
    """Add and flush inside a savepoint, so a KPJ taken a moment ago by someone else is a Conflict; then it is
    the prospect's registration (linked only once stored: a flush must not meet it half-added)."""
    try:
        with db.session.begin_nested():
            db.session.add(registration)
            db.session.flush()
    except IntegrityError:
        existing = _registered_meanwhile(prospect)
        if existing is not None:
            raise AlreadyRegistered(existing) from None
        raise Conflict(_l("KPJ %(kpj)s already belongs to another participant.", kpj=registration.kpj),
                       field="kpj") from None
    prospect.registration = registration


def register(prospect: Prospect, details: RegistrationDetails, *, actor: User | None, today: date,
             ip: str | None = None, table: RateTable | None = None) -> Registration:
    """Register the prospect: check, compute the contribution with the rates in force on the
    registration date, move the prospect to "registered" and credit the officer, agency and batch.

    Refuses a second registration of the same prospect (AlreadyRegistered carries the first) and a
    KPJ that belongs to someone else. The caller commits.
    """
    check_may_register(actor, prospect)
    if prospect.registration is not None:
        raise AlreadyRegistered(prospect.registration)
    clean = _clean(details, today)
    _check_kpj_free(clean.kpj, prospect)
    contribution = contribution_for(prospect, clean.declared_income, clean.programmes, on=clean.registered_on,
                                    payer=clean.payer, table=table)
    registration = Registration(
        branch_id=prospect.branch_id, prospect_id=prospect.id, kpj=clean.kpj, registered_on=clean.registered_on,
        jkk=Programme.JKK in clean.programmes, jkm=Programme.JKM in clean.programmes,
        jht=Programme.JHT in clean.programmes, declared_income=clean.declared_income,
        monthly_contribution=contribution.total, payer=clean.payer, sponsor_name=clean.sponsor_name,
        status=ParticipantStatus.ACTIVE, officer=credited_officer(prospect, actor),
        source_agency_id=prospect.source_agency_id, lead_batch_id=prospect.lead_batch_id,
        origin=RegistrationOrigin.SASAR,
    )
    _save(registration, prospect)
    stages.move(prospect, Stage.REGISTERED)
    audit.record("create", "registration", registration.id, actor=actor, branch_id=prospect.branch_id, ip=ip,
                 after=snapshot(registration))
    return registration


def record_from_core_system(prospect: Prospect, number: str, registered_on: date, status: ParticipantStatus,
                            status_on: date, *, actor: User | None = None) -> Registration:
    """A registration made at the counter, learnt from the core system's export.

    The export carries no income or programmes, so those stay unknown (JKK and JKM, the minimum,
    are assumed); the officer assigned to the prospect and its agency and batch get the credit.
    """
    registration = Registration(
        branch_id=prospect.branch_id, prospect_id=prospect.id, kpj=number, registered_on=registered_on,
        jkk=True, jkm=True, jht=False, declared_income=None, monthly_contribution=None, payer=Payer.WORKER,
        status=status, status_changed_on=status_on if status is ParticipantStatus.LAPSED else None,
        officer=prospect.assigned_officer, source_agency_id=prospect.source_agency_id,
        lead_batch_id=prospect.lead_batch_id, origin=RegistrationOrigin.CORE_SYSTEM,
    )
    _save(registration, prospect)
    stages.move(prospect, Stage.REGISTERED)
    audit.record("create", "registration", registration.id, actor=actor, branch_id=prospect.branch_id,
                 after=snapshot(registration))
    return registration


def correct_from_core_system(registration: Registration, number: str, registered_on: date, *,
                             actor: User | None = None) -> bool:
    """Make the KPJ and registration date agree with the core system; True if anything changed."""
    if (registration.kpj, registration.registered_on) == (number, registered_on):
        return False
    before = snapshot(registration)
    if registration.kpj != number:
        _check_kpj_free(number, registration.prospect)
    registration.kpj, registration.registered_on = number, registered_on
    audit.record("update", "registration", registration.id, actor=actor, branch_id=registration.branch_id,
                 before=before, after=snapshot(registration))
    return True


def set_status(registration: Registration, status: ParticipantStatus, on: date, *,
               actor: User | None = None) -> bool:
    """Mark the participant active or lapsed as of `on`; True if the status changed.

    A lapse counts against the year of `on` in the target arithmetic; becoming active again takes
    the participant off the re-activation list.
    """
    if registration.status is status:
        return False
    before = snapshot(registration)
    registration.status = status
    registration.status_changed_on = on
    audit.record("status", "registration", registration.id, actor=actor, branch_id=registration.branch_id,
                 before=before, after=snapshot(registration))
    return True
