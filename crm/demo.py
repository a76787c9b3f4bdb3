"""A believable Situbondo demo that lives in the present: people of every role and the twelve months up
to today — ~2,000 prospects arriving every month in agencies' lists, visits (some flagged) and
registrations (some lapsed) through today, last year's and this year's targets. Deterministic for a
given seed and day, apart from the passwords."""

import random
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select

from crm import reference
from crm.auth import accounts
from crm.events import planning, signups
from crm.events.consent import PURPOSE_VERSION
from crm.extensions import db
from crm.i18n import local_now, local_timezone
from crm.models import (
    BatchSource,
    BatchStatus,
    ConsentBasis,
    DeclineReason,
    EventKind,
    EventSignup,
    LeadBatch,
    Outcome,
    ParticipantStatus,
    Payer,
    PositionSource,
    Programme,
    Prospect,
    Region,
    RegionLevel,
    Registration,
    Role,
    Sector,
    SignupSource,
    SignupStatus,
    Stage,
    Target,
    Visit,
)
from crm.registrations import contributions
from crm.visits.recording import FlagRules

# Last year's target over the branch's 2023 close (shared/DOMAIN.md); this year's target is set
# over where last year ended in the demo's own figures.
LAST_YEAR_TARGET, LAST_YEAR_BASELINE = 23_000, 20_797
THIS_YEAR_TARGET = 24_000
MONTHS_SHOWN = 12
FLAGGED_SHARE, LAPSED_SHARE = 0.06, 0.1

MALE = ("Ahmad", "Moh.", "Abdul", "Slamet", "Sutrisno", "Hasan", "Imam", "Samsul", "Agus", "Bambang", "Rudi",
        "Sugeng", "Suparman", "Joko", "Yusuf", "Hori", "Sahri", "Junaidi", "Fathor", "Busiri", "Sunarto",
        "Mistar", "Holik", "Nurul", "Hairul", "Syaiful", "Arif", "Eko", "Edi", "Suhaimi")
FEMALE = ("Siti", "Sri", "Nur", "Dewi", "Ratna", "Yuli", "Sumiati", "Rohmah", "Fatimah", "Aminah", "Halimah",
          "Lilik", "Endang", "Wahyuni", "Masruroh", "Suhartini", "Rukmini", "Nurhayati", "Maimunah", "Sulastri")
FAMILY = ("Hidayat", "Rahman", "Santoso", "Wahyudi", "Hasanah", "Fauziah", "Sholeh", "Maulana", "Efendi",
          "Prasetyo", "Kurniawan", "Rahmawati", "Susanti", "Hariyanto", "Jamil", "Anwar", "Mansur", "Zainal",
          "Kholil", "Syamsuddin", "", "", "", "")

# What each agency's people do: (occupation, business name or None, sector)
AGENCY_WORK = {
    "DISNAKKAN": (("Nelayan", None, Sector.FISHING), ("Pembudidaya ikan", None, Sector.FISHING),
                  ("Peternak sapi", None, Sector.LIVESTOCK), ("Peternak kambing", None, Sector.LIVESTOCK),
                  ("Pengolah ikan asin", "UD Ikan Asin Bahari", Sector.INDUSTRY)),
    "DPMD": (("Perangkat desa", None, Sector.OTHER), ("Petani tembakau", None, Sector.FARMING),
             ("Petani padi", None, Sector.FARMING), ("Ketua RT", None, Sector.OTHER),
             ("Pekerja padat karya", None, Sector.OTHER)),
    "DISNAKER": (("Pedagang pasar", "Toko Sembako Barokah", Sector.TRADE_SERVICES),
                 ("Tukang ojek", None, Sector.TRANSPORT), ("Penjahit", "Konveksi Mandiri", Sector.INDUSTRY),
                 ("Pengrajin batik", "Batik Sekar Situbondo", Sector.INDUSTRY),
                 ("Montir", "Bengkel Jaya Motor", Sector.TRADE_SERVICES)),
    "DINSOS": (("Buruh tani", None, Sector.FARMING), ("Pedagang keliling", None, Sector.TRADE_SERVICES),
               ("Buruh tani tembakau", None, Sector.FARMING), ("Pemulung", None, Sector.OTHER),
               ("Penjual gorengan", "Warung Bu Sum", Sector.TRADE_SERVICES)),
}
STAGE_WEIGHTS = {Stage.NEW: 34, Stage.CONTACTED: 14, Stage.VISITED: 12, Stage.INTERESTED: 10,
                 Stage.REGISTERED: 20, Stage.DECLINED: 7, Stage.UNREACHABLE: 3}
MOBILE_PREFIXES = ("812", "813", "821", "822", "852", "853", "857", "858", "877", "878", "895", "896")

