"""The words for enum values, shown by pages, exports and the dashboard alike (so none of them reads a form).

Each table maps an enum member (or a stored code) to a lazily translated label.
"""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from crm.i18n import number
from crm.models import ContactChannel, ContactOutcome, DeclineReason, Outcome, RateKind, Sector, Visit

OUTCOME_LABELS = {
    Outcome.INTERESTED: _l("Met — interested"),
    Outcome.NOT_INTERESTED: _l("Met — not interested"),
    Outcome.NOT_AT_HOME: _l("Not at home"),
    Outcome.MOVED_AWAY: _l("Moved away"),
    Outcome.WRONG_ADDRESS: _l("Wrong address"),
    Outcome.REGISTERED: _l("Registered on the spot"),
}
DECLINE_LABELS = {
    DeclineReason.CANNOT_AFFORD: _l("Cannot afford it"),
    DeclineReason.ALREADY_COVERED: _l("Already covered"),
    DeclineReason.DOES_NOT_TRUST: _l("Does not trust it"),
    DeclineReason.ASK_FAMILY: _l("Must ask family first"),
    DeclineReason.OTHER: _l("Other reason"),
}
CHANNEL_LABELS = {ContactChannel.PHONE: _l("By phone"), ContactChannel.WHATSAPP: _l("By WhatsApp")}
CONTACT_OUTCOME_LABELS = {
    ContactOutcome.INTERESTED: _l("Answered — interested"),
    ContactOutcome.NOT_INTERESTED: _l("Answered — not interested"),
    ContactOutcome.NO_ANSWER: _l("No answer"),
    ContactOutcome.WRONG_NUMBER: _l("Wrong number"),
}
FLAG_LABELS = {
    "far": _l("Far from the prospect's place"),
    "poor_fix": _l("Imprecise position"),
    "no_fix": _l("No position"),
}
MONTH_NAMES = (_l("January"), _l("February"), _l("March"), _l("April"), _l("May"), _l("June"), _l("July"),
               _l("August"), _l("September"), _l("October"), _l("November"), _l("December"))
SECTOR_LABELS = {
    Sector.FISHING: _l("Fishing"), Sector.FARMING: _l("Farming"), Sector.LIVESTOCK: _l("Livestock"),
    Sector.TRADE_SERVICES: _l("Trade and services"), Sector.INDUSTRY: _l("Industry"),
    Sector.TRANSPORT: _l("Transport"), Sector.OTHER: _l("Other"),
}
KIND_LABELS = {RateKind.PERCENT_OF_INCOME: _l("Percent of declared income"), RateKind.FLAT: _l("Flat amount (Rp)")}


def _km(metres: float) -> str:
    return number(metres / 1000, 1)


def flag_text(visit: Visit) -> str:
    """Why a visit is flagged, with the figures that made it so: "3,2 km from the centre of Desa Kilensari;
    limit 2,5 km", "Imprecise position: ±900 m"."""
    if visit.flag_reason == "poor_fix" and visit.accuracy_m is not None:
        return _("Imprecise position: ±%(accuracy)s m", accuracy=number(visit.accuracy_m))
    if visit.flag_reason != "far" or visit.distance_m is None or visit.distance_limit_m is None:
        return str(FLAG_LABELS.get(visit.flag_reason, ""))
    figures = {"distance": _km(visit.distance_m), "limit": _km(visit.distance_limit_m)}
    desa, kecamatan = visit.prospect.desa, visit.prospect.kecamatan
    if visit.distance_from == "desa" and desa is not None:
        if desa.is_kelurahan:
            return _("%(distance)s km from the centre of Kelurahan %(place)s; limit %(limit)s km",
                     place=desa.name, **figures)
        return _("%(distance)s km from the centre of Desa %(place)s; limit %(limit)s km", place=desa.name, **figures)
    if visit.distance_from == "kecamatan" and kecamatan is not None:
        return _("%(distance)s km from the centre of Kecamatan %(place)s; limit %(limit)s km",
                 place=kecamatan.name, **figures)
    return _("%(distance)s km from where an earlier visit found them; limit %(limit)s km", **figures)
