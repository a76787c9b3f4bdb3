"""The liaison portal through HTTP: upload, preview, correct the columns, commit, history, downloads, undo —
and each agency sees only its own lists."""

import io
import re
import threading

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from crm.models import BatchStatus, LeadBatch, Prospect, Role
from tests.data import DATA
from tests.factories import make_user, sign_in


def sign_in_english(client, user):
    """Sign in and choose English, which the assertions read (the default language is Indonesian)."""
    sign_in(client, user)
    client.post("/language", data={"language": "en"})


@pytest.fixture
def ratna(client, db):
    user = make_user(Role.LIAISON, "ratna", name="Ratna Kusuma", agency_code="DISNAKKAN")
    sign_in_english(client, user)
    return user


def upload(client, path=DATA / "leads_disnakkan.csv", **data):
    with open(path, "rb") as handle:
        return client.post("/leads/new", data={"file": (io.BytesIO(handle.read()), path.name), **data},
                           content_type="multipart/form-data")


def batch_id_of(response) -> int:
    return int(re.search(r"/leads/(\d+)/preview", response.headers["Location"]).group(1))


def test_upload_shows_a_preview_with_counts_and_reasons_and_saves_nothing(client, db, ratna):
    response = upload(client)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert re.search(r'data-count="invalid"[^>]*><span class="num">7</span>', page)
    assert re.search(r'data-count="new"><span class="num">5</span>', page)
    assert "<li data-column>No KTP</li>" in page and "<li>A NIK is 16 digits; this one has 15.</li>" in page
    assert "No KTP:" not in page  # the column is a column of its own, not a prefix
    assert "Moh. Hasan" in page
    assert db.session.scalar(select(func.count()).select_from(Prospect)) == 0


def test_commit_saves_the_leads_and_the_history_lists_the_batch(client, db, ratna):
    batch_id = batch_id_of(upload(client))
    response = client.post(f"/leads/{batch_id}/commit")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/leads/{batch_id}")
    assert db.session.scalar(select(func.count()).select_from(Prospect)) == 6
    page = client.get(f"/leads/{batch_id}").get_data(as_text=True)
    assert "Siti Ma’rifah" in page and "3512********0003" in page and "3512064507850003" not in page
    history = client.get("/leads/").get_data(as_text=True)
    assert "leads_disnakkan.csv" in history and "Ratna Kusuma" in history


def test_the_error_file_can_be_downloaded(client, db, ratna):
    batch_id = batch_id_of(upload(client))
    response = client.get(f"/leads/{batch_id}/errors")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data().decode("utf-8-sig")
    assert text.splitlines()[0].endswith(";Reason") and "3.51204E+15" in text


@pytest.mark.parametrize("suffix", [".xls", ".ods"])
def test_an_excel_97_or_libreoffice_workbook_is_previewed_like_any_list(client, db, ratna, suffix):
    batch = db.session.get(LeadBatch, batch_id_of(upload(client, DATA / f"leads_dinsos{suffix}")))
    assert (batch.file_format, batch.sheet_name, batch.rows_total, batch.invalid_count) == (suffix[1:], "KPM 2024",
                                                                                            4, 2)


def test_rows_pasted_from_a_spreadsheet_are_read_as_a_list(client, db, ratna):
    pasted = "Nama\tNIK\tNo HP\tDesa\nBusiri\t3512064102900004\t085711112222\tTanjung Kamal\n"
    response = client.post("/leads/new", data={"pasted": pasted})
    batch = db.session.get(LeadBatch, batch_id_of(response))
    assert batch.source.value == "paste" and batch.created_count == 1 and batch.delimiter == "\t"


def test_a_misread_column_is_corrected_and_remembered(client, db, ratna, tmp_path):
    path = tmp_path / "kelompok.csv"
    path.write_text("Nama Nelayan;Kartu;Kontak\nBusiri;3512064102900004;-\n", encoding="utf-8")
    batch_id = batch_id_of(upload(client, path))
    page = client.get(f"/leads/{batch_id}/preview").get_data(as_text=True)
    assert 'id="column-1"' in page
    client.post(f"/leads/{batch_id}/columns", data={"column-0": "name", "column-1": "nik", "column-2": "phone"})
    batch = db.session.get(LeadBatch, batch_id)
    assert batch.column_mapping == ["name", "nik", "phone"] and batch.created_count == 1
    again = db.session.get(LeadBatch, batch_id_of(upload(client, path)))
    assert again.column_mapping == ["name", "nik", "phone"]


