"""What the dashboard is asked about: a period and a narrowing, read from the query string and kept in it.

**The period** selects records by their own date, the same way on the page, in the exports, in the
links to the prospect list and in `GET /api/v1/stats/funnel`:

- a *prospect* is in the period when its lead arrived — `Prospect.created_at` — on a day from `start`
  to `end`, both included, days being counted in the branch's time zone (Asia/Jakarta). Every prospect
  figure (funnel, breakdowns, map) describes that cohort of leads *and the stage each is in now*;
- a *visit* is in the period when it was made — `Visit.visited_at` — on such a day, whenever its
  prospect arrived.

**The narrowing** (branch, source agency, kecamatan, desa, officer, sector, lead batch) applies to the
prospect; for visits, "officer" means the officer who made the visit and the rest apply to the visit's
prospect. Everything stays inside what the user may see (crm/prospects/scope.py).

A value that cannot be used (not a date, not a number, an agency the user may not see…) is ignored and
noted, so the page can say so; the API answers 422 instead.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, tzinfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from crm.extensions import db
from crm.i18n import short_date
from crm.models import Agency, BatchStatus, Branch, Event, LeadBatch, Region, RegionLevel, Role, Sector, User
from crm.prospects.listing import ProspectFilter, day_bounds
from crm.registrations.targets import FIRST_YEAR, LAST_YEAR

# query argument → DashboardFilter attribute, for the narrowing by id
ID_ARGS = (("branch", "branch_id"), ("agency", "agency_id"), ("kecamatan", "kecamatan_id"), ("desa", "desa_id"),
           ("officer", "officer_id"), ("batch", "batch_id"), ("event", "event_id"))
QUERY_ARGS = ("from", "to", *(arg for arg, _ in ID_ARGS), "sector")
FIELD_LABELS = {
    "from": _l("start date"), "to": _l("end date"), "branch": _l("branch"), "agency": _l("agency"),
    "kecamatan": _l("kecamatan"), "desa": _l("desa"), "officer": _l("officer"), "batch": _l("lead batch"),
    "sector": _l("sector"), "event": _l("event"),
}
_MAX_ID = 2**31 - 1  # a larger number would overflow PostgreSQL's integer, not match a row


@dataclass(frozen=True)
class Note:
    """A query value that was ignored, and why (a lazy, translatable message)."""

    field: str
    message: object


@dataclass(frozen=True)
class DashboardFilter:
    start: date
    end: date
    branch_id: int | None = None
    agency_id: int | None = None
    kecamatan_id: int | None = None
    desa_id: int | None = None
    officer_id: int | None = None
    sector: Sector | None = None
    batch_id: int | None = None
    event_id: int | None = None  # prospects signed up at this outreach event
    notes: tuple[Note, ...] = field(default=(), compare=False)

    @classmethod
    def whole_year(cls, year: int, **narrowing) -> "DashboardFilter":
        return cls(date(year, 1, 1), date(year, 12, 31), **narrowing)

    def to_query_args(self) -> dict[str, str]:
        """The query arguments that ask for this filter again: every link and export carries them."""
        args = {"from": self.start.isoformat(), "to": self.end.isoformat()}
        for arg, attribute in ID_ARGS:
            value = getattr(self, attribute)
            if value is not None:
                args[arg] = str(value)
        if self.sector is not None:
            args["sector"] = self.sector.value
        return args

    def with_period(self, start: date, end: date) -> "DashboardFilter":
        return replace(self, start=start, end=end, notes=tuple(n for n in self.notes if n.field not in ("from", "to")))

    @property
    def narrowed(self) -> bool:
        return any(getattr(self, attribute) is not None for _, attribute in ID_ARGS) or self.sector is not None

    def bounds(self, tz: tzinfo) -> tuple[datetime, datetime]:
        """The period as instants: from the start day's first moment to the moment after the end day."""
        return day_bounds(self.start, self.end, tz)

    def prospect_filter(self, tz: tzinfo) -> ProspectFilter:
        """The prospects a figure counts: arrived in the period, narrowed as asked."""
        created_from, created_before = self.bounds(tz)
        return ProspectFilter(
            branch_id=self.branch_id, agency_id=self.agency_id, kecamatan_id=self.kecamatan_id,
            desa_id=self.desa_id, officer_id=self.officer_id, sector=self.sector, batch_id=self.batch_id,
            event_id=self.event_id, created_from=created_from, created_before=created_before)

    def visit_prospect_filter(self) -> ProspectFilter:
        """The prospects whose visits count: narrowed as asked, whenever they arrived, whoever is assigned."""
        return ProspectFilter(branch_id=self.branch_id, agency_id=self.agency_id, kecamatan_id=self.kecamatan_id,
                              desa_id=self.desa_id, sector=self.sector, batch_id=self.batch_id,
                              event_id=self.event_id)


# --- what the user may choose from ----------------------------------------------------------------

