"""Admins keep the rate table; the PP 50/2025 discount is entered as rows, not written in code."""

from datetime import date

import pytest
from sqlalchemy import select

from crm.models import ContributionRate, Payer, Programme, Registration, Role, Sector, Stage
from crm.reference import load_reference_data
from tests.factories import make_prospect, make_user, sign_in

DISCOUNT = "PP 50/2025"


def test_the_rate_page_lists_the_defaults(client, db):
    sign_in(client, make_user(Role.ADMIN, "dimas"))
    html = client.get("/rates").get_data(as_text=True)
    # the general rows (2015) and PP 50/2025's four, with Indonesian notes
    assert "Rp6.800" in html and "Rp3.400" in html and html.count("<tr>") == 8
    assert "JKM Rp6.800 per bulan" in html and html.count("<td>PP 50/2025</td>") == 4 and " of declared" not in html


def test_init_adds_the_shipped_rows_a_database_lacks_and_keeps_corrections(db):
    jkm = db.session.scalar(select(ContributionRate).where(ContributionRate.note == DISCOUNT,
                                                            ContributionRate.programme == Programme.JKM,
                                                            ContributionRate.sector_group.is_(None)))
    jkm.value = 5800  # an admin's correction
    general = db.session.scalar(select(ContributionRate).where(ContributionRate.note == "JKK 1% dari penghasilan "
                                                                                         "yang dilaporkan"))
    general.note = "JKK 1% of declared income"  # as the first release wrote it
    for row in db.session.scalars(select(ContributionRate).where(ContributionRate.sector_group == "transport")):
        db.session.delete(row)  # a database from before PP 50/2025
    db.session.commit()
    load_reference_data()
    rows = db.session.scalars(select(ContributionRate)).all()
    assert len(rows) == 7 and db.session.get(ContributionRate, jkm.id).value == 5800
    assert db.session.get(ContributionRate, general.id).note == "JKK 1% dari penghasilan yang dilaporkan"


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


def test_the_shipped_discount_halves_the_contribution_of_self_paying_workers_in_2026_but_not_apbd(client, db):
    admin = make_user(Role.ADMIN, "dimas")
    sign_in(client, admin)
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
