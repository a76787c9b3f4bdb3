import stat

from flask import Flask

from crm import config


def _bare_app(instance_path) -> Flask:
    return Flask("sasar_config_test", instance_path=str(instance_path), instance_relative_config=True)


def test_secret_key_is_generated_once_and_kept_private(tmp_path):
    first = config.load_secret_key(str(tmp_path))
    assert len(first) >= 48
    assert config.load_secret_key(str(tmp_path)) == first
    assert stat.S_IMODE((tmp_path / "secret_key").stat().st_mode) == 0o600
    assert config.load_secret_key(str(tmp_path / "other")) != first


def test_defaults_then_instance_file_then_environment(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    app = _bare_app(tmp_path)
    config.configure(app, None)
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'sasar.sqlite'}"
    assert app.config["SECRET_KEY"] == (tmp_path / "secret_key").read_text()

    (tmp_path / "config.py").write_text("SASAR_BRANCH_CODE = 'BWI'\nDATABASE_URL = 'sqlite:///from-file.db'\n")
    app = _bare_app(tmp_path)
    config.configure(app, None)
    assert app.config["SASAR_BRANCH_CODE"] == "BWI"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "sqlite:///from-file.db"

    monkeypatch.setenv("DATABASE_URL", "postgres://sasar@db.internal/sasar")
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    app = _bare_app(tmp_path)
    config.configure(app, None)
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://sasar@db.internal/sasar"
    assert app.config["SECRET_KEY"] == "from-the-environment"


def test_secure_cookie_flag_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("SESSION_COOKIE_SECURE", "true")
    app = _bare_app(tmp_path)
    config.configure(app, {"SECRET_KEY": "x"})
    assert app.config["SESSION_COOKIE_SECURE"] is True and app.config["REMEMBER_COOKIE_SECURE"] is True


def test_pool_and_dashboard_cache_are_read_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "k")
    app = _bare_app(tmp_path)
    config.configure(app, None)
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"] == {"pool_pre_ping": True}
    assert app.config["SASAR_DASHBOARD_CACHE_SECONDS"] == 0

    monkeypatch.setenv("SASAR_DB_POOL_SIZE", "4")
    monkeypatch.setenv("SASAR_DB_MAX_OVERFLOW", "2")
    monkeypatch.setenv("SASAR_DASHBOARD_CACHE_SECONDS", "60")
    app = _bare_app(tmp_path)
    config.configure(app, None)
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"] == {"pool_pre_ping": True, "pool_size": 4, "max_overflow": 2}
    assert app.config["SASAR_DASHBOARD_CACHE_SECONDS"] == 60
    assert config.Defaults.SQLALCHEMY_ENGINE_OPTIONS == {"pool_pre_ping": True}  # the defaults stay as they were