@dataclass(frozen=True)
class Option:
    id: int
    label: str
    group: str | None = None  # a desa's kecamatan, a kecamatan's branch


@dataclass(frozen=True)
class FilterOptions:
    """The branches, agencies, places, officers, batches and events the filter form offers."""

    branches: tuple[Option, ...]
    agencies: tuple[Option, ...]
    kecamatan: tuple[Option, ...]
    desa: tuple[Option, ...]
    officers: tuple[Option, ...]
    batches: tuple[Option, ...]
    events: tuple[Option, ...] = ()

    def for_arg(self, arg: str) -> tuple[Option, ...]:
        return {"branch": self.branches, "agency": self.agencies, "kecamatan": self.kecamatan, "desa": self.desa,
                "officer": self.officers, "batch": self.batches, "event": self.events}[arg]

    def label(self, arg: str, option_id: int | None) -> str | None:
        return next((o.label for o in self.for_arg(arg) if o.id == option_id), None)

    def labels(self, arg: str) -> dict[int, str]:
        return {o.id: o.label for o in self.for_arg(arg)}


# Over this many branches (an admin's national view) the desa list waits for a kecamatan, and only the
# newest batches are listed: a form of 40,000 desa would help nobody.
FEW_BRANCHES = 5
BATCHES_LISTED = EVENTS_LISTED = 300


def id_checker(branch_ids: list[int]):
    """A test (query argument, id) → may the filter use it: the record exists within `branch_ids`
    (agencies serve every branch). One small query per id asked about."""
    allowed_branches = set(branch_ids)
    lookups = {
        "agency": lambda i: select(Agency.id).where(Agency.id == i),
        "kecamatan": lambda i: select(Region.id).where(Region.id == i, Region.level == RegionLevel.KECAMATAN,
                                                       Region.branch_id.in_(branch_ids)),
        "desa": lambda i: select(Region.id).where(Region.id == i, Region.level == RegionLevel.DESA,
                                                  Region.branch_id.in_(branch_ids)),
        "officer": lambda i: select(User.id).where(User.id == i, User.branch_id.in_(branch_ids)),
        "batch": lambda i: select(LeadBatch.id).where(LeadBatch.id == i, LeadBatch.branch_id.in_(branch_ids)),
        "event": lambda i: select(Event.id).where(Event.id == i, Event.branch_id.in_(branch_ids)),
    }

    def allowed(arg: str, value: int) -> bool:
        if arg == "branch":
            return value in allowed_branches
        return db.session.scalar(lookups[arg](value)) is not None

    return allowed


def filter_options(branch_ids: list[int], flt: DashboardFilter | None = None) -> FilterOptions:
    """What the filter form offers within `branch_ids` (a few small queries, none per row); the values `flt`
    has chosen are always among them."""
    branches = db.session.scalars(select(Branch).where(Branch.id.in_(branch_ids)).order_by(Branch.name)).all()
    branch_names = {b.id: b.name for b in branches}
    several = len(branches) > 1
    kecamatan = db.session.scalars(select(Region).where(Region.branch_id.in_(branch_ids),
                                                        Region.level == RegionLevel.KECAMATAN)
                                   .order_by(Region.name, Region.id)).all()
    kecamatan_names = {k.id: k.name for k in kecamatan}
    desa_query = select(Region).where(Region.level == RegionLevel.DESA).order_by(Region.name, Region.id)
    if flt is not None and flt.kecamatan_id is not None:
        desa_query = desa_query.where(Region.parent_id == flt.kecamatan_id)
    elif len(branch_ids) <= FEW_BRANCHES:
        desa_query = desa_query.where(Region.branch_id.in_(branch_ids))
    else:
        desa_query = desa_query.where(Region.id == (flt.desa_id if flt is not None else None))
    desa = db.session.scalars(desa_query).all()
    if flt is not None and flt.desa_id is not None and flt.desa_id not in {d.id for d in desa}:
        desa = [*desa, *db.session.scalars(select(Region).where(Region.id == flt.desa_id))]
    officers = db.session.scalars(select(User).where(User.branch_id.in_(branch_ids), User.role == Role.OFFICER)
                                  .order_by(User.name, User.id)).all()
    batch_query = (select(LeadBatch).where(LeadBatch.branch_id.in_(branch_ids), LeadBatch.status != BatchStatus.PREVIEW)
                   .options(selectinload(LeadBatch.agency)))
    batches = db.session.scalars(batch_query.order_by(LeadBatch.id.desc()).limit(BATCHES_LISTED)).all()
    if flt is not None and flt.batch_id is not None and flt.batch_id not in {b.id for b in batches}:
        batches = [*batches, *db.session.scalars(batch_query.where(LeadBatch.id == flt.batch_id))]
    event_query = select(Event).where(Event.branch_id.in_(branch_ids))
    events = db.session.scalars(event_query.order_by(Event.starts_at.desc(), Event.id.desc())
                                .limit(EVENTS_LISTED)).all()
    if flt is not None and flt.event_id is not None and flt.event_id not in {e.id for e in events}:
        events = [*events, *db.session.scalars(event_query.where(Event.id == flt.event_id))]
    return FilterOptions(
        branches=tuple(Option(b.id, f"{b.name} ({b.code})") for b in branches),
        agencies=tuple(Option(a.id, a.code) for a in db.session.scalars(select(Agency).order_by(Agency.code))),
        kecamatan=tuple(Option(k.id, k.name, branch_names.get(k.branch_id) if several else None) for k in kecamatan),
        desa=tuple(Option(d.id, d.name, kecamatan_names.get(d.parent_id)) for d in desa),
        officers=tuple(Option(o.id, o.name if o.active else f"{o.name} ({_l('inactive')})") for o in officers),
        batches=tuple(Option(b.id, _batch_label(b)) for b in batches),
        events=tuple(Option(e.id, f"{e.title} · {short_date(e.starts_at)}") for e in events),
    )


