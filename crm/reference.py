"""Reference data every deployment starts with: branches, the regions they cover, agencies, rates.

Loading is idempotent: running it again adds only what is missing.
"""

import csv
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from areaid import buka_data
from flask import current_app
from rapidfuzz import fuzz, process
from sqlalchemy import select
from sqlalchemy.orm import aliased

from crm.extensions import db
from crm.models import (
    Agency,
    Branch,
    ContributionRate,
    MessageTemplate,
    Payer,
    Programme,
    RateKind,
    Region,
    RegionLevel,
)
from crm.registrations.contributions import Rate

BRANCHES = (("BWI", "Banyuwangi", None), ("SBO", "Situbondo", "BWI"))

AGENCIES = (
    ("DPMD", "Dinas Pemberdayaan Masyarakat dan Desa"),
    ("DISNAKER", "Dinas Tenaga Kerja"),
    ("DISNAKKAN", "Dinas Peternakan dan Perikanan"),
    ("DINSOS", "Dinas Sosial"),
)


@dataclass(frozen=True)
class Kabupaten:
    branch_code: str
    province: str
    areaid_name: str
    code: str
    latitude: str
    longitude: str
    kecamatan: tuple[tuple[str, str, str, str], ...]  # code, name, lat, lng (Kemendagri, polygon centroid)
    kelurahan: frozenset[str]


SITUBONDO = Kabupaten(
    branch_code="SBO", province="jawa timur", areaid_name="Kabupaten Situbondo", code="35.12",
    latitude="-7.8014", longitude="114.0514",
    kecamatan=(
        ("35.12.01", "Jatibanteng", "-7.8237", "113.6520"), ("35.12.02", "Besuki", "-7.7538", "113.7025"),
        ("35.12.03", "Suboh", "-7.7657", "113.7312"), ("35.12.04", "Mlandingan", "-7.7782", "113.7918"),
        ("35.12.05", "Kendit", "-7.7460", "113.9053"), ("35.12.06", "Panarukan", "-7.6968", "113.9741"),
        ("35.12.07", "Situbondo", "-7.7213", "113.9963"), ("35.12.08", "Panji", "-7.7154", "114.0334"),
        ("35.12.09", "Mangaran", "-7.6421", "114.0409"), ("35.12.10", "Kapongan", "-7.7118", "114.0771"),
        ("35.12.11", "Arjasa", "-7.8446", "114.1273"), ("35.12.12", "Jangkar", "-7.7728", "114.1695"),
        ("35.12.13", "Asembagus", "-7.8587", "114.2139"), ("35.12.14", "Banyuputih", "-7.8333", "114.3468"),
        ("35.12.15", "Sumbermalang", "-7.8824", "113.6761"), ("35.12.16", "Banyuglugur", "-7.7526", "113.6265"),
        ("35.12.17", "Bungatan", "-7.7356", "113.8290"),
    ),
    kelurahan=frozenset({"Patokan", "Dawuhan", "Ardirejo", "Mimbaan"}),
)

RATES_EFFECTIVE_FROM = date(2015, 7, 1)
# PP 50/2025 (shared/DOMAIN.md): JKK and JKM of BPU participants halved, JHT not; transport workers
# January 2026 – March 2027, other sectors April – December 2026; not where the regency budget pays.
PP_50_2025 = "PP 50/2025"
PP_50_2025_PERIODS = (("transport", date(2026, 1, 1), date(2027, 3, 31)),
                      (None, date(2026, 4, 1), date(2026, 12, 31)))
DEFAULT_RATES = (
    # BPU contributions (shared/DOMAIN.md), the rows Sasar ships; admins correct and extend them as data. Notes
    # are read by the branch's admins, so in Indonesian.
    Rate(Programme.JKK, RateKind.PERCENT_OF_INCOME, Decimal("1.0"), RATES_EFFECTIVE_FROM,
         note="JKK 1% dari penghasilan yang dilaporkan"),
    Rate(Programme.JKM, RateKind.FLAT, Decimal("6800"), RATES_EFFECTIVE_FROM, note="JKM Rp6.800 per bulan"),
    Rate(Programme.JHT, RateKind.PERCENT_OF_INCOME, Decimal("2.0"), RATES_EFFECTIVE_FROM,
         note="JHT 2% dari penghasilan yang dilaporkan"),
    *(row for sector_group, start, end in PP_50_2025_PERIODS for row in (
        Rate(Programme.JKK, RateKind.PERCENT_OF_INCOME, Decimal("0.5"), start, end, sector_group, Payer.APBD, True,
             note=PP_50_2025),
        Rate(Programme.JKM, RateKind.FLAT, Decimal("3400"), start, end, sector_group, Payer.APBD, True,
             note=PP_50_2025))),
)
# Notes the first releases wrote in English, and what they read now.
OLD_RATE_NOTES = {"JKK 1% of declared income": DEFAULT_RATES[0].note, "JKM Rp6,800 flat": DEFAULT_RATES[1].note,
                  "JHT 2% of declared income": DEFAULT_RATES[2].note}


