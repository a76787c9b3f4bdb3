"""The navigation bar: each entry shows only to roles its view's access rule admits."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from crm.auth.access import may_open
from crm.models import Role


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: str
    icon: str
    more: bool = False  # under "More": the admin's and the office's less daily pages, so the bar keeps one row
    short: str | None = None  # the label in the phone's bottom bar, for the few destinations it holds


NAV_ITEMS = (
    NavItem("main.home", _l("Home"), "home"),
    NavItem("dashboard.index", _l("Dashboard"), "chart"),
    NavItem("visits.today", _l("Today"), "today", short=_l("Today")),
    NavItem("visits.day_plan", _l("Day plan"), "route", short=_l("Plan")),
    NavItem("prospects.index", _l("Prospects"), "people", short=_l("Prospects")),
    NavItem("events.index", _l("Events"), "calendar"),
    NavItem("leads.history", _l("Lead lists"), "upload"),
    NavItem("visits.flagged", _l("Flagged visits"), "flag"),
    NavItem("registrations.lapsed", _l("Lapsed"), "refresh", short=_l("Lapsed")),
    NavItem("registrations.progress", _l("Target"), "target"),
    NavItem("registrations.reconcile", _l("Reconciliation"), "sync", more=True),
    NavItem("registrations.rate_list", _l("Rates"), "rupiah", more=True),
    NavItem("visits.message_templates", _l("WhatsApp messages"), "chat", more=True),
    NavItem("auth.users", _l("Users"), "users", more=True),
    NavItem("privacy.subject_request", _l("Personal data"), "shield", more=True),
    NavItem("audit.index", _l("Audit trail"), "history", more=True),
)


def items_for(user) -> list[NavItem]:
    if not user.is_authenticated:
        return []
    return [item for item in NAV_ITEMS if may_open(user, item.endpoint)]


BOTTOM_BAR_ROLES = (Role.OFFICER,)  # the people who work from a phone all day


def bar_items_for(user) -> list[NavItem]:
    """The phone's bottom bar: an officer's destinations of the day, each one tap away."""
    if not user.is_authenticated or user.role not in BOTTOM_BAR_ROLES:
        return []
    return [item for item in items_for(user) if item.short is not None]