def _batch_label(batch: LeadBatch) -> str:
    what = batch.filename or batch.source.value
    return f"#{batch.id} · {batch.agency.code} · {what} · {batch.created_at:%d/%m/%Y}"


# --- reading the query ----------------------------------------------------------------------------

def _ignored(arg: str, value: str) -> Note:
    return Note(arg, _l("“%(value)s” is not a valid %(what)s; it was ignored.", value=value[:40],
                        what=FIELD_LABELS.get(arg, arg)))


def _unavailable(arg: str, value: str) -> Note:
    return Note(arg, _l("There is no %(what)s “%(value)s” among yours; it was ignored.", value=value[:40],
                        what=FIELD_LABELS.get(arg, arg)))


def read_date(args: Mapping[str, str], arg: str, notes: list[Note]) -> date | None:
    """The day `arg` names (ISO, in the years Sasar knows), or None — noted when given but unusable."""
    text = (args.get(arg) or "").strip()
    if not text:
        return None
    try:
        value = date.fromisoformat(text)
    except ValueError:
        value = None
    if value is None or not FIRST_YEAR <= value.year <= LAST_YEAR:
        notes.append(_ignored(arg, text))
        return None
    return value


def _read_period(args: Mapping[str, str], today: date, notes: list[Note]) -> tuple[date, date]:
    start, end = read_date(args, "from", notes), read_date(args, "to", notes)
    year = (start or end or today).year
    start = start or date(year, 1, 1)
    end = end or date(start.year, 12, 31)
    if start > end:
        notes.append(Note("to", _l("The period ends before it starts; the current year is shown instead.")))
        return date(today.year, 1, 1), date(today.year, 12, 31)
    return start, end


def read_id(args: Mapping[str, str], arg: str, notes: list[Note]) -> int | None:
    """The record id `arg` names, or None — noted when given but not a usable id (a number past PostgreSQL's
    integer would not match a row; it must not reach the database)."""
    text = (args.get(arg) or "").strip()
    if not text:
        return None
    if not text.isdigit() or not 0 < int(text) <= _MAX_ID:
        notes.append(_ignored(arg, text))
        return None
    return int(text)


def read_narrowing(args: Mapping[str, str], notes: list[Note], allowed=None) -> dict[str, object]:
    """The narrowing the query asks for, as DashboardFilter (and ProspectFilter) fields: the ids of ID_ARGS and
    the sector. Values that are malformed — or, given `allowed` (see `id_checker`), not allowed — are left out
    and noted."""
    chosen: dict[str, object] = {}
    for arg, attribute in ID_ARGS:
        value = read_id(args, arg, notes)
        if value is None:
            continue
        if allowed is not None and not allowed(arg, value):
            notes.append(_unavailable(arg, args[arg].strip()))
        else:
            chosen[attribute] = value
    sector = (args.get("sector") or "").strip()
    if sector:
        if sector in {s.value for s in Sector}:
            chosen["sector"] = Sector(sector)
        else:
            notes.append(_ignored("sector", sector))
    return chosen


def parse_filter(args: Mapping[str, str], today: date, allowed=None) -> DashboardFilter:
    """The filter the query asks for. Values that are malformed — or, given `allowed` (see `id_checker`),
    not allowed — are left out and listed in `notes`. Without `from`/`to` the period is the current year."""
    notes: list[Note] = []
    start, end = _read_period(args, today, notes)
    chosen = read_narrowing(args, notes, allowed)
    return DashboardFilter(start, end, **chosen, notes=tuple(notes))


def month_period(text: str | None, today: date) -> tuple[date, date, bool]:
    """The first and last day of `YYYY-MM` (the current month when absent or malformed; False then)."""
    try:
        year, month = (int(part) for part in (text or "").split("-"))
        first = date(year, month, 1)
        ok = FIRST_YEAR <= year <= LAST_YEAR
    except ValueError:
        ok = False
    if not ok:
        first = today.replace(day=1)
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return first, date.fromordinal(following.toordinal() - 1), ok and bool(text)