def test_a_list_without_a_name_column_asks_for_the_mapping_first(client, db, ratna, tmp_path):
    path = tmp_path / "no-names.csv"
    path.write_text("Kartu;Kontak\n3512064102900004;0857 1111 2222\n", encoding="utf-8")
    page = client.get(upload(client, path).headers["Location"]).get_data(as_text=True)
    assert 'id="mapping-problem"' in page and 'id="commit"' not in page


def test_a_file_that_cannot_be_read_is_answered_on_the_form(client, db, ratna, tmp_path):
    path = tmp_path / "broken.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    response = upload(client, path)
    assert response.status_code == 200
    assert "may be damaged or password-protected" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(LeadBatch)) == 0


def test_a_file_over_the_size_cap_gets_a_clear_message(client, db, ratna, app):
    app.config["MAX_CONTENT_LENGTH"] = 2000
    try:
        response = client.post("/leads/new", data={"file": (io.BytesIO(b"x" * 5000), "big.csv")},
                               content_type="multipart/form-data")
    finally:
        app.config["MAX_CONTENT_LENGTH"] = 20 * 1024 * 1024
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "larger than" in page


def test_withdrawing_from_the_batch_page(client, db, ratna):
    batch_id = batch_id_of(upload(client))
    client.post(f"/leads/{batch_id}/commit")
    response = client.post(f"/leads/{batch_id}/withdraw", follow_redirects=True)
    assert "6 leads removed" in response.get_data(as_text=True)
    assert db.session.get(LeadBatch, batch_id).status is BatchStatus.WITHDRAWN
    assert db.session.scalar(select(func.count()).select_from(Prospect)) == 0


def test_the_template_has_indonesian_titles(client, db, ratna):
    from openpyxl import load_workbook
    response = client.get("/leads/template.xlsx")
    sheet = load_workbook(io.BytesIO(response.get_data())).worksheets[0]
    titles = [cell.value for cell in sheet[1]]
    assert titles[:4] == ["Nama", "NIK", "No HP", "Alamat"] and "Kecamatan" in titles
    assert sheet["B2"].number_format == "@"
    assert client.get("/leads/template.csv").get_data().decode("utf-8-sig").startswith("Nama;NIK;No HP")


