"""The navigation bar: each entry shows only to roles its view's access rule admits."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from crm.auth.access import may_open


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: str
    icon: str
    more: bool = False  # under "More": the admin's and the office's less daily pages, so the bar keeps one row


NAV_ITEMS = (
    NavItem("main.home", _l("Home"), "home"),
    NavItem("dashboard.index", _l("Dashboard"), "chart"),
    NavItem("visits.today", _l("Today"), "today"),
    NavItem("visits.day_plan", _l("Day plan"), "route"),
    NavItem("prospects.index", _l("Prospects"), "people"),
    NavItem("events.index", _l("Events"), "calendar"),
    NavItem("leads.history", _l("Lead lists"), "upload"),
    NavItem("visits.flagged", _l("Flagged visits"), "flag"),
    NavItem("registrations.lapsed", _l("Lapsed"), "refresh"),
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
