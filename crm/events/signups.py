"""People signing up at an event: from the public form, added by an officer, or sent through the API.

Each answer goes through the lead lists' own checks (crm/leads/validation.py: the name, NIK and phone
rules and their messages) and de-duplication (crm/leads/dedup.py). A person Sasar already knows is not
created again: that prospect gains the event (and, from the form, the consent). A new person becomes a
prospect of the event's branch in the desa they chose — so the officers covering its kecamatan see them,
as with every lead — with the event as their source.

The public form's answers beyond the event's cap are held, answers and all, for an officer to accept or
discard; the honeypot field, which people never see, makes an answer vanish without a trace.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from crm import audit
from crm.errors import Conflict, DomainError, Invalid, NotFound
from crm.events import planning
from crm.events.consent import PURPOSE_VERSION
from crm.extensions import db
from crm.leads.dedup import Deduplicator, RowStatus
from crm.leads.mapping import LeadField
from crm.leads.validation import NAME, NIK, OCCUPATION, PHONE, CheckedLead, LeadInput, Validator, is_blank
from crm.models import (
    ConsentBasis,
    Event,
    EventSignup,
    Prospect,
    Region,
    RegionLevel,
    SignupSource,
    SignupStatus,
    Stage,
    User,
)
from crm.people.problems import Problem
from crm.reference import PlaceMatcher

# How the fields are named in the problems' messages ("NIK: a NIK has 16 digits…"), as the form labels them.
FIELD_LABELS = {LeadField.NAME: _l("Name"), LeadField.NIK: "NIK", LeadField.PHONE: _l("Phone number"),
                LeadField.OCCUPATION: _l("Occupation")}
_FIELD_OF = {NAME: "name", NIK: "nik", PHONE: "phone", OCCUPATION: "occupation"}


class SignupClosed(DomainError):
    status = 410


class SignupNotOpenYet(DomainError):
    status = 409


@dataclass(frozen=True)
class Reason:
    field: str  # the form's (and the API's) field name
    code: str  # the rule, as the lead lists name it (nik_length, nik_or_phone_missing…)
    message: str


class AnswersRefused(Invalid):
    """The answers break the lead rules, for the reasons given (one per problem)."""

    def __init__(self, reasons: list[Reason]):
        super().__init__(_l("Some answers need correcting."),
                         errors=[{"field": r.field, "code": r.code, "message": r.message} for r in reasons])
        self.reasons = reasons

    def messages_by_field(self) -> dict[str | None, list[str]]:
        by_field: dict[str | None, list[str]] = {}
        for reason in self.reasons:
            by_field.setdefault(reason.field, []).append(reason.message)
        return by_field


@dataclass
class Answers:
    name: str | None = None
    nik: str | None = None
    phone: str | None = None
    desa_id: int | None = None
    occupation: str | None = None
    trap: str | None = None  # the honeypot: filled only by robots

    def as_dict(self) -> dict:
        return {"name": self.name, "nik": self.nik, "phone": self.phone, "desa_id": self.desa_id,
                "occupation": self.occupation}


@dataclass
class SignupResult:
    """What became of one answer: `created`, `known`, `possible_duplicate`, `held` or `ignored` (honeypot)."""

    status: str
    signup: EventSignup | None = None
    prospect: Prospect | None = None


@dataclass
class Checked:
    lead: CheckedLead
    desa: Region
    reasons: list[Reason] = field(default_factory=list)


def _field_for(problem: Problem, labels: dict[str, str]) -> str:
    return next((name for name, label in labels.items() if label == problem.field), "phone")


def check_answers(event: Event, answers: Answers) -> Checked:
    """The answers checked by the lead rules, and the desa (one of the branch's; the event's when none)."""
    labels = {lead_field: str(label) for lead_field, label in FIELD_LABELS.items()}
    values = {name: value for name, value in ((NAME, answers.name), (NIK, answers.nik), (PHONE, answers.phone),
                                              (OCCUPATION, answers.occupation))
              if value is not None and not is_blank(value)}
    lead = Validator(PlaceMatcher([], []), labels).check(LeadInput(1, values, list(values.values())))
    by_field = {_FIELD_OF[lead_field.value]: label for lead_field, label in labels.items()}
    reasons = [Reason(_field_for(problem, by_field), problem.code, str(problem)) for problem in lead.problems]
    desa = db.session.get(Region, answers.desa_id) if answers.desa_id else event.desa
    if desa is None or desa.level is not RegionLevel.DESA or desa.branch_id != event.branch_id:
        reasons.append(Reason("desa_id", "desa_unknown", str(_l("Choose your desa from the list."))))
        desa = event.desa
    return Checked(lead, desa, reasons)


def require_open(event: Event, now: datetime) -> None:
    state = planning.signup_state(event, now)
    if state == "closed":
        raise SignupClosed(_l("Sign-up for this event is closed."))
    if state == "not_yet":
        raise SignupNotOpenYet(_l("Sign-up for this event opens a day before it starts."))


def held_count(event: Event) -> int:
    return db.session.scalar(select(func.count()).select_from(EventSignup).where(
        EventSignup.event_id == event.id, EventSignup.status == SignupStatus.HELD))


def form_signups(event: Event) -> int:
    """Answers of the public form that made or found a prospect: what the cap counts."""
    return db.session.scalar(select(func.count()).select_from(EventSignup).where(
        EventSignup.event_id == event.id, EventSignup.source == SignupSource.FORM,
        EventSignup.status == SignupStatus.ACCEPTED))


def sign_up(event: Event, answers: Answers, *, now: datetime, today: date) -> SignupResult:
    """One answer of the public form, with the person's consent to the purpose text of PURPOSE_VERSION given
    on `today` (the branch's day). Refuses a closed event and answers that break the rules. The caller commits."""
    require_open(event, now)
    if answers.trap:
        return SignupResult("ignored")
    checked = check_answers(event, answers)
    if checked.reasons:
        raise AnswersRefused(checked.reasons)
    if form_signups(event) >= event.signup_cap:
        signup = EventSignup(event=event, status=SignupStatus.HELD, source=SignupSource.FORM,
                             answers={**answers.as_dict(), "desa_id": checked.desa.id,
                                      "consent_on": today.isoformat()},
                             consent_version=PURPOSE_VERSION, created_at=now)
        db.session.add(signup)
        return SignupResult("held", signup)
    return _accept(event, checked, SignupSource.FORM, now=now, consent_on=today)


def add_attendee(event: Event, answers: Answers, actor: User | None, *, source: SignupSource, now: datetime,
                 today: date, present: bool = True) -> SignupResult:
    """Someone an officer met at the event (or an attendee sent through the API), marked present. No consent
    is recorded: the person agreed to nothing in writing; they hold what any lead holds. The caller commits."""
    checked = check_answers(event, answers)
    if checked.reasons:
        raise AnswersRefused(checked.reasons)
    result = _accept(event, checked, source, now=now, consent_on=None, present=present, lead_on=today)
    audit.record("add_attendee", "event", event.id, actor=actor, branch_id=event.branch_id,
                 after={"prospect_id": result.prospect.id, "status": result.status})
    return result


@dataclass
class AttendeeOutcome:
    status: str  # created, known, possible_duplicate or invalid
    prospect_id: int | None = None
    reasons: list[Reason] = field(default_factory=list)


def add_attendees(event: Event, attendees: list[tuple[Answers, bool]], actor: User | None, *,
                  source: SignupSource, now: datetime, today: date) -> list[AttendeeOutcome]:
    """Several people met at the event (answers, present?), each answered on its own: an invalid one is
    refused with its reasons and the others are still signed up. The caller commits."""
    outcomes = []
    for answers, present in attendees:
        try:
            result = add_attendee(event, answers, actor, source=source, now=now, today=today, present=present)
        except AnswersRefused as refused:  # checked before anything is written: nothing to undo
            outcomes.append(AttendeeOutcome("invalid", reasons=refused.reasons))
        else:
            outcomes.append(AttendeeOutcome(result.status, result.prospect.id))
    return outcomes


def _accept(event: Event, checked: Checked, source: SignupSource, *, now: datetime, consent_on: date | None,
            present: bool = False, lead_on: date | None = None) -> SignupResult:
    lead, desa = checked.lead, checked.desa
    lead.desa_id, lead.kecamatan_id = desa.id, desa.parent_id
    verdict = Deduplicator(event.agency_id or 0).classify([lead])[0]
    if verdict.status is RowStatus.DUPLICATE:
        prospect = db.session.get(Prospect, verdict.prospect_id)
        status, brought_in = "known", False
    else:
        prospect = Prospect(branch_id=event.branch_id, name=lead.name, nik=lead.nik, phone=lead.phone,
                            occupation=lead.occupation, sector=lead.sector, desa_id=desa.id,
                            kecamatan_id=desa.parent_id, latitude=desa.latitude, longitude=desa.longitude,
                            stage=Stage.NEW, stage_changed_at=now, created_at=now, updated_at=now)
        if consent_on is None:  # as an agency's lead: the branch's public task (Inpres 2/2021)
            prospect.consent_basis, prospect.consent_date = ConsentBasis.PUBLIC_TASK, lead_on
        db.session.add(prospect)
        db.session.flush()
        status, brought_in = ("possible_duplicate" if verdict.status is RowStatus.POSSIBLE_DUPLICATE
                              else "created"), True
    if consent_on is not None:
        record_consent(prospect, consent_on)
    signup = db.session.scalar(select(EventSignup).where(EventSignup.event_id == event.id,
                                                         EventSignup.prospect_id == prospect.id))
    if signup is None:
        signup = EventSignup(event=event, prospect=prospect, status=SignupStatus.ACCEPTED, source=source,
                             brought_in=brought_in, known=not brought_in, created_at=now,
                             candidate_id=verdict.prospect_id if status == "possible_duplicate" else None)
        db.session.add(signup)
    if consent_on is not None:
        signup.consent_version = PURPOSE_VERSION
    if present and not signup.present:
        signup.present, signup.present_marked_at = True, now
    db.session.flush()
    return SignupResult(status, signup, prospect)


def record_consent(prospect: Prospect, day: date) -> None:
    """The person agreed, on `day`, to the purpose text of PURPOSE_VERSION."""
    prospect.consent_basis, prospect.consent_date = ConsentBasis.CONSENT, day
    prospect.consent_version, prospect.consent_agency_id = PURPOSE_VERSION, None


# --- at the event ---------------------------------------------------------------------------------

def signup_of(event: Event, signup_id: int) -> EventSignup:
    signup = db.session.get(EventSignup, signup_id)
    if signup is None or signup.event_id != event.id:
        raise NotFound(_l("There is no such sign-up for this event."))
    return signup


def mark_present(signup: EventSignup, present: bool, actor: User, *, now: datetime) -> None:
    if signup.status is not SignupStatus.ACCEPTED:
        raise Conflict(_l("Accept the held answer first."))
    signup.present = present
    signup.present_marked_at = now if present else None


def accept_held(signup: EventSignup, actor: User, *, now: datetime) -> SignupResult:
    """An officer accepts an answer held beyond the cap: it is signed up as if it had just arrived, with
    the consent given on the day it was sent (the branch's day). The caller commits."""
    if signup.status is not SignupStatus.HELD:
        raise Conflict(_l("This answer has already been reviewed."))
    event, stored = signup.event, dict(signup.answers or {})
    consent_on = date.fromisoformat(stored.pop("consent_on"))
    checked = check_answers(event, Answers(**stored))
    if checked.reasons:
        raise AnswersRefused(checked.reasons)
    db.session.delete(signup)
    db.session.flush()
    result = _accept(event, checked, SignupSource.FORM, now=now, consent_on=consent_on)
    result.signup.created_at = signup.created_at
    audit.record("accept_held", "event", event.id, actor=actor, branch_id=event.branch_id,
                 after={"prospect_id": result.prospect.id, "status": result.status})
    return result


def discard_held(signup: EventSignup, actor: User) -> None:
    """The held answer is thrown away: its personal data goes with it. The caller commits."""
    if signup.status is not SignupStatus.HELD:
        raise Conflict(_l("This answer has already been reviewed."))
    signup.status, signup.answers = SignupStatus.DISCARDED, None
    audit.record("discard_held", "event", signup.event_id, actor=actor, branch_id=signup.event.branch_id)


def held_with_nik(nik_digits: str) -> list[EventSignup]:
    """Answers held for review whose NIK, as typed, has these digits (a data-subject request finds them too)."""
    held = db.session.scalars(select(EventSignup).where(EventSignup.status == SignupStatus.HELD))
    return [signup for signup in held
            if "".join(ch for ch in str((signup.answers or {}).get("nik") or "") if ch.isdigit()) == nik_digits]


def events_of_prospect(prospect_id: int) -> list[EventSignup]:
    """The events a prospect signed up at, earliest first, with the events."""
    return list(db.session.scalars(select(EventSignup).where(EventSignup.prospect_id == prospect_id)
                                   .options(selectinload(EventSignup.event)).order_by(EventSignup.id)))


def signups_of(event: Event, *, status: SignupStatus = SignupStatus.ACCEPTED, limit: int = 500) -> list[EventSignup]:
    """The event's sign-ups of a status, newest first, with their prospects."""
    return list(db.session.scalars(select(EventSignup).where(EventSignup.event_id == event.id,
                                                             EventSignup.status == status)
                                   .options(selectinload(EventSignup.prospect))
                                   .order_by(EventSignup.id.desc()).limit(limit)))
