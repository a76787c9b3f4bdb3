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
from sqlalchemy import select

from crm.extensions import db
from crm.models import (
    Agency,
    Branch,
    ContributionRate,
    Programme,
    RateKind,
    Region,
    RegionLevel,
)

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

# BPU contribution defaults (shared/DOMAIN.md); admins correct and extend them as data.
DEFAULT_RATES = (
    (Programme.JKK, RateKind.PERCENT_OF_INCOME, Decimal("1.0"), "JKK 1% of declared income"),
    (Programme.JKM, RateKind.FLAT, Decimal("6800"), "JKM Rp6,800 flat"),
    (Programme.JHT, RateKind.PERCENT_OF_INCOME, Decimal("2.0"), "JHT 2% of declared income"),
)
RATES_EFFECTIVE_FROM = date(2015, 7, 1)


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


def _load_rates() -> None:
    if db.session.scalar(select(ContributionRate.id).limit(1)) is not None:
        return
    for programme, kind, value, note in DEFAULT_RATES:
        db.session.add(ContributionRate(programme=programme, kind=kind, value=value,
                                        effective_from=RATES_EFFECTIVE_FROM, note=note))


def load_reference_data() -> None:
    branches = _load_branches()
    _load_kabupaten(SITUBONDO, branches[SITUBONDO.branch_code])
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
    updated, unmatched = 0, []
    with open(path, newline="", encoding="utf-8-sig") as handle:
        for row in csv.DictReader(handle):
            parent = kecamatan.get(row["kecamatan_kode"])
            desa = None
            if parent is not None:
                desa = next((d for d in parent.children if place_key(d.name) == place_key(row["nama"])), None)
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
