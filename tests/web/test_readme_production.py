"""The README's production section, followed literally: its marked blocks run on a fresh PostgreSQL database,
gunicorn starts as the systemd unit says, the admin signs in through the headers nginx sends and opens the
dashboard, and the nightly backup unit's commands run. The test fails when the README drifts from the code.

What the test changes (README, "Run in production"): the values of step 2's variables (its own database, role,
environment file, group and desa file), `sudo -u postgres ` (PostgreSQL here takes the `postgres` user over TCP),
the unit's `/opt/sasar` (this checkout; its `.venv` the test's), `/var/backups/sasar` and the bound port.
"""

import grp
import os
import re
import secrets
import shlex
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
import sqlalchemy as sa

from crm.cli import sasar
from tests.conftest import POSTGRES_SERVER_URL, _on_postgres_server, postgres_unreachable_reason

REPO = Path(__file__).resolve().parents[2]
README = REPO / "README.md"
VENV = Path(sys.prefix)  # the test's virtualenv stands in for /opt/sasar/.venv
BLOCK = re.compile(r"<!-- production-test: ([\w-]+) -->\n```\w*\n(.*?)\n```", re.S)
FORWARDED = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https", "X-Forwarded-Host": "sasar.example.go.id",
             "X-Forwarded-Port": "443"}


def readme_blocks() -> dict[str, str]:
    return dict(BLOCK.findall(README.read_text(encoding="utf-8")))


def variables(block: str) -> dict[str, str]:
    """NAME=value lines of step 2, as the shell reads them (comments dropped)."""
    found = {}
    for line in block.splitlines():
        match = re.match(r"(?:export )?([A-Z_]+)=(.*)", line)
        if match:
            found[match.group(1)] = shlex.split(match.group(2), comments=True)[0]
    return found


def with_values(block: str, values: dict[str, str]) -> str:
    lines = []
    for line in block.splitlines():
        match = re.match(r"((?:export )?)([A-Z_]+)=", line)
        lines.append(f"{match.group(1)}{match.group(2)}={shlex.quote(values[match.group(2)])}" if match else line)
    return "\n".join(lines)


def unit_settings(block: str) -> dict[str, list[str]]:
    settings: dict[str, list[str]] = {}
    for line in block.splitlines():
        key, sep, value = line.partition("=")
        if sep and not line.startswith("#"):
            settings.setdefault(key.strip(), []).append(value.strip())
    return settings


def environment_file(path: Path) -> dict[str, str]:
    """KEY=value lines, as systemd's EnvironmentFile= reads them."""
    return {key: value for key, _sep, value in (line.partition("=") for line in path.read_text().splitlines()
                                                if line.strip() and not line.startswith("#"))}


def centroids_file(tmp_path: Path) -> Path:
    for folder in REPO.parents:
        candidate = folder / "shared" / "data" / "situbondo_desa_centroids.csv"
        if candidate.exists():
            return candidate
    fallback = tmp_path / "centroids.csv"
    fallback.write_text("kode,kecamatan_kode,nama,lat,lng\n35.12.06.2001,35.12.06,Kilensari,-7.7036,113.9894\n")
    return fallback


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Browser:
    """Requests as nginx forwards them (HTTPS outside), with the cookies a browser keeps."""

    def __init__(self, base: str):
        self.base, self.cookies = base, {}

    def open(self, path: str, data: dict | None = None):
        headers = {**FORWARDED, "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
                   "Referer": f"https://{FORWARDED['X-Forwarded-Host']}/login"}  # CSRF over HTTPS checks it
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body, headers=headers)  # noqa: S310 - http://127.0.0.1
        opener = urllib.request.build_opener(NoRedirect)
        try:
            response = opener.open(request, timeout=30)
        except urllib.error.HTTPError as error:
            response = error
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _sep, rest = header.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return response.status, response.headers, response.read().decode("utf-8", "replace")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def wait_for(url: str, process: subprocess.Popen) -> None:
    """Until gunicorn answers (it boots its workers first); fails at once if it exits."""
    for _attempt in range(300):
        if process.poll() is not None:
            pytest.fail(f"gunicorn exited: {process.stdout.read()}")
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - the server this test started
                return
        except OSError:
            time.sleep(0.1)
    pytest.fail("gunicorn did not answer")