# name, username, role, agency code, kecamatan covered
DEMO_PEOPLE = (
    ("Dimas Pratama", "dimas", Role.ADMIN, None, ()),
    ("Yuli Astutik", "yuli", Role.MANAGER, None, ()),
    ("Fajar Ramadhan", "fajar", Role.MANAGER, None, ()),
    ("Hendra Wijaya", "hendra", Role.OFFICER, None, ("Panarukan", "Mangaran")),
    ("Rizki Maulana", "rizki", Role.OFFICER, None, ("Situbondo", "Panji", "Kapongan")),
    ("Anisa Putri", "anisa", Role.OFFICER, None, ("Besuki", "Suboh", "Mlandingan", "Bungatan")),
    ("Bayu Saputra", "bayu", Role.OFFICER, None, ("Jatibanteng", "Sumbermalang", "Banyuglugur", "Kendit")),
    ("Wulan Sari", "wulan", Role.OFFICER, None, ("Arjasa", "Jangkar", "Asembagus", "Banyuputih")),
    ("Ratna Kusuma", "ratna", Role.LIAISON, "DISNAKKAN", ()),
    ("Agung Setiawan", "agung", Role.LIAISON, "DPMD", ()),
    ("Lina Marlina", "lina", Role.LIAISON, "DISNAKER", ()),
    ("Taufik Hidayat", "taufik", Role.LIAISON, "DINSOS", ()),
)


@dataclass(frozen=True)
class DemoLogin:
    name: str
    role: Role
    login: str
    password: str


@dataclass(frozen=True)
class DemoResult:
    logins: list[DemoLogin]
    prospects: int
    visits: int
    registrations: int


def _nik(rng: random.Random, kecamatan_code: str, used: set[str]) -> str:
    while True:
        born = date(rng.randint(1960, 2004), rng.randint(1, 12), rng.randint(1, 28))
        day = born.day + (40 if rng.random() < 0.45 else 0)
        nik = f"3512{kecamatan_code[-2:]}{day:02d}{born:%m%y}{rng.randint(1, 9999):04d}"
        if nik not in used:
            used.add(nik)
            return nik


def _phone(rng: random.Random, used: set[str]) -> str:
    while True:
        phone = f"+62{rng.choice(MOBILE_PREFIXES)}{rng.randint(1_000_000, 99_999_999)}"
        if phone not in used:
            used.add(phone)
            return phone


def _name(rng: random.Random) -> str:
    first = rng.choice(MALE if rng.random() < 0.6 else FEMALE)
    return f"{first} {rng.choice(FAMILY)}".strip()


def _moment(day: date, rng: random.Random, now: datetime) -> datetime:
    """A working-hours moment (08.00–17.00 WIB) of `day`, never later than now."""
    moment = datetime.combine(day, time(rng.randint(1, 9), rng.randint(0, 59)), tzinfo=UTC)
    return min(moment, now)


def _month_starts(today: date, months: int) -> list[date]:
    """The first days of the `months` months that end with today's."""
    starts, first = [], today.replace(day=1)
    for _ in range(months):
        starts.append(first)
        first = (first - timedelta(days=1)).replace(day=1)
    return starts[::-1]


def _outcomes_for(stage: Stage, rng: random.Random) -> list[Outcome]:
    if stage is Stage.CONTACTED:
        return [Outcome.NOT_AT_HOME] if rng.random() < 0.4 else []
    return {
        Stage.VISITED: [rng.choice((Outcome.NOT_AT_HOME, Outcome.INTERESTED)), Outcome.NOT_AT_HOME],
        Stage.INTERESTED: [Outcome.NOT_AT_HOME, Outcome.INTERESTED],
        Stage.REGISTERED: [Outcome.INTERESTED, Outcome.REGISTERED],
        Stage.DECLINED: [Outcome.NOT_INTERESTED],
        Stage.UNREACHABLE: [Outcome.NOT_AT_HOME, rng.choice((Outcome.MOVED_AWAY, Outcome.WRONG_ADDRESS))],
    }.get(stage, [])


def _create_people(branch) -> tuple[list[DemoLogin], dict]:
    logins, officers_by_kecamatan = [], {}
    for name, username, role, agency_code, kecamatan_names in DEMO_PEOPLE:
        kecamatan = [reference.kecamatan_by_name(branch, k) for k in kecamatan_names]
        password = accounts.generate_password()
        user = accounts.create_user(accounts.AccountDetails(
            name=name, role=role, username=username, email=f"{username}@sasar.example",
            agency=reference.agency_by_code(agency_code) if agency_code else None, kecamatan=kecamatan,
        ), password, branch)
        for region in kecamatan:
            officers_by_kecamatan[region.id] = user
        logins.append(DemoLogin(name, role, username, password))
    return logins, officers_by_kecamatan


