"""The navigation bar: each entry shows only to roles its view's access rule admits."""

from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l

from crm.auth.access import rule_for


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: str
    icon: str


NAV_ITEMS = (
    NavItem("main.home", _l("Home"), "home"),
    NavItem("auth.users", _l("Users"), "users"),
)


def items_for(user) -> list[NavItem]:
    if not user.is_authenticated:
        return []
    return [item for item in NAV_ITEMS if user.role in (rule_for(current_app, item.endpoint) or ())]
