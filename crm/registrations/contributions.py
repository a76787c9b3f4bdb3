"""The monthly contribution of a BPU participant, from the rate table in force on a date.

Rates are data (ContributionRate rows an admin edits), never constants here: the PP 50/2025
discount, for instance, is a set of rows with an effective period, a sector group and a payer
exclusion. This module only chooses among the rows and does the arithmetic.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from crm.errors import Invalid
from crm.extensions import db
from crm.i18n import rupiah
from crm.models import ContributionRate, Payer, Programme, RateKind, Sector

# The lowest monthly income a BPU participant may declare (shared/DOMAIN.md).
MINIMUM_DECLARED_INCOME = 1_000_000
# Informal workers join at least these; JHT is optional.
MINIMUM_PROGRAMMES = frozenset({Programme.JKK, Programme.JKM})
PROGRAMME_ORDER = (Programme.JKK, Programme.JKM, Programme.JHT)
PROGRAMME_LABELS = {
    Programme.JKK: _l("JKK (work accident)"),
    Programme.JKM: _l("JKM (death)"),
    Programme.JHT: _l("JHT (old-age savings)"),
}


def sector_group_of(sector: Sector | None) -> str | None:
    """The sector group a rate row names for a participant of this sector: the sector's own value
    (`transport`, `fishing`, …), so an admin can aim a rate at transport workers alone."""
    return sector.value if sector is not None else None


@dataclass(frozen=True)
class Rate:
    """One rate row as plain values, so the arithmetic needs no database."""

    programme: Programme
    kind: RateKind
    value: Decimal
    effective_from: date
    effective_to: date | None = None
    sector_group: str | None = None
    payer: Payer | None = None
    payer_excluded: bool = False
    id: int = 0
    note: str | None = None

    @classmethod
    def of(cls, row: ContributionRate) -> "Rate":
        return cls(row.programme, row.kind, Decimal(row.value), row.effective_from, row.effective_to,
                   row.sector_group, row.payer, bool(row.payer_excluded), row.id or 0, row.note)

    def fits(self, on: date, sector_group: str | None) -> bool:
        """In force on `on` for a participant of `sector_group`, whoever pays."""
        if on < self.effective_from or (self.effective_to is not None and on > self.effective_to):
            return False
        return self.sector_group is None or self.sector_group == sector_group

    def applies(self, on: date, sector_group: str | None, payer: Payer) -> bool:
        if not self.fits(on, sector_group):
            return False
        if self.payer is None:
            return True
        return (self.payer != payer) if self.payer_excluded else (self.payer == payer)

    def precedence(self) -> tuple:
        """Higher wins: a named sector group, then a named payer over an excluded one over any payer,
        then the later start, then the later entry."""
        payer_rank = 0 if self.payer is None else (1 if self.payer_excluded else 2)
        return (self.sector_group is not None, payer_rank, self.effective_from, self.id)

    def amount(self, declared_income: int) -> int:
        raw = self.value if self.kind is RateKind.FLAT else Decimal(declared_income) * self.value / 100
        return int(raw.quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class ContributionLine:
    programme: Programme
    rate: Rate
    amount: int


@dataclass(frozen=True)
class Adjustment:
    """Why some programmes are not at the general rate: a row for this sector or payer is in force
    (`share_off` 0.5: halved), or — `withheld` — a reduced row is in force on the day but not for this
    payer (the discount does not apply where the regency budget pays). `basis` is the row's note (its
    legal basis, e.g. "PP 50/2025"), `until` its last day."""

    programmes: tuple[Programme, ...]
    share_off: Decimal
    basis: str | None
    until: date | None
    withheld: Payer | None = None


@dataclass(frozen=True)
class Contribution:
    """A month's contribution: one line per programme and the total, in whole rupiah, and why any line
    is not at the general rate."""

    declared_income: int
    on: date
    lines: tuple[ContributionLine, ...]
    adjustments: tuple[Adjustment, ...] = ()

    @property
    def total(self) -> int:
        return sum(line.amount for line in self.lines)

    def amount_for(self, programme: Programme) -> int | None:
        return next((line.amount for line in self.lines if line.programme is programme), None)


class RateTable:
    """The rate rows, loaded once; answers which row is in force and what a contribution comes to."""

    def __init__(self, rates: Iterable[Rate]):
        self.rates = tuple(rates)

    @classmethod
    def load(cls) -> "RateTable":
        return cls(Rate.of(row) for row in db.session.scalars(select(ContributionRate)))

    def rate_in_force(self, programme: Programme, on: date, *, sector_group: str | None = None,
                      payer: Payer = Payer.WORKER) -> Rate | None:
        """The row for `programme` that governs a participant of `sector_group` paid by `payer` on `on`.

        Of the rows whose period covers the date and whose sector group and payer fit, the most
        specific wins (see Rate.precedence): so a discount row for "any payer except APBD" beats the
        general row while it lasts, and a row for one sector beats a row for every sector.
        """
        fitting = [rate for rate in self.rates if rate.programme is programme
                   and rate.applies(on, sector_group, payer)]
        return max(fitting, key=Rate.precedence, default=None)

    def general_rate(self, programme: Programme, on: date) -> Rate | None:
        """The row for every sector and payer in force on `on`: what a discount is measured against."""
        return max((rate for rate in self.rates if rate.programme is programme and rate.sector_group is None
                    and rate.payer is None and rate.applies(on, None, Payer.WORKER)),
                   key=Rate.precedence, default=None)

    def adjustments(self, lines: Iterable[ContributionLine], on: date, sector_group: str | None,
                    payer: Payer) -> tuple[Adjustment, ...]:
        """The lines whose rate differs from the general one, grouped by share, basis and end; or, when
        none differs, the reduced rows this payer is kept out of."""
        groups: dict[tuple, list[Programme]] = {}
        for line in lines:
            general = self.general_rate(line.programme, on)
            if general is None or line.rate == general or general.kind is not line.rate.kind or not general.value:
                continue
            share = 1 - line.rate.value / general.value
            groups.setdefault((share, line.rate.note, line.rate.effective_to, None), []).append(line.programme)
        if not groups:
            for line in lines:
                general = self.general_rate(line.programme, on)
                for rate in self.rates:
                    if (rate.programme is line.programme and rate.payer_excluded and rate.payer is payer
                            and rate.fits(on, sector_group) and general is not None and general.value
                            and rate.kind is general.kind and rate.value < general.value):
                        key = (1 - rate.value / general.value, rate.note, rate.effective_to, payer)
                        if line.programme not in groups.setdefault(key, []):
                            groups[key].append(line.programme)
        return tuple(Adjustment(tuple(programmes), share, note, until, withheld)
                     for (share, note, until, withheld), programmes in groups.items())

    def compute(self, declared_income: int, programmes: Iterable[Programme], *, on: date,
                sector_group: str | None = None, payer: Payer = Payer.WORKER) -> Contribution:
        """The monthly contribution for a declared income and a set of programmes on a date.

        Rounding: each programme's amount is rounded to whole rupiah, halves up (so 0.5% of
        Rp1,234,567 = Rp6,172.835 becomes Rp6,173), then the amounts are added; the total is
        never rounded again. Raises Invalid when a programme has no rate in force.
        """
        chosen, lines = set(programmes), []
        for programme in PROGRAMME_ORDER:
            if programme not in chosen:
                continue
            rate = self.rate_in_force(programme, on, sector_group=sector_group, payer=payer)
            if rate is None:
                raise Invalid(_l("No %(programme)s rate is in force on %(date)s; an admin must enter one.",
                                 programme=programme.name, date=on.isoformat()), field="programmes")
            lines.append(ContributionLine(programme, rate, rate.amount(declared_income)))
        return Contribution(declared_income, on, tuple(lines),
                            self.adjustments(lines, on, sector_group, payer))


def check_declared_income(declared_income: int | None) -> int:
    if declared_income is None:
        raise Invalid(_l("Enter the declared monthly income."), field="declared_income")
    if declared_income < MINIMUM_DECLARED_INCOME:
        raise Invalid(_l("The declared income cannot be below %(minimum)s.",
                         minimum=rupiah(MINIMUM_DECLARED_INCOME)), field="declared_income")
    return declared_income


def check_programmes(programmes: Iterable[Programme]) -> frozenset[Programme]:
    chosen = frozenset(programmes)
    if not chosen >= MINIMUM_PROGRAMMES:
        raise Invalid(_l("JKK and JKM together are the minimum for informal workers."), field="programmes")
    return chosen


def compute_contribution(declared_income: int, programmes: Iterable[Programme], *, on: date,
                         sector_group: str | None = None, payer: Payer = Payer.WORKER,
                         table: RateTable | None = None) -> Contribution:
    """Check the income and programmes, then compute with `table` (default: the rates in the database)."""
    check_declared_income(declared_income)
    chosen = check_programmes(programmes)
    return (table or RateTable.load()).compute(declared_income, chosen, on=on, sector_group=sector_group,
                                               payer=payer)