def seed_demo(prospect_count: int = 2000, seed: int = 2024, today: date | None = None) -> DemoResult:
    """Fill an empty branch with the twelve months up to `today` (the branch's today); the caller commits."""
    rng = random.Random(seed)
    tz, clock = local_timezone(), local_now()
    today = today or clock.date()
    # Nothing happens later than now; on another day than today, later than its evening.
    now = (clock if clock.date() == today else datetime.combine(today, time(21), tzinfo=tz)).astimezone(UTC)
    branch = reference.branch_by_code("SBO")
    logins, officers = _create_people(branch)
    desas = list(db.session.scalars(select(Region).where(Region.branch_id == branch.id,
                                                         Region.level == RegionLevel.DESA)))

    # Each agency hands over a list every month; the month under way's list came in on its first days.
    batches = {}
    for first in _month_starts(today, MONTHS_SHOWN):
        arrived = min(first.replace(day=3), today)
        for agency in reference.agencies():
            batches.setdefault(agency.code, []).append(LeadBatch(
                branch=branch, agency=agency, source=BatchSource.DEMO, status=BatchStatus.COMMITTED,
                filename=f"daftar_{agency.code.lower()}_{first:%Y_%m}.xlsx",
                created_at=_moment(arrived, rng, now), committed_at=_moment(arrived, rng, now)))
    db.session.add_all(b for group in batches.values() for b in group)
    db.session.flush()

    used_nik, used_phone, used_kpj = set(), set(), set()
    rate_table = contributions.RateTable.load()
    prospects, visits, registrations = [], [], []
    stages, weights = zip(*STAGE_WEIGHTS.items(), strict=True)
    for _ in range(prospect_count):
        agency_code = rng.choice(list(AGENCY_WORK))
        batch = rng.choice(batches[agency_code])
        occupation, business, sector = rng.choice(AGENCY_WORK[agency_code])
        desa = rng.choice(desas)
        stage = rng.choices(stages, weights)[0]
        officer = officers[desa.parent_id]
        has_nik = rng.random() < 0.85
        added = batch.created_at.astimezone(tz).date()
        prospect = Prospect(
            branch=branch, name=_name(rng), nik=_nik(rng, desa.parent.code, used_nik) if has_nik else None,
            phone=_phone(rng, used_phone) if (not has_nik or rng.random() < 0.8) else None,
            address=f"Dusun {rng.choice(('Krajan', 'Timur', 'Barat', 'Tengah', 'Pesisir'))}, "
                    f"RT {rng.randint(1, 6):02d}/RW {rng.randint(1, 4):02d}",
            kecamatan_id=desa.parent_id, desa=desa, occupation=occupation,
            business_name=business if business and rng.random() < 0.5 else None, sector=sector, stage=stage,
            source_agency=batch.agency, lead_batch=batch, assigned_officer=officer,
            created_at=batch.created_at,
            consent_basis=ConsentBasis.PUBLIC_TASK, consent_agency=batch.agency, consent_date=added,
        )
        batch.rows_total += 1
        batch.created_count += 1
        day = added
        for outcome in _outcomes_for(stage, rng):
            day = min(day + timedelta(days=rng.randint(2, 20)), today)
            visits.append(_visit(rng, prospect, officer, outcome, _moment(day, rng, now), desa))
        prospect.stage_changed_at = _moment(day, rng, now)
        if stage in (Stage.CONTACTED, Stage.VISITED, Stage.INTERESTED):
            prospect.next_follow_up = today + timedelta(days=rng.randint(-4, 10))
        if stage is Stage.REGISTERED:
            registrations.append(_registration(rng, prospect, officer, day, used_kpj, today, rate_table))
        prospects.append(prospect)
    db.session.add_all(prospects)
    db.session.add_all(visits)
    db.session.add_all(registrations)
    _set_targets(branch, today.year, registrations)
    db.session.flush()
    _add_events(officers, prospects, rng, now, tz)
    return DemoResult(logins, len(prospects), len(visits), len(registrations))


# Two outreach events: a morning at the fish auction a fortnight ago, with the people who signed up there, and a
# socialisation at the balai desa in three days' time (its sign-up link opens the day before).
DEMO_EVENTS = (
    ("Sosialisasi BPU di TPI Kilensari", EventKind.TPI, "Kilensari", "DISNAKKAN", -14, 40),
    ("Sosialisasi Jaminan Sosial di Balai Desa Mangaran", EventKind.SOSIALISASI, "Mangaran", "DPMD", 3, 0),
)