def test_a_liaison_of_another_agency_cannot_see_or_touch_the_batch(client, db, ratna):
    batch_id = batch_id_of(upload(client))
    client.post(f"/leads/{batch_id}/commit")
    client.post("/logout")
    sign_in_english(client, make_user(Role.LIAISON, "taufik", agency_code="DINSOS"))
    for url in (f"/leads/{batch_id}", f"/leads/{batch_id}/preview", f"/leads/{batch_id}/errors",
                f"/leads/{batch_id}/file"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/leads/{batch_id}/withdraw").status_code == 404
    assert "leads_disnakkan.csv" not in client.get("/leads/").get_data(as_text=True)
    assert db.session.get(LeadBatch, batch_id).status is BatchStatus.COMMITTED


def test_managers_see_every_agencys_lists_and_officers_none(client, db, ratna):
    batch_id = batch_id_of(upload(client))
    client.post("/logout")
    sign_in_english(client, make_user(Role.MANAGER, "yuli"))
    assert client.get(f"/leads/{batch_id}/preview").status_code == 200
    assert "leads_disnakkan.csv" in client.get("/leads/").get_data(as_text=True)
    client.post("/logout")
    sign_in_english(client, make_user(Role.OFFICER, "hendra"))
    assert client.get("/leads/").status_code == 403
    assert client.get(f"/leads/{batch_id}").status_code == 403


def test_a_manager_sends_a_list_for_an_agency(client, db):
    sign_in_english(client, make_user(Role.MANAGER, "yuli"))
    batch = db.session.get(LeadBatch, batch_id_of(upload(client, DATA / "leads_dinsos.xlsx", agency="DINSOS")))
    assert batch.agency.code == "DINSOS" and batch.file_format == "xlsx" and batch.invalid_count == 2


def test_the_prospect_page_shows_the_other_agencies_that_listed_the_person(client, db, ratna, tmp_path):
    client.post(f"/leads/{batch_id_of(upload(client))}/commit")
    client.post("/logout")
    path = tmp_path / "dinsos.csv"
    path.write_text("Nama;NIK\nSiti Marifah;3512064507850003\n", encoding="utf-8")
    sign_in_english(client, make_user(Role.LIAISON, "taufik", agency_code="DINSOS"))
    client.post(f"/leads/{batch_id_of(upload(client, path))}/commit")
    client.post("/logout")
    sign_in_english(client, make_user(Role.MANAGER, "yuli"))
    siti = db.session.scalar(select(Prospect).where(Prospect.nik == "3512064507850003"))
    page = client.get(f"/prospects/{siti.id}").get_data(as_text=True)
    assert "Also listed by" in page and "DINSOS" in page


# --- the same preview committed and discarded at once (issue 13.5, 15.5) ------------------------------

def _second_window(app, user):
    """The same liaison in another browser window: a client of its own, signed in."""
    other = app.test_client()
    sign_in_english(other, user)
    return other


@pytest.mark.parametrize("actions", [("commit", "commit"), ("commit", "discard"), ("discard", "commit")])
def test_two_windows_acting_on_one_preview_at_once_one_wins_the_other_is_told(app, client, db, ratna, actions):
    batch_id = batch_id_of(upload(client))
    windows = [client, _second_window(app, ratna)]
    start = threading.Barrier(2)
    answers: list = [None, None]

    def act(index):
        start.wait()
        answers[index] = windows[index].post(f"/leads/{batch_id}/{actions[index]}", follow_redirects=True)

    threads = [threading.Thread(target=act, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    pages = [answer.get_data(as_text=True) for answer in answers]
    won = [page for answer, page in zip(answers, pages, strict=True)
           if answer.status_code == 200 and ("flash-success" in page or "flash-info" in page)]
    lost = [page for answer, page in zip(answers, pages, strict=True) if page not in won]
    assert len(won) == len(lost) == 1, "one of the two goes through, the other is told why it did not"
    # Told while both ran, or — when the discard had ended before the commit even looked — the list is gone (404).
    assert any(words in lost[0] for words in ("This list has already been saved.", "it was discarded",
                                              "There is no such lead list.", "what it pointed to was removed"))
    db.session.expire_all()
    batch = db.session.get(LeadBatch, batch_id)
    saved = db.session.scalar(select(func.count()).select_from(Prospect))
    assert (batch.status, saved) == (BatchStatus.COMMITTED, 6) if batch else saved == 0


def test_a_commit_that_comes_after_a_discard_is_told_the_list_was_discarded(app, client, db, ratna):
    from crm.leads import intake
    from crm.leads.importer import ImportLimits
    from crm.leads.storage import uploads_dir
    batch_id = batch_id_of(upload(client))
    stale = db.session.get(LeadBatch, batch_id)  # read as the commit's request read it, before the discard
    with app.app_context():  # the discarding request, in a session of its own
        intake.discard_preview(db.session.get(LeadBatch, batch_id))
        db.session.commit()
    with pytest.raises(intake.Discarded, match="discarded"), force_locale("en"):
        intake.commit_batch(stale, limits=ImportLimits(), uploads=uploads_dir(app.instance_path))
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Prospect)) == 0


def test_a_second_commit_of_a_preview_read_before_the_first_ended_is_refused(app, client, db, ratna):
    from crm.errors import Conflict
    from crm.leads import intake
    from crm.leads.importer import ImportLimits
    from crm.leads.storage import uploads_dir
    batch_id = batch_id_of(upload(client))
    limits, uploads = ImportLimits(), uploads_dir(app.instance_path)
    stale = db.session.get(LeadBatch, batch_id)
    with app.app_context():
        intake.commit_batch(db.session.get(LeadBatch, batch_id), limits=limits, uploads=uploads)
        db.session.commit()
    with pytest.raises(Conflict, match="already been saved"), force_locale("en"):
        intake.commit_batch(stale, limits=limits, uploads=uploads)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Prospect)) == 6


# --- one set of numbers (15.4) ------------------------------------------------------------------------