@pytest.fixture
def fresh_names():
    reason = postgres_unreachable_reason()
    if reason or not shutil.which("psql") or not shutil.which("pg_dump"):
        pytest.skip(reason or "psql and pg_dump (postgresql-client) are needed")
    name = f"sasar_readme_{os.getpid()}_{secrets.token_hex(3)}"
    yield name
    _on_postgres_server(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _on_postgres_server(f'DROP ROLE IF EXISTS "{name}"')


def test_the_readme_production_steps_bring_up_a_working_server(tmp_path, fresh_names):
    blocks = readme_blocks()
    assert {"variables", "setup", "first-start", "unit", "backup-unit", "nginx"} <= set(blocks)
    defaults = variables(blocks["variables"])
    env_file = tmp_path / "etc" / "sasar" / "sasar.env"
    values = {**defaults, "SASAR_HOME": str(REPO), "SASAR_ENV_FILE": str(env_file),
              "SASAR_USER": grp.getgrgid(os.getgid()).gr_name, "DB_NAME": fresh_names, "DB_USER": fresh_names,
              "DB_PASSWORD": secrets.token_hex(8), "CENTROIDS": str(centroids_file(tmp_path))}
    assert set(values) == set(defaults), "step 2 names a variable this test does not know"
    server = sa.make_url(POSTGRES_SERVER_URL)
    shell_env = {**os.environ, "PGHOST": server.host or "127.0.0.1", "PGPORT": str(server.port or 5432),
                 "PGUSER": server.username or "postgres", "SASAR_VENV": str(VENV), "PYTHONPATH": str(REPO)}
    for name in ("DATABASE_URL", "SASAR_ENV_FILE"):
        shell_env.pop(name, None)
    script = "\n".join([with_values(blocks["variables"], values), blocks["setup"], blocks["first-start"]])
    script = script.replace("sudo -u postgres ", "")
    ran = subprocess.run(["bash", "-euo", "pipefail", "-c", script], env=shell_env, capture_output=True, text=True,
                         timeout=600, check=False)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    password = re.search(r"^Password: (\S+)$", ran.stdout, re.M).group(1)
    assert oct(env_file.stat().st_mode & 0o777) == "0o640"

    unit = unit_settings(blocks["unit"])
    home, readme_env = defaults["SASAR_HOME"], defaults["SASAR_ENV_FILE"]
    assert unit["WorkingDirectory"] == [home] and unit["EnvironmentFile"] == [readme_env]
    command = shlex.split(unit["ExecStart"][0])
    bound = command[command.index("--bind") + 1]
    assert f"proxy_pass http://{bound};" in blocks["nginx"], "nginx must pass to the address gunicorn binds"
    assert command[0] == f"{home}/.venv/bin/gunicorn"
    port = free_port()
    command = [str(VENV / "bin" / "gunicorn"), *command[1:]]
    command[command.index("--bind") + 1] = f"127.0.0.1:{port}"
    service_env = {"PATH": os.environ["PATH"], "PYTHONPATH": str(REPO), **environment_file(env_file)}
    gunicorn = subprocess.Popen(command, cwd=REPO, env=service_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(base + "/health", gunicorn)
        browser = Browser(base)
        status, _headers, page = browser.open("/login")
        assert status == 200
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"', page)
        csrf = next(group for group in token.groups() if group)
        status, headers, _page = browser.open("/login", {"login": values["ADMIN_EMAIL"], "password": password,
                                                          "csrf_token": csrf})
        assert status == 302, "the admin created in step 4 cannot sign in"
        assert "Secure" in (headers.get("Set-Cookie") or ""), "SESSION_COOKIE_SECURE: cookies only over HTTPS"
        status, headers, page = browser.open("/dashboard")
        assert status == 200 and "data-total" in page
        assert "max-age" in (headers.get("Strict-Transport-Security") or ""), "HTTPS seen through the proxy"
    finally:
        gunicorn.terminate()
        gunicorn.wait(timeout=30)

    backups = tmp_path / "backups"
    backups.mkdir()
    for line in unit_settings(blocks["backup-unit"])["ExecStart"]:
        line = line.replace("%%", "%").replace("/var/backups/sasar", str(backups)).replace(f"{home}/", f"{REPO}/")
        done = subprocess.run(shlex.split(line), env={**shell_env, "SASAR_ENV_FILE": str(env_file)},
                              capture_output=True, text=True, timeout=300, check=False)
        assert done.returncode == 0, f"{line}: {done.stdout}{done.stderr}"
    assert [p.suffix for p in backups.iterdir()] == [".dump"] and next(backups.iterdir()).stat().st_size > 1000


def test_a_command_on_an_uninitialised_database_names_it_and_says_to_run_init(tmp_path):
    empty = tmp_path / "nothing-here.sqlite"
    done = subprocess.run([str(REPO / "bin" / "sasar"), "purge-stale"], capture_output=True, text=True, timeout=120,
                          check=False, env={**os.environ, "SASAR_ENV_FILE": str(tmp_path / "none.env"),
                                            "SASAR_VENV": str(VENV), "PYTHONPATH": str(REPO),
                                            "DATABASE_URL": f"sqlite:///{empty}"})
    assert done.returncode == 1
    assert f"sqlite:///{empty}" in done.stderr and "not initialised" in done.stderr and "sasar init" in done.stderr


def test_every_command_is_in_the_readme_table():
    table = README.read_text(encoding="utf-8").split("## Commands", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"^\| `([a-z-]+)", table, re.M))
    assert set(sasar.commands) == documented
