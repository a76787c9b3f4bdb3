"""Finding prospects: the list an officer or manager browses and searches.

- **Search.** Text with six digits or more (and little else) finds the prospects whose NIK or phone starts with
  them, the phone typed as 08…, 628… or +628…; other text finds the names that start with it or have a later
  word that does. ASCII letters match whatever their case.
- **Order.** By name, ASCII letters lowered and compared byte by byte (`search_name`), then by id; one B-tree
  index gives that order for the whole country and another for a branch.
- **Paging.** Next and previous pages continue from the first or last prospect shown (keyset: `after`, `before`),
  so the hundredth page costs what the first does; a page number alone (an old link) is read by offset.
- **Count.** Counted up to `COUNT_LIMIT`; past it the list says "more than" that many (`more`) rather than
  count a whole country's prospects on every page.
"""

import re
import string
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from sqlalchemy import Select, and_, func, not_, or_, select, true, tuple_

from crm.extensions import db
from crm.models import (
    EventSignup,
    ParticipantStatus,
    Prospect,
    Registration,
    Sector,
    SignupStatus,
    Stage,
    User,
)
from crm.models.prospect import later_words, search_name
from crm.prospects import scope
from crm.prospects.stages import OPEN_STAGES, ROAD

PAGE_SIZE = 50
COUNT_LIMIT = 10_000
_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


@dataclass(frozen=True)
class ProspectFilter:
    query: str = ""
    stage: Stage | None = None
    kecamatan_id: int | None = None
    mine_only: bool = False
    # Narrowing used by the dashboard's links, so that a list holds exactly the prospects a figure counts.
    branch_id: int | None = None
    agency_id: int | None = None
    desa_id: int | None = None
    officer_id: int | None = None
    sector: Sector | None = None
    batch_id: int | None = None
    event_id: int | None = None  # signed up at this outreach event
    created_from: datetime | None = None  # the lead arrived at or after this instant (timezone-aware)
    created_before: datetime | None = None  # … and before this one
    reached: Stage | None = None  # now at this stage of the road or a later one (exits excluded)
    follow_up_before: date | None = None  # still being worked, and its follow-up was due before this day


@dataclass(frozen=True)
class ProspectPage:
    prospects: list[Prospect]
    total: int  # the prospects that match, counted up to COUNT_LIMIT
    page: int
    pages: int  # of `total`
    more: bool = False  # more than COUNT_LIMIT match: `total` and `pages` are lower bounds
    has_previous: bool = False
    has_next: bool = False


def day_bounds(first: date, last: date, tz: tzinfo) -> tuple[datetime, datetime]:
    """The instants (UTC) that open `first` and close `last` as days in `tz`: created_from/created_before."""
    start = datetime.combine(first, time.min, tzinfo=tz)
    end = datetime.combine(last + timedelta(days=1), time.min, tzinfo=tz)
    return start.astimezone(UTC), end.astimezone(UTC)


def _successor(prefix: str) -> str | None:
    """The least string above every string that starts with `prefix`, in byte (code point) order."""
    for end in range(len(prefix) - 1, -1, -1):
        if ord(prefix[end]) < 0x10FFFF:
            return prefix[:end] + chr(ord(prefix[end]) + 1)
    return None


def _starts_with(expression, prefix: str, exact: bool = False):
    """`expression` starts with `prefix`, as a range any B-tree index on it answers. The range is exact in byte
    order (search_name; SQLite); `exact` adds a LIKE for columns compared in the database's own collation."""
    upper = _successor(prefix)
    escaped = prefix.replace("/", "//").replace("%", "/%").replace("_", "/_")
    clauses = [expression >= prefix] + ([expression < upper] if upper is not None else [])
    if exact or upper is None:
        clauses.append(expression.like(escaped + "%", escape="/"))
    return and_(*clauses)


@dataclass(frozen=True)
class Alternative:
    """One way a search matches: `clause`; `scattered` when its matches lie scattered through the list's
    order, so that no index reads them in that order (a later word of the name)."""

    clause: object
    scattered: bool = False


