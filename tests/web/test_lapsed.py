"""The re-activation list: lapsed participants with their officer, until they are active again."""

from datetime import date

from crm.i18n import local_today
from crm.models import ParticipantStatus, Role, Stage
from crm.registrations import registering
from crm.registrations.registering import RegistrationDetails
from tests.factories import make_prospect, make_user, sign_in


def _participant(name, desa, number, officer, kecamatan=None, lapsed_on=None):
    prospect = make_prospect(name, desa, kecamatan=kecamatan, officer=officer, stage=Stage.VISITED)
    registration = registering.register(prospect, RegistrationDetails(kpj=number, registered_on=date(2024, 2, 1),
                                                                      declared_income=1_000_000),
                                        actor=officer, today=local_today())
    if lapsed_on:
        registering.set_status(registration, ParticipantStatus.LAPSED, lapsed_on)
    return registration


def test_lapsed_participants_are_listed_for_their_officer_and_the_manager(app, client, db):
    hendra = make_user(Role.OFFICER, "hendra", name="Hendra Wijaya", kecamatan=("Panarukan",))
    anisa = make_user(Role.OFFICER, "anisa", name="Anisa Putri", kecamatan=("Besuki",))
    mine = _participant("Siti Aminah", "Kilensari", "24010000001", hendra, lapsed_on=date(2024, 8, 1))
    _participant("Joko Prasetyo", "Besuki", "24010000002", anisa, kecamatan="Besuki", lapsed_on=date(2024, 9, 1))
    _participant("Sri Wahyuni", "Duwet", "24010000003", hendra)
    db.session.commit()

    sign_in(client, hendra)
    html = client.get("/participants/lapsed").get_data(as_text=True)
    table = html.split("data-lapsed")[1]
    assert "Siti Aminah" in table and "Hendra Wijaya" in table and "24010000001" in table
    assert "Joko Prasetyo" not in table and "Sri Wahyuni" not in table

    manager = app.test_client()
    sign_in(manager, make_user(Role.MANAGER, "yuli"))
    table = manager.get("/participants/lapsed").get_data(as_text=True).split("data-lapsed")[1]
    assert "Siti Aminah" in table and "Joko Prasetyo" in table and "Anisa Putri" in table
    assert table.index("Joko Prasetyo") < table.index("Siti Aminah")  # the latest lapse first

    registering.set_status(mine, ParticipantStatus.ACTIVE, date(2024, 10, 1))
    db.session.commit()
    assert "Siti Aminah" not in client.get("/participants/lapsed").get_data(as_text=True)


def test_liaisons_do_not_see_the_list(client, db):
    sign_in(client, make_user(Role.LIAISON, "ratna", agency_code="DISNAKKAN"))
    assert client.get("/participants/lapsed").status_code == 403