def _long_list(tmp_path, people: int):
    """`people` new leads (valid NIKs), one possible duplicate of another in its desa, a duplicate, a row to fix."""
    lines = ["Nama;NIK;Desa;Kecamatan"]
    for index in range(people):
        day, month, serial = index % 28 + 1, index // 28 % 12 + 1, index // 336 + 1
        lines.append(f"Warga {index};351206{day:02d}{month:02d}80{serial:04d};;")
    lines += ["Busiri;3512064102900004;Tanjung Kamal;Mangaran", "Busirih;3512064102910005;Tanjung Kamal;Mangaran",
              "Busiri lagi;3512064102900004;;", "Tanpa NIK;12345;;"]
    path = tmp_path / "panjang.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_the_preview_its_button_the_saved_message_and_the_batch_page_give_the_same_numbers(client, db, ratna,
                                                                                             tmp_path):
    batch_id = batch_id_of(upload(client, _long_list(tmp_path, 1500)))
    page = client.get(f"/leads/{batch_id}/preview").get_data(as_text=True)
    new, possible = "1.501", "1"  # Indonesian digits whatever the language
    assert re.search(rf'data-count="new"><span class="num">{new}</span>', page)
    assert re.search(rf'data-count="possible"[^>]*><span class="num">{possible}</span>', page)
    button = re.search(r'id="commit"[^>]*>([^<]*)<', page).group(1)
    assert button == f"Save 1.502 leads: {new} new and {possible} possible duplicates (flagged)"
    saved = client.post(f"/leads/{batch_id}/commit", follow_redirects=True).get_data(as_text=True)
    assert (f"Saved: {new} new leads, {possible} possible duplicates (saved and flagged), 1 duplicates, 1 rows to "
            "fix.") in saved
    assert re.search(rf'data-count="new"><span class="num">{new}</span>', saved)  # the batch page, same numbers
    assert db.session.scalar(select(func.count()).select_from(Prospect)) == 1502


def test_no_save_button_when_nothing_would_be_saved(client, db, ratna):
    client.post(f"/leads/{batch_id_of(upload(client))}/commit")
    again = client.get(upload(client).headers["Location"]).get_data(as_text=True)
    assert 'id="commit"' not in again and 'id="nothing-to-save"' in again and 'id="discard"' in again


# --- progress while a long list is read (15.5) --------------------------------------------------------

def test_a_long_list_reports_its_rows_as_they_are_checked_to_the_person_who_sent_it(app, client, db, ratna,
                                                                                      tmp_path, monkeypatch):
    from crm.leads import importer, progress
    from crm.leads.storage import uploads_dir
    reported = []
    real_reporter = progress.reporter

    def spying(directory, token, user_id, stage):
        report = real_reporter(directory, token, user_id, stage)
        reported.append((stage, progress.read(directory, token, user_id)))

        def spy(rows):
            report(rows)
            reported.append((stage, progress.read(directory, token, user_id)))
        return spy

    monkeypatch.setattr(progress, "reporter", spying)
    monkeypatch.setattr(importer, "PROGRESS_EVERY", 1000)
    token = "0123456789abcdef0123456789abcdef"
    response = upload(client, _long_list(tmp_path, 2500), progress=token)
    assert [(stage, found.rows) for stage, found in reported] == [
        ("checking", 0), ("checking", 1000), ("checking", 2000), ("checking", 2504)]
    assert not (uploads_dir(app.instance_path) / f".progress-{token}").exists()  # gone with the answer
    client.post(f"/leads/{batch_id_of(response)}/commit", data={"progress": token})
    assert reported[-1][0] == "saving" and reported[-1][1].rows == 2504


def test_the_waiting_page_reads_its_own_progress_only(app, client, db, ratna):
    from crm.leads import progress
    from crm.leads.storage import uploads_dir
    token = "fedcba9876543210fedcba9876543210"
    progress.reporter(uploads_dir(app.instance_path), token, ratna.id, progress.Stage.CHECKING)(12_000)
    assert client.get(f"/leads/progress/{token}").json == {"rows": 12000, "stage": "checking",
                                                           "text": "12.000 rows checked…"}
    client.post("/logout")
    sign_in_english(client, make_user(Role.LIAISON, "taufik", agency_code="DINSOS"))
    assert client.get(f"/leads/progress/{token}").status_code == 404  # another person's list
    assert client.get("/leads/progress/0000000000000000000000000000ffff").json["text"] == "Sending the file…"
    assert client.get("/leads/progress/not-a-token").json["text"] == "Sending the file…"


def test_the_forms_that_read_or_save_a_list_are_sent_once_and_show_progress(client, db, ratna):
    upload_page = client.get("/leads/new").get_data(as_text=True)
    preview = client.get(upload(client).headers["Location"]).get_data(as_text=True)
    for page in (upload_page, preview):
        assert "data-progress-url=" in page and 'name="progress"' in page and "js/lead-progress.js" in page
        assert 'class="lead-progress"' in page and "data-busy=" in page
