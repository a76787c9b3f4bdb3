
from sqlalchemy import func, select

from crm.i18n import local_today
from crm.models import Prospect, Region, RegionLevel, Registration, Role, Stage, Target, User, Visit


def test_init_is_safe_to_run_twice(runner, db):
    for _ in range(2):
        result = runner.invoke(args=["sasar", "init"])
        assert result.exit_code == 0, result.output
    assert db.session.scalar(select(func.count()).select_from(Region)
                             .where(Region.level == RegionLevel.DESA)) == 136


def test_create_user_generates_and_prints_a_password(runner, db, client):
    result = runner.invoke(args=["sasar", "create-user", "--role", "officer", "--email", "hendra@sasar.example",
                                 "--kecamatan", "Panarukan", "--kecamatan", "mangaran"])
    assert result.exit_code == 0, result.output
    password = result.output.split("Password: ")[1].strip()
    user = db.session.scalar(select(User).where(User.email == "hendra@sasar.example"))
    assert user.role is Role.OFFICER
    assert [k.name for k in user.kecamatan] == ["Mangaran", "Panarukan"]
    assert client.post("/login", data={"login": "hendra@sasar.example", "password": password}).status_code == 302


def test_create_user_refuses_unknown_agency_and_duplicates(runner, db):
    result = runner.invoke(args=["sasar", "create-user", "--role", "liaison", "--email", "a@sasar.example",
                                 "--agency", "NOPE"])
    assert result.exit_code != 0 and "unknown agency NOPE" in result.output
    ok = runner.invoke(args=["sasar", "create-user", "--role", "liaison", "--email", "a@sasar.example",
                             "--agency", "dinsos"])
    assert ok.exit_code == 0, ok.output
    again = runner.invoke(args=["sasar", "create-user", "--role", "manager", "--email", "A@sasar.example"])
    assert again.exit_code != 0 and "already used" in again.output


def test_create_token_opens_the_api(runner, db, client):
    runner.invoke(args=["sasar", "create-user", "--role", "manager", "--email", "yuli@sasar.example"])
    result = runner.invoke(args=["sasar", "create-token", "--user", "yuli@sasar.example", "--name", "laptop"])
    assert result.exit_code == 0, result.output
    secret = result.output.strip()
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200 and response.json["email"] == "yuli@sasar.example"
    unknown = runner.invoke(args=["sasar", "create-token", "--user", "nobody"])
    assert unknown.exit_code != 0


def test_seed_demo_builds_a_believable_branch_once(runner, db, app, tmp_path):
    app.instance_path = str(tmp_path)
    result = runner.invoke(args=["sasar", "seed-demo", "--prospects", "300"])
    assert result.exit_code == 0, result.output
    roles = {u.role for u in db.session.scalars(select(User))}
    assert roles == set(Role)
    stages = {s for (s,) in db.session.execute(select(Prospect.stage).distinct())}
    assert stages == set(Stage)
    assert db.session.scalar(select(func.count()).select_from(Prospect)) == 300
    registered = db.session.scalar(select(func.count()).where(Prospect.stage == Stage.REGISTERED))
    assert db.session.scalar(select(func.count()).select_from(Registration)) == registered
    assert db.session.scalar(select(func.count()).select_from(Visit)) > 0
    this_year = local_today().year
    targets = {t.year: (t.participants, t.baseline) for t in db.session.scalars(select(Target))}
    assert set(targets) == {this_year - 1, this_year} and targets[this_year - 1] == (23000, 20797)
    assert "dimas" in result.output and (tmp_path / "demo-logins.txt").exists()

    again = runner.invoke(args=["sasar", "seed-demo", "--if-empty"])
    assert again.exit_code == 0 and "dimas" in again.output
    assert db.session.scalar(select(func.count()).select_from(Prospect)) == 300
    assert runner.invoke(args=["sasar", "seed-demo"]).exit_code != 0


def test_demo_logins_work(runner, db, app, tmp_path, client):
    app.instance_path = str(tmp_path)
    result = runner.invoke(args=["sasar", "seed-demo", "--prospects", "50"])
    line = next(line for line in result.output.splitlines() if " hendra " in line)
    password = line.split()[2]
    assert client.post("/login", data={"login": "hendra", "password": password}).status_code == 302


def test_load_centroids_locates_desa(runner, db, tmp_path):
    csv_file = tmp_path / "c.csv"
    csv_file.write_text("kode,kecamatan_kode,nama,lat,lng\n"
                        "35.12.06.2004,35.12.06,Kilensari,-7.700000,113.980000\n"
                        "35.12.06.2099,35.12.06,Atlantis,-7.7,113.9\n")
    result = runner.invoke(args=["sasar", "load-centroids", str(csv_file)])
    assert result.exit_code == 0
    assert "1 desa located; 1 rows matched no desa;" in result.output and "Atlantis" in result.output
    kilensari = db.session.scalar(select(Region).where(Region.name == "Kilensari"))
    assert kilensari.code == "35.12.06.2004" and float(kilensari.latitude) == -7.7