def search_alternatives(text: str) -> list[Alternative]:
    """What `text` matches, as alternatives that exclude one another, each answered by an index of its own:
    NIK or phone; or the start of the name, and apart the start of a later word."""
    digits = re.sub(r"\D", "", text)
    if len(digits) >= 6 and len(digits) >= len(text.replace(" ", "")) - 2:
        phone_digits = digits[1:] if digits.startswith("0") else digits.removeprefix("62")
        return [Alternative(or_(_starts_with(Prospect.nik, digits, exact=True),
                                _starts_with(Prospect.phone, f"+62{phone_digits}", exact=True)))]
    lowered = text.translate(_ASCII_LOWER)
    starts = _starts_with(search_name(Prospect.name), lowered)
    escaped = lowered.replace("/", "//").replace("%", "/%").replace("_", "/_")
    later = later_words(Prospect.name).like(f"% {escaped}%", escape="/")
    return [Alternative(starts), Alternative(and_(later, not_(starts)), scattered=True)]


def _search_clause(text: str):
    return or_(*(alternative.clause for alternative in search_alternatives(text)))


def filter_clauses(user: User, criteria: ProspectFilter) -> list:
    """The WHERE clauses on Prospect for what `user` may see and `criteria` asks; the dashboard counts with
    these very clauses, so a figure and the list behind it cannot disagree."""
    clauses = [scope.visibility_filter(user)]
    if criteria.query.strip():
        clauses.append(_search_clause(criteria.query.strip()))
    if criteria.stage is not None:
        clauses.append(Prospect.stage == criteria.stage)
    if criteria.kecamatan_id:
        clauses.append(Prospect.kecamatan_id == criteria.kecamatan_id)
    if criteria.mine_only:
        clauses.append(Prospect.assigned_officer_id == user.id)
    for column, value in ((Prospect.branch_id, criteria.branch_id), (Prospect.source_agency_id, criteria.agency_id),
                          (Prospect.desa_id, criteria.desa_id), (Prospect.assigned_officer_id, criteria.officer_id),
                          (Prospect.lead_batch_id, criteria.batch_id)):
        if value:
            clauses.append(column == value)
    if criteria.sector is not None:
        clauses.append(Prospect.sector == criteria.sector)
    if criteria.event_id:
        clauses.append(Prospect.id.in_(select(EventSignup.prospect_id).where(
            EventSignup.event_id == criteria.event_id, EventSignup.status == SignupStatus.ACCEPTED)))
    if criteria.created_from is not None:
        clauses.append(Prospect.created_at >= criteria.created_from)
    if criteria.created_before is not None:
        clauses.append(Prospect.created_at < criteria.created_before)
    if criteria.reached is not None:
        clauses.append(Prospect.stage.in_(ROAD[ROAD.index(criteria.reached):]))
    if criteria.follow_up_before is not None:
        clauses.extend((being_followed_up(), Prospect.next_follow_up < criteria.follow_up_before))
    return clauses


def being_followed_up():
    """Prospects an officer still follows up: on the road to registering, or registered and lapsed."""
    lapsed = select(Registration.id).where(Registration.prospect_id == Prospect.id,
                                           Registration.status == ParticipantStatus.LAPSED).exists()
    return or_(Prospect.stage.in_(OPEN_STAGES), lapsed)


# --- a page ------------------------------------------------------------------------------------------

FEW_SCATTERED = 2_000  # a scattered alternative with no more matches is read whole and ordered here
Row = tuple[str, int]  # (search name, id): the list's order


@dataclass(frozen=True)
class _Source:
    clause: object
    rows: list[Row] | None = None  # all its matches, when it is scattered and has few


def _ordered(base: list, clause, cursor: Row | None, backwards: bool, limit: int) -> Select:
    """Up to `limit` matches of `clause` in list order (from an index), after `cursor` or before it."""
    name = search_name(Prospect.name)
    query = select(name, Prospect.id).where(*base, clause)
    if cursor is not None:
        position = tuple_(name, Prospect.id)
        query = query.where(position < tuple_(*cursor) if backwards else position > tuple_(*cursor))
    order = (name.desc(), Prospect.id.desc()) if backwards else (name, Prospect.id)
    return query.order_by(*order).limit(limit)


def _scattered(base: list, clause) -> Select:
    return select(search_name(Prospect.name), Prospect.id).where(*base, clause).limit(FEW_SCATTERED + 1)


def _sources(base: list, alternatives: list[Alternative]) -> list[_Source]:
    """A scattered alternative's matches are fetched whole when few: ordering them here is cheaper than
    walking an index in order to find them. When many, they are dense enough to walk for."""
    sources = []
    for alternative in alternatives:
        rows = None
        if alternative.scattered:
            fetched = [tuple(row) for row in db.session.execute(_scattered(base, alternative.clause))]
            rows = fetched if len(fetched) <= FEW_SCATTERED else None
        sources.append(_Source(alternative.clause, rows))
    return sources