def place_key(name: str) -> str:
    """A spelling-insensitive key for a place name: `Banyu Putih` and `banyuputih` agree."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _get_or_create(model, lookup: dict, **values):
    row = db.session.scalar(select(model).filter_by(**lookup))
    if row is None:
        row = model(**lookup, **values)
        db.session.add(row)
    return row


def _load_branches() -> dict[str, Branch]:
    branches = {}
    for code, name, parent_code in BRANCHES:
        branch = _get_or_create(Branch, {"code": code}, name=name)
        branch.parent = branches.get(parent_code)
        branches[code] = branch
    db.session.flush()
    return branches


def _load_kabupaten(kabupaten: Kabupaten, branch: Branch) -> None:
    province = buka_data(kabupaten.province)[0]
    source = next(k for k in province["kabupaten"] if k["kab_kota"] == kabupaten.areaid_name)
    kab = _get_or_create(Region, {"code": kabupaten.code}, level=RegionLevel.KABUPATEN, branch=branch,
                         name=source["kab_kota"], latitude=Decimal(kabupaten.latitude),
                         longitude=Decimal(kabupaten.longitude))
    db.session.flush()
    by_name = {place_key(entry["kec"]): entry for entry in source["kecamatan"]}
    for code, name, lat, lng in kabupaten.kecamatan:
        kec = _get_or_create(Region, {"code": code}, level=RegionLevel.KECAMATAN, branch=branch, parent=kab,
                             name=name, latitude=Decimal(lat), longitude=Decimal(lng))
        db.session.flush()
        existing = {place_key(d.name) for d in kec.children}
        for desa in by_name[place_key(name)]["kelurahan"]:
            if place_key(desa["kelu"]) in existing:
                continue
            db.session.add(Region(level=RegionLevel.DESA, branch=branch, parent=kec, name=desa["kelu"],
                                  postal_code=str(desa["pos"]),
                                  is_kelurahan=desa["kelu"] in kabupaten.kelurahan))


def _load_agencies() -> None:
    for code, name in AGENCIES:
        _get_or_create(Agency, {"code": code}, name=name)


def _rate_key(row: ContributionRate | Rate) -> tuple:
    """What identifies a shipped row in a database, whatever an admin corrected in it since."""
    return (row.programme, row.effective_from, row.sector_group, row.payer, bool(row.payer_excluded))


def _load_rates() -> None:
    """Add each shipped rate row the database lacks (so an upgraded branch gets PP 50/2025), leaving the
    rows an admin corrected as they are; the first releases' English notes are put into Indonesian."""
    existing = list(db.session.scalars(select(ContributionRate)))
    for row in existing:
        row.note = OLD_RATE_NOTES.get(row.note, row.note)
    present = {_rate_key(row) for row in existing}
    for rate in DEFAULT_RATES:
        if _rate_key(rate) not in present:
            db.session.add(ContributionRate(
                programme=rate.programme, kind=rate.kind, value=rate.value, effective_from=rate.effective_from,
                effective_to=rate.effective_to, sector_group=rate.sector_group, payer=rate.payer,
                payer_excluded=rate.payer_excluded, note=rate.note))


# The WhatsApp messages a branch starts with (crm/visits/contacts.py fills the placeholders); admins change them.
DEFAULT_MESSAGE_TEMPLATES = (
    ("Kabar kunjungan",
     "Assalamualaikum Bapak/Ibu {nama}, saya {petugas} dari BPJS Ketenagakerjaan Cabang {cabang}. "
     "Saya berencana berkunjung pada {hari} untuk menjelaskan perlindungan jaminan sosial bagi pekerja "
     "mandiri. Apakah Bapak/Ibu ada di rumah? Terima kasih."),
    ("Perkenalan",
     "Selamat siang Bapak/Ibu {nama}, saya {petugas}, petugas BPJS Ketenagakerjaan Cabang {cabang}. "
     "Boleh saya menelepon sebentar untuk menjelaskan perlindungan bagi pekerja mandiri?"),
)