def _add_events(officers: dict, prospects: list[Prospect], rng: random.Random, now: datetime, tz) -> None:
    for title, kind, desa_name, agency_code, days, people in DEMO_EVENTS:
        desa = db.session.scalar(select(Region).where(Region.level == RegionLevel.DESA, Region.name == desa_name))
        officer = officers[desa.parent_id]
        start = datetime.combine((now.astimezone(tz) + timedelta(days=days)).date(), time(7), tzinfo=tz)
        event = planning.create_event(planning.EventDetails(
            title=title, kind=kind, starts_at=start, ends_at=start + timedelta(hours=3), desa_id=desa.id,
            agency_id=reference.agency_by_code(agency_code).id, officer_ids=[officer.id], expected_attendees=60),
            officer)
        nearby = [p for p in prospects if p.kecamatan_id == desa.parent_id and p.created_at < start]
        for prospect in rng.sample(nearby, min(people, len(nearby))):
            signups.record_consent(prospect, start.date())
            db.session.add(EventSignup(event=event, prospect=prospect, status=SignupStatus.ACCEPTED,
                                       source=SignupSource.FORM, known=True, present=rng.random() < 0.8,
                                       consent_version=PURPOSE_VERSION,
                                       created_at=start + timedelta(minutes=rng.randint(0, 180))))
    db.session.flush()


def _visit(rng, prospect, officer, outcome, visited_at, desa) -> Visit:
    """A visit at the prospect's desa; a few are flagged, as the field's phones make them."""
    visit = Visit(
        client_uuid=uuid.UUID(int=rng.getrandbits(128)), branch=prospect.branch, prospect=prospect,
        officer=officer, visited_at=visited_at, outcome=outcome,
        decline_reason=rng.choice(list(DeclineReason)) if outcome is Outcome.NOT_INTERESTED else None,
        latitude=desa.latitude, longitude=desa.longitude, accuracy_m=rng.choice((8.0, 15.0, 40.0)),
        position_source=PositionSource.GPS, distance_m=rng.choice((40.0, 120.0, 350.0)),
        distance_from="desa", distance_limit_m=desa.reach_m or FlagRules().max_distance_m,
    )
    if rng.random() < FLAGGED_SHARE:
        visit.flagged = True
        visit.flag_reason = rng.choice(("far", "poor_fix", "no_fix"))
        if visit.flag_reason == "far":
            visit.distance_m = visit.distance_limit_m + rng.randint(300, 6_000)
        elif visit.flag_reason == "poor_fix":
            visit.accuracy_m = float(rng.randint(600, 1_500))
        else:
            visit.latitude = visit.longitude = visit.accuracy_m = visit.position_source = visit.distance_m = None
            visit.distance_from = None
    return visit


def _set_targets(branch, year: int, registrations: list[Registration]) -> None:
    """Last year's target over the 2023 close, this year's over where last year ended."""
    registered = sum(r.registered_on.year == year - 1 for r in registrations)
    lapsed = sum(r.status_changed_on is not None and r.status_changed_on.year == year - 1 for r in registrations)
    closed = LAST_YEAR_BASELINE + registered - lapsed
    db.session.add_all([
        Target(branch=branch, year=year - 1, participants=LAST_YEAR_TARGET, baseline=LAST_YEAR_BASELINE),
        Target(branch=branch, year=year, participants=THIS_YEAR_TARGET, baseline=closed),
    ])


def _registration(rng, prospect, officer, day, used_kpj, today, rate_table) -> Registration:
    while (kpj := f"{rng.randint(0, 99_999_999_999):011d}") in used_kpj:
        pass
    used_kpj.add(kpj)
    income = rng.choice((1_000_000, 1_000_000, 1_500_000, 2_000_000, 2_750_000))
    jht = rng.random() < 0.3
    payer = rng.choices(list(Payer), (60, 10, 15, 12, 3))[0]
    lapsed_on = day + timedelta(days=rng.randint(45, 150))
    lapsed = rng.random() < LAPSED_SHARE and lapsed_on <= today
    programmes = {Programme.JKK, Programme.JKM} | ({Programme.JHT} if jht else set())
    return Registration(
        branch=prospect.branch, prospect=prospect, kpj=kpj, registered_on=day,
        jkk=True, jkm=True, jht=jht, declared_income=income,
        monthly_contribution=contributions.compute_contribution(
            income, programmes, on=day, table=rate_table, payer=payer,
            sector_group=contributions.sector_group_of(prospect.sector)).total,
        payer=payer, sponsor_name="CV Tembakau Besuki" if payer is Payer.SPONSOR else None,
        status=ParticipantStatus.LAPSED if lapsed else ParticipantStatus.ACTIVE,
        status_changed_on=lapsed_on if lapsed else None,
        officer=officer, source_agency=prospect.source_agency, lead_batch=prospect.lead_batch,
    )
