"""The funnel's cohort broken down by source agency, kecamatan, sector and officer; visits by outcome and
the reasons people decline. One aggregate query per breakdown, however many rows it has.

Prospect columns count the cohort of crm/dashboard/funnel.py (leads that arrived in the period, by the
stage they are in now), so each breakdown's rows add up to the funnel. Visit columns count the visits
made in the period (crm/dashboard/filters.py); the officer's calls and WhatsApp messages (contact attempts)
are counted apart from them.
"""

from dataclasses import dataclass, field
from datetime import date, tzinfo

from sqlalchemy import Select, func, literal_column, select, union_all

from crm.dashboard.filters import DashboardFilter
from crm.extensions import db
from crm.models import (
    ContactAttempt,
    DeclineReason,
    EventSignup,
    Outcome,
    Prospect,
    Role,
    Sector,
    SignupStatus,
    Stage,
    User,
    Visit,
)
from crm.prospects.listing import ProspectFilter, filter_clauses
from crm.prospects.stages import EXITS, OPEN_STAGES


@dataclass(frozen=True)
class StageMix:
    """Prospects by the stage they are in now."""

    counts: dict[Stage, int] = field(default_factory=dict)

    def count(self, *stages: Stage) -> int:
        return sum(self.counts.get(stage, 0) for stage in stages)

    @property
    def leads(self) -> int:
        return sum(self.counts.values())

    @property
    def new(self) -> int:
        return self.count(Stage.NEW)

    @property
    def in_progress(self) -> int:
        """Contacted, visited or interested: being worked."""
        return self.count(*OPEN_STAGES)

    @property
    def registered(self) -> int:
        return self.count(Stage.REGISTERED)

    @property
    def exited(self) -> int:
        """Declined or unreachable."""
        return self.count(*EXITS)

    @property
    def conversion(self) -> float | None:
        return self.registered / self.leads if self.leads else None


@dataclass(frozen=True)
class BreakdownRow:
    key: int | str | None  # the id or enum value grouped on; None for "none"
    label: str
    mix: StageMix


@dataclass(frozen=True)
class OfficerRow:
    key: int | None  # None: prospects assigned to nobody
    label: str
    mix: StageMix  # the cohort's prospects assigned to the officer
    visits: int  # visits the officer made in the period
    flagged: int
    visits_per_week: float | None
    contacts: int = 0  # calls and WhatsApp messages logged in the period, apart from visits


@dataclass(frozen=True)
class Count:
    key: object
    label: str
    count: int
    share: float | None


def stage_columns() -> list:
    """A count per stage, as columns: a group's whole stage mix in one row. (Grouping by key and stage
    instead gives seven times the rows — 35,700 for the country's kecamatan — and is slower in the
    database as well as here.)"""
    return [func.count().filter(Prospect.stage == stage) for stage in Stage]


def _mix(counts) -> StageMix:
    return StageMix({stage: count for stage, count in zip(Stage, counts, strict=True) if count})


def _ordered(rows: list) -> list:
    return sorted(rows, key=lambda row: (row.key is None, -row.mix.leads, str(row.label)))


def _by(user: User, flt: DashboardFilter, tz: tzinfo, column, labels: dict, none_label: str) -> list[BreakdownRow]:
    clauses = filter_clauses(user, flt.prospect_filter(tz))
    rows = db.session.execute(select(column, *stage_columns()).where(*clauses).group_by(column))
    return _ordered([BreakdownRow(key, none_label if key is None else labels.get(key, f"#{key}"), _mix(counts))
                     for key, *counts in rows])


def by_agency(user: User, flt: DashboardFilter, tz: tzinfo, labels: dict[int, str], none_label: str):
    """Which agency's leads convert: the cohort by source agency."""
    return _by(user, flt, tz, Prospect.source_agency_id, labels, none_label)


def by_kecamatan(user: User, flt: DashboardFilter, tz: tzinfo, labels: dict[int, str], none_label: str):
    return _by(user, flt, tz, Prospect.kecamatan_id, labels, none_label)


def by_event(user: User, flt: DashboardFilter, tz: tzinfo, labels: dict[int, str], none_label: str):
    """The cohort by the outreach events its people signed up at (None: at none). Someone who came to two
    events counts in each, so these rows may add up to more than the funnel."""
    clauses = filter_clauses(user, flt.prospect_filter(tz))
    rows = db.session.execute(
        select(EventSignup.event_id, *stage_columns()).select_from(Prospect)
        .outerjoin(EventSignup,
                   (EventSignup.prospect_id == Prospect.id) & (EventSignup.status == SignupStatus.ACCEPTED))
        .where(*clauses).group_by(EventSignup.event_id))
    return _ordered([BreakdownRow(key, none_label if key is None else labels.get(key, f"#{key}"), _mix(counts))
                     for key, *counts in rows])


def by_sector(user: User, flt: DashboardFilter, tz: tzinfo, labels: dict[Sector, str]):
    rows = _by(user, flt, tz, Prospect.sector, labels, "")
    return [BreakdownRow(row.key.value, row.label, row.mix) for row in rows]


