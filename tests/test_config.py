import stat
from pathlib import Path

import pytest

from jigsaw.config import Environment, Settings, normalise_database_url


def test_defaults_to_sqlite_in_the_data_dir(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    assert settings.sqlalchemy_url == f"sqlite:///{tmp_path.resolve() / 'jigsaw.db'}"
    assert settings.environment is Environment.DEVELOPMENT


def test_reads_jigsaw_prefixed_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JIGSAW_ENVIRONMENT", "production")
    monkeypatch.setenv("JIGSAW_BASE_URL", "https://jigsaw.example.org/")
    monkeypatch.setenv("JIGSAW_SMTP_HOST", "smtp.example.org")
    monkeypatch.setenv("JIGSAW_DATABASE_URL", "postgresql://u@db/jigsaw")
    settings = Settings()
    assert settings.environment is Environment.PRODUCTION
    assert settings.base_url == "https://jigsaw.example.org"
    assert settings.smtp_host == "smtp.example.org"
    assert settings.sqlalchemy_url == "postgresql+psycopg://u@db/jigsaw"


def test_json_logs_by_default_only_in_production(tmp_path: Path) -> None:
    assert not Settings(data_dir=tmp_path).logs_as_json
    assert Settings(data_dir=tmp_path, environment=Environment.PRODUCTION).logs_as_json
    assert Settings(data_dir=tmp_path, log_json=True).logs_as_json


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgresql://u@h/d", "postgresql+psycopg://u@h/d"),
        ("postgres://u@h/d", "postgresql+psycopg://u@h/d"),
        ("postgresql+psycopg://u@h/d", "postgresql+psycopg://u@h/d"),
        ("sqlite:///x.db", "sqlite:///x.db"),
    ],
)
def test_postgres_urls_use_psycopg3(given: str, expected: str) -> None:
    assert normalise_database_url(given) == expected


def test_secret_keys_are_generated_once_into_the_data_dir(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "var")
    first = settings.secret("secret_key")
    assert len(first) >= 40
    assert settings.secret("secret_key") == first
    key_file = tmp_path / "var" / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert settings.secret("audit_signing_key") != first


def test_a_configured_secret_wins_over_the_data_dir(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, secret_key="from-the-environment")
    assert settings.secret("secret_key") == "from-the-environment"
    assert not (tmp_path / "secret_key").exists()