def _count(base: list, sources: list[_Source]) -> int:
    """The matches, counted up to COUNT_LIMIT + 1, each alternative from its own index."""
    total = 0
    for source in sources:
        if total > COUNT_LIMIT:
            break
        if source.rows is not None:
            total += len(source.rows)
        else:
            matching = select(Prospect.id).where(*base, source.clause).limit(COUNT_LIMIT + 1 - total).subquery()
            total += db.session.scalar(select(func.count()).select_from(matching))
    return total


def _page(base: list, sources: list[_Source], cursor: Row | None, backwards: bool, offset: int, size: int) -> list[Row]:
    """`size` rows from `offset` in list order (or backwards from `cursor`), the alternatives merged."""
    wanted = offset + size
    merged = []
    for source in sources:
        if source.rows is None:
            merged.extend(tuple(row) for row in db.session.execute(_ordered(base, source.clause, cursor, backwards,
                                                                            wanted)))
        else:
            rows = source.rows if cursor is None else [
                row for row in source.rows if (row < cursor if backwards else row > cursor)]
            merged.extend(sorted(rows, reverse=backwards)[:wanted])
    return sorted(merged, reverse=backwards)[offset:wanted]


def _search(user: User, criteria: ProspectFilter) -> tuple[list, list[Alternative]]:
    base = filter_clauses(user, replace(criteria, query=""))
    text = criteria.query.strip()
    return base, search_alternatives(text) if text else [Alternative(true())]


def page_statements(user: User, criteria: ProspectFilter) -> list[Select]:
    """The SELECTs that read the first page's rows (before their merging), for the benchmark to run bare."""
    base, alternatives = _search(user, criteria)
    return [_scattered(base, source.clause) if source.rows is not None
            else _ordered(base, source.clause, None, False, PAGE_SIZE) for source in _sources(base, alternatives)]


def _cursor(prospect_id: int | None) -> Row | None:
    if not prospect_id:
        return None
    row = db.session.execute(select(search_name(Prospect.name), Prospect.id).where(Prospect.id == prospect_id)).first()
    return tuple(row) if row else None


def find_prospects(user: User, criteria: ProspectFilter, page: int = 1, after: int | None = None,
                   before: int | None = None) -> ProspectPage:
    """A page of the prospects `user` may see that match `criteria`: the first, page `page` by offset, or the
    page after prospect `after` / before prospect `before` (keyset; `page` is then only its number)."""
    base, alternatives = _search(user, criteria)
    sources = _sources(base, alternatives)
    counted = _count(base, sources)
    total, more = min(counted, COUNT_LIMIT), counted > COUNT_LIMIT
    pages = max(1, -(-total // PAGE_SIZE))
    page, rows = max(page, 1), None
    after_cursor = _cursor(after)
    before_cursor = None if after_cursor else _cursor(before)
    if after_cursor is not None:
        fetched = _page(base, sources, after_cursor, False, 0, PAGE_SIZE + 1)
        if fetched:
            rows, has_previous, has_next, page = fetched[:PAGE_SIZE], True, len(fetched) > PAGE_SIZE, max(page, 2)
    elif before_cursor is not None:
        fetched = _page(base, sources, before_cursor, True, 0, PAGE_SIZE + 1)
        if len(fetched) > PAGE_SIZE:  # else the page before is the first: read it from the start
            rows, has_previous, has_next, page = fetched[:PAGE_SIZE][::-1], True, True, max(page, 2)
        else:
            page = 1
    if rows is None:
        page = min(page, pages)
        fetched = _page(base, sources, None, False, (page - 1) * PAGE_SIZE, PAGE_SIZE + 1)
        rows, has_previous, has_next = fetched[:PAGE_SIZE], page > 1, len(fetched) > PAGE_SIZE
    ids = [prospect_id for _, prospect_id in rows]
    loaded = {p.id: p for p in db.session.scalars(select(Prospect).where(Prospect.id.in_(ids)))} if ids else {}
    if not more:
        page = min(page, pages)
    return ProspectPage([loaded[i] for i in ids if i in loaded], total, page, pages, more, has_previous, has_next)