def weeks_in(flt: DashboardFilter, today: date) -> float | None:
    """The weeks of the period that have begun by `today` (a week is 7 days); None before it starts."""
    days = (min(flt.end, today) - flt.start).days + 1
    return days / 7 if days > 0 else None


def _made_in_period(model, at, user: User, flt: DashboardFilter, tz: tzinfo, columns) -> Select:
    start, end = flt.bounds(tz)
    query = select(*columns).select_from(model).where(at >= start, at < end)
    if flt.officer_id is not None:
        query = query.where(model.officer_id == flt.officer_id)
    narrowing = flt.visit_prospect_filter()
    if user.role is not Role.ADMIN or narrowing != ProspectFilter():
        query = query.join(Prospect, Prospect.id == model.prospect_id).where(*filter_clauses(user, narrowing))
    return query


def visits_in_period(user: User, flt: DashboardFilter, tz: tzinfo, *columns) -> Select:
    """SELECT `columns` over the visits made in the period, to prospects the user may see that match the
    narrowing; with an officer chosen, the visits that officer made. An admin with nothing narrowing the
    prospects counts every visit: the prospects are then not read at all."""
    return _made_in_period(Visit, Visit.visited_at, user, flt, tz, columns)


def contacts_in_period(user: User, flt: DashboardFilter, tz: tzinfo, *columns) -> Select:
    """The same over the contact attempts (calls, WhatsApp messages) logged in the period."""
    return _made_in_period(ContactAttempt, ContactAttempt.contacted_at, user, flt, tz, columns)


def by_officer(user: User, flt: DashboardFilter, tz: tzinfo, today: date, none_label: str) -> list[OfficerRow]:
    """Each officer's assigned leads of the cohort and conversions, beside the visits they made in the period,
    how many were flagged, and their calls and messages: the three halves in one statement (UNION ALL)."""
    no_stages = [literal_column("0")] * len(Stage)
    zero = literal_column("0")
    prospects = (select(Prospect.assigned_officer_id, literal_column("1"), *stage_columns(), zero, zero, zero)
                 .where(*filter_clauses(user, flt.prospect_filter(tz)))
                 .group_by(Prospect.assigned_officer_id))
    visits = visits_in_period(user, flt, tz, Visit.officer_id, zero, *no_stages, func.count(),
                              func.count().filter(Visit.flagged), zero).group_by(Visit.officer_id)
    attempts = contacts_in_period(user, flt, tz, ContactAttempt.officer_id, literal_column("2"), *no_stages, zero,
                                  zero, func.count()).group_by(ContactAttempt.officer_id)
    stages: dict = {}
    made: dict = {}
    contacted: dict = {}
    for officer_id, part, *counts, visit_count, flagged, contact_count in db.session.execute(
            union_all(prospects, visits, attempts)):
        if part == 1:
            stages[officer_id] = _mix(counts)
        elif part == 2:
            contacted[officer_id] = int(contact_count)
        else:
            made[officer_id] = (int(visit_count), int(flagged))
    keys = {*stages, *made, *contacted}
    ids = [key for key in keys if key is not None]
    names = dict(db.session.execute(select(User.id, User.name).where(User.id.in_(ids))).all()) if ids else {}
    weeks = weeks_in(flt, today)
    rows = []
    for key in keys:
        visit_count, flagged = made.get(key, (0, 0))
        rows.append(OfficerRow(key, none_label if key is None else names.get(key, f"#{key}"),
                               stages.get(key, StageMix()), visit_count, flagged,
                               visit_count / weeks if weeks else None, contacted.get(key, 0)))
    return sorted(rows, key=lambda row: (row.key is None, -row.visits, -row.mix.leads, row.label))


def visit_outcomes(user: User, flt: DashboardFilter, tz: tzinfo, outcome_labels: dict,
                   reason_labels: dict, no_reason_label: str) -> tuple[list[Count], list[Count]]:
    """Visits in the period by outcome, and the "not interested" ones by the reason given (one query)."""
    rows = db.session.execute(
        visits_in_period(user, flt, tz, Visit.outcome, Visit.decline_reason, func.count())
        .group_by(Visit.outcome, Visit.decline_reason)).all()
    by_outcome = dict.fromkeys(Outcome, 0)
    by_reason: dict[DeclineReason | None, int] = dict.fromkeys(DeclineReason, 0)
    for outcome, reason, count in rows:
        by_outcome[outcome] += count
        if outcome is Outcome.NOT_INTERESTED:
            by_reason[reason] = by_reason.get(reason, 0) + count
    visits, declined = sum(by_outcome.values()), sum(by_reason.values())
    outcomes = [Count(o.value, outcome_labels[o], n, n / visits if visits else None) for o, n in by_outcome.items()]
    reasons = [Count(r.value if r else None, reason_labels[r] if r else no_reason_label, n,
                     n / declined if declined else None)
               for r, n in by_reason.items() if r is not None or n]
    return outcomes, reasons
