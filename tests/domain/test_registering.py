"""The register page's contribution panel, from the domain (no client)."""

from datetime import date

from flask_babel import force_locale

from crm.models import Payer, Programme
from crm.registrations.registering import contribution_preview
from tests.factories import make_prospect


def test_the_preview_gives_the_contribution_or_says_why_there_is_none(db):
    prospect = make_prospect("Siti Aminah")
    contribution, why_not = contribution_preview(prospect, 2_000_000, {Programme.JKK, Programme.JKM},
                                                 on=date(2025, 6, 1), payer=Payer.WORKER)
    assert contribution.total > 0 and why_not is None
    with force_locale("en"):
        contribution, why_not = contribution_preview(prospect, 2_000_000, {Programme.JHT}, on=date(2025, 6, 1),
                                                     payer=Payer.WORKER)
    assert contribution is None and why_not == "JKK and JKM together are the minimum for informal workers."
