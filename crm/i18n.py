"""Language choice and Indonesian formatting of numbers, rupiah and dates.

Numbers and rupiah always follow Indonesian convention (20.797; Rp1.250.000) because the branch's
figures are Indonesian figures whatever the reader's language; dates are spelled in the UI language.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.numbers import format_decimal
from flask import current_app, has_request_context, request, session
from flask_babel import format_date, format_datetime, get_locale, to_user_timezone
from flask_login import current_user

from crm.config import PROJECT_ROOT

LANGUAGE_NAMES = {"id": "Bahasa Indonesia", "en": "English"}
TRANSLATIONS_DIR = str(PROJECT_ROOT / "crm" / "translations")


def local_timezone() -> ZoneInfo:
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def local_now() -> datetime:
    """Now on the branch's clock (WIB), an aware datetime: the one place Sasar reads the time of day
    for a date (tests freeze it here)."""
    return datetime.now(local_timezone())


def local_today() -> date:
    """Today in the branch's timezone (WIB), whatever the server's clock zone."""
    return local_now().date()


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if request.path.startswith("/api/"):  # a program says its language in each request; Indonesian by default
        return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    if getattr(current_user, "is_authenticated", False) and current_user.locale in languages:
        return current_user.locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def remember_language(code: str) -> bool:
    """Keep the choice in the session and, when signed in, on the user; False if unknown."""
    if code not in current_app.config["LANGUAGES"]:
        return False
    session["lang"] = code
    if current_user.is_authenticated:
        current_user.locale = code
    return True


def number(value, decimals: int = 0) -> str:
    if value is None:
        return "–"
    pattern = "#,##0" if decimals == 0 else "#,##0." + "0" * decimals
    return format_decimal(value, format=pattern, locale="id")


def percent(value, decimals: int = 1) -> str:
    if value is None:
        return "–"
    return number(value * 100, decimals) + "%"


def rupiah(value) -> str:
    if value is None:
        return "–"
    sign = "-" if value < 0 else ""
    return f"{sign}Rp{number(abs(value))}"


def long_date(value: date | datetime | None) -> str:
    if value is None:
        return "–"
    return format_date(value, format="d MMMM y")


def month_year(value: date | datetime | None) -> str:
    """The month and year, spelled in the UI language (Desember 2026)."""
    if value is None:
        return "–"
    return format_date(value, format="LLLL y")


def short_date(value: date | datetime | None) -> str:
    if value is None:
        return "–"
    if not isinstance(value, datetime):  # the same digits in every language; a list shows many
        return f"{value:%d/%m/%Y}"
    return format_date(value, format="dd/MM/y")


def date_time(value: datetime | None) -> str:
    if value is None:
        return "–"
    return format_datetime(value, format="d MMM y HH.mm")


def clock_time(value: datetime | None) -> str:
    """The time of day in the branch's timezone, as date_time writes it (14.05)."""
    if value is None:
        return "–"
    return f"{to_user_timezone(value):%H.%M}"


def init_app(app, babel) -> None:
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", TRANSLATIONS_DIR)
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.filters.update(
        number=number, percent=percent, rupiah=rupiah, long_date=long_date, short_date=short_date,
        month_year=month_year, date_time=date_time, clock_time=clock_time,
    )

    @app.context_processor
    def _language_context():
        return {"current_language": str(get_locale()), "language_names": LANGUAGE_NAMES,
                "request_path": request.full_path.rstrip("?")}
