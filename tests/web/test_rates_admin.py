"""Admins keep the rate table; the PP 50/2025 discount is entered as rows, not written in code."""

from datetime import date

import pytest
from sqlalchemy import select

from crm.models import ContributionRate, Payer, Registration, Role, Sector, Stage
from tests.factories import make_prospect, make_user, sign_in

DISCOUNT = "PP 50/2025: JKK and JKM halved"


def _add(client, **fields):
    data = {"sector_group": "", "payer": "", "note": DISCOUNT, **fields}
    response = client.post("/rates/new", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)


def enter_the_pp_50_2025_discount(client):
    """Transport January 2026 – March 2027; other sectors April – December 2026; never where APBD pays."""
    for sector, start, end in (("transport", "2026-01-01", "2027-03-31"), ("", "2026-04-01", "2026-12-31")):
        _add(client, programme="jkk", kind="percent_of_income", value="0,5", effective_from=start,
             effective_to=end, sector_group=sector, payer="apbd", payer_excluded="y")
        _add(client, programme="jkm", kind="flat", value="3400", effective_from=start, effective_to=end,
             sector_group=sector, payer="apbd", payer_excluded="y")


def test_the_rate_page_lists_the_defaults(client, db):
    sign_in(client, make_user(Role.ADMIN, "dimas"))
    html = client.get("/rates").get_data(as_text=True)
    assert "Rp6.800" in html and html.count("<tr>") == 4


@pytest.mark.parametrize("role", [Role.MANAGER, Role.OFFICER, Role.LIAISON])
def test_only_admins_see_or_change_rates(client, db, role):
    sign_in(client, make_user(role, agency_code="DINSOS" if role is Role.LIAISON else None))
    assert client.get("/rates").status_code == 403
    assert client.post("/rates/new", data={"programme": "jkm", "kind": "flat", "value": "1",
                                           "effective_from": "2026-01-01"}).status_code == 403


def test_nonsense_rates_are_refused(client, db):
    sign_in(client, make_user(Role.ADMIN, "dimas"))
    count = db.session.query(ContributionRate).count()
    for data in ({"programme": "jkk", "kind": "percent_of_income", "value": "150", "effective_from": "2026-01-01"},
                 {"programme": "jkk", "kind": "flat", "value": "100", "effective_from": "2026-01-01",
                  "effective_to": "2025-01-01"},
                 {"programme": "jkk", "kind": "flat", "value": "100", "effective_from": "2026-01-01",
                  "payer_excluded": "y"}):
        response = client.post("/rates/new", data={"sector_group": "", "payer": "", **data})
        assert response.status_code == 200 and 'class="error"' in response.get_data(as_text=True)
    assert db.session.query(ContributionRate).count() == count


def test_the_discount_rows_halve_the_contribution_of_self_paying_workers_in_2026_but_not_apbd(client, db):
    admin = make_user(Role.ADMIN, "dimas")
    sign_in(client, admin)
    enter_the_pp_50_2025_discount(client)
    rows = db.session.scalars(select(ContributionRate).where(ContributionRate.note == DISCOUNT)).all()
    assert len(rows) == 4 and all(r.payer is Payer.APBD and r.payer_excluded for r in rows)

    farmer = make_prospect("Sumiati Hasanah", "Kilensari", stage=Stage.INTERESTED)
    farmer.sector = Sector.FARMING
    ojek = make_prospect("Rudi Santoso", "Duwet", stage=Stage.INTERESTED)
    ojek.sector = Sector.TRANSPORT
    db.session.commit()

    def total(prospect, payer, on: date) -> int:
        response = client.get(f"/prospects/{prospect.id}/contribution", query_string={
            "declared_income": "1000000", "jkk": "y", "jkm": "y", "payer": payer, "registered_on": on.isoformat()})
        assert response.status_code == 200
        return response.json["total"]

    assert total(farmer, "worker", date(2026, 5, 4)) == 8_400
    assert total(farmer, "apbd", date(2026, 5, 4)) == 16_800
    assert total(farmer, "worker", date(2026, 2, 2)) == 16_800  # other sectors start in April
    assert total(ojek, "worker", date(2026, 2, 2)) == 8_400
    assert total(ojek, "worker", date(2027, 3, 31)) == 8_400
    assert total(farmer, "worker", date(2027, 1, 4)) == 16_800

    response = client.post(f"/prospects/{farmer.id}/register", data={
        "kpj": "26050000001", "registered_on": "2026-05-04", "jkk": "y", "jkm": "y", "jht": "y",
        "declared_income": "1000000", "payer": "worker"})
    assert response.status_code == 302
    assert db.session.scalar(select(Registration)).monthly_contribution == 28_400  # JHT is not halved