def _load_message_templates(branch: Branch) -> None:
    if db.session.scalar(select(MessageTemplate.id).where(MessageTemplate.branch_id == branch.id).limit(1)):
        return
    for title, body in DEFAULT_MESSAGE_TEMPLATES:
        db.session.add(MessageTemplate(branch=branch, title=title, body=body))


def load_reference_data() -> None:
    branches = _load_branches()
    _load_kabupaten(SITUBONDO, branches[SITUBONDO.branch_code])
    _load_message_templates(branches[SITUBONDO.branch_code])
    _load_agencies()
    _load_rates()
    db.session.commit()


@dataclass(frozen=True)
class CentroidResult:
    updated: int
    unmatched: list[str]


def load_desa_centroids(path: Path) -> CentroidResult:
    """Set desa codes and coordinates from a CSV with kode, kecamatan_kode, nama, lat, lng."""
    kecamatan = {r.code: r for r in db.session.scalars(
        select(Region).where(Region.level == RegionLevel.KECAMATAN))}
    matcher = PlaceMatcher.from_regions(db.session.scalars(select(Region)))
    updated, unmatched = 0, []
    with open(path, newline="", encoding="utf-8-sig") as handle:
        for row in csv.DictReader(handle):
            parent = kecamatan.get(row["kecamatan_kode"])
            desa = None
            if parent is not None:
                desa_id = matcher.desa_in(parent.id, row["nama"])
                desa = db.session.get(Region, desa_id) if desa_id else None
            if desa is None:
                unmatched.append(f"{row['kode']} {row['nama']}")
                continue
            desa.code = row["kode"]
            desa.latitude, desa.longitude = Decimal(row["lat"]), Decimal(row["lng"])
            updated += 1
    db.session.commit()
    return CentroidResult(updated, unmatched)


def branch_by_code(code: str) -> Branch | None:
    return db.session.scalar(select(Branch).where(Branch.code == code))


def agencies() -> list[Agency]:
    return list(db.session.scalars(select(Agency).where(Agency.active).order_by(Agency.code)))


def agency_by_code(code: str) -> Agency | None:
    return db.session.scalar(select(Agency).where(Agency.code == code.upper()))


def kecamatan_of(branch: Branch) -> list[Region]:
    return list(db.session.scalars(select(Region).where(
        Region.branch_id == branch.id, Region.level == RegionLevel.KECAMATAN).order_by(Region.name)))


def kecamatan_by_name(branch: Branch, name: str) -> Region | None:
    return next((k for k in kecamatan_of(branch) if place_key(k.name) == place_key(name)), None)


# --- matching place names as people write them ----------------------------------------------------

_PLACE_PREFIX = re.compile(r"^\s*(?:desa|ds|kelurahan|kel|dusun|dsn|kecamatan|kec|kabupaten|kab)(?:\.|\b)\s*",
                           re.IGNORECASE)
_PLACE_PARTS = re.compile(r"[,;/]+")
FUZZY_PLACE_SCORE = 85  # over the whole branch
FUZZY_PLACE_SCORE_IN_KECAMATAN = 75  # among a known kecamatan's few desa
_FUZZY_MARGIN = 3
_MIN_FUZZY_KEY = 5


def place_name(region_id: int | None) -> str | None:
    """How a prospect's place is written on the pages: "Kilensari, Panarukan" for a desa, the name of a
    kecamatan. Kept per app once read — regions are reference data that Sasar never renames — so a list of
    prospects costs no region query; a branch's names are read together, the first time one is asked for."""
    if region_id is None:
        return None
    names = current_app.extensions.setdefault("sasar_place_names", {})
    if region_id not in names:
        parent = aliased(Region)
        branch_id = select(Region.branch_id).where(Region.id == region_id).scalar_subquery()
        for id_, name, level, parent_name in db.session.execute(
                select(Region.id, Region.name, Region.level, parent.name)
                .outerjoin(parent, Region.parent_id == parent.id).where(Region.branch_id == branch_id)):
            names[id_] = f"{name}, {parent_name}" if level is RegionLevel.DESA and parent_name else name
    return names.get(region_id)


def forget_place_names() -> None:
    """For tests, which empty the database under a running app."""
    current_app.extensions.pop("sasar_place_names", None)


def bare_place_name(text: str) -> str:
    """`Ds. Kalianget`, `Desa Kalianget`, `Kel.Patokan` → the name alone."""
    previous = None
    while previous != text:
        previous, text = text, _PLACE_PREFIX.sub("", text, count=1)
    return text.strip()


@dataclass(frozen=True)
class Place:
    id: int
    name: str
    parent_id: int | None
    latitude: Decimal | None = None
    longitude: Decimal | None = None


@dataclass(frozen=True)
class PlaceMatch:
    kecamatan_id: int | None
    desa_id: int | None
    resolved: bool  # False when a desa or kecamatan was given and not recognised
    latitude: Decimal | None = None
    longitude: Decimal | None = None


class _Index:
    def __init__(self, places: list[Place]):
        self.ids_by_key: dict[str, list[int]] = {}
        for place in places:
            self.ids_by_key.setdefault(place_key(place.name), []).append(place.id)
        self.keys = list(self.ids_by_key)

    def find(self, key: str, cutoff: float) -> int | None:
        ids = self.ids_by_key.get(key)
        if ids is not None:
            return ids[0] if len(ids) == 1 else None  # the same name in two kecamatan: not enough to tell
        if len(key) < _MIN_FUZZY_KEY:
            return None
        found = process.extract(key, self.keys, scorer=fuzz.ratio, score_cutoff=cutoff, limit=2)
        if not found or (len(found) == 2 and found[0][1] - found[1][1] < _FUZZY_MARGIN):
            return None
        ids = self.ids_by_key[found[0][0]]
        return ids[0] if len(ids) == 1 else None


class PlaceMatcher:
    """Finds a branch's kecamatan and desa from names as written: case, spacing, hyphens, prefixes such
    as `Ds.`/`Desa`/`Kel.` and small misspellings do not matter. Build it once per import; answers are
    remembered, so a list naming the same desa a thousand times looks it up once.
    """

    def __init__(self, kecamatan: list[Place], desa: list[Place]):
        self._places = {place.id: place for place in [*kecamatan, *desa]}
        self._kecamatan = _Index(kecamatan)
        self._desa = _Index(desa)
        self._desa_by_kecamatan = {k.id: _Index([d for d in desa if d.parent_id == k.id]) for k in kecamatan}
        self._answers: dict[tuple[str, str], PlaceMatch] = {}

    @classmethod
    def from_regions(cls, regions) -> "PlaceMatcher":
        kecamatan, desa = [], []
        for region in regions:
            place = Place(region.id, region.name, region.parent_id, region.latitude, region.longitude)
            if region.level is RegionLevel.KECAMATAN:
                kecamatan.append(place)
            elif region.level is RegionLevel.DESA:
                desa.append(place)
        return cls(kecamatan, desa)

    @classmethod
    def for_branch(cls, branch_id: int) -> "PlaceMatcher":
        return cls.from_regions(db.session.scalars(select(Region).where(Region.branch_id == branch_id)))

    def kecamatan(self, text: str) -> int | None:
        for part in _PLACE_PARTS.split(text or ""):
            key = place_key(bare_place_name(part))
            if key and (found := self._kecamatan.find(key, FUZZY_PLACE_SCORE)) is not None:
                return found
        return None

    def desa_in(self, kecamatan_id: int | None, text: str) -> int | None:
        """The desa named by `text`, within the kecamatan when it is known."""
        index = self._desa_by_kecamatan.get(kecamatan_id) if kecamatan_id else None
        for part in _PLACE_PARTS.split(text or ""):
            key = place_key(bare_place_name(part))
            if not key:
                continue
            found = index.find(key, FUZZY_PLACE_SCORE_IN_KECAMATAN) if index is not None else \
                self._desa.find(key, FUZZY_PLACE_SCORE)
            if found is not None:
                return found
        return None

    def match(self, desa: str | None, kecamatan: str | None) -> PlaceMatch:
        """The kecamatan and desa meant by what a list says; unresolved when a name is not recognised."""
        desa, kecamatan = (desa or "").strip(), (kecamatan or "").strip()
        answer = self._answers.get((desa, kecamatan))
        if answer is None:
            answer = self._answers[(desa, kecamatan)] = self._match(desa, kecamatan)
        return answer

    def _match(self, desa_text: str, kecamatan_text: str) -> PlaceMatch:
        kecamatan_id = self.kecamatan(kecamatan_text) if kecamatan_text else None
        desa_id = self.desa_in(kecamatan_id, desa_text) if desa_text else None
        if desa_id is not None and kecamatan_id is None:
            kecamatan_id = self._places[desa_id].parent_id
        resolved = (not desa_text or desa_id is not None) and (not kecamatan_text or kecamatan_id is not None)
        located = self._places.get(desa_id or kecamatan_id or 0)
        if located is None:
            return PlaceMatch(kecamatan_id, desa_id, resolved)
        return PlaceMatch(kecamatan_id, desa_id, resolved, located.latitude, located.longitude)
