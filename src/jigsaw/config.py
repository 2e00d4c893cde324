"""Settings, read once from the environment (prefix ``JIGSAW_``) and the data directory."""

import secrets
from datetime import timedelta
from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from jigsaw.core.school_days import (
    SchoolCalendar,
    parse_inset_days,
    parse_school_day_starts,
    parse_term_dates,
)
from jigsaw.core.working_time import OfficeHours, WorkingCalendar, parse_urgencies


class Environment(StrEnum):
    """Where Jigsaw runs: development relaxes nothing about security, only log format."""

    DEVELOPMENT = "development"
    PRODUCTION = "production"


class Settings(BaseSettings):
    """Jigsaw's configuration. Every field is set by ``JIGSAW_<NAME>``."""

    model_config = SettingsConfigDict(env_prefix="JIGSAW_", extra="ignore")

    environment: Environment = Environment.DEVELOPMENT
    data_dir: Path = Field(default=Path("var"), description="Where SQLite and keys live.")
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; defaults to SQLite in the data directory."
    )
    base_url: str = "http://127.0.0.1:8000"
    secret_key: SecretStr | None = Field(
        default=None, description="Signs sessions and forms; generated into the data dir."
    )
    audit_signing_key: SecretStr | None = Field(
        default=None,
        description="Ed25519 private key (PEM) that signs audit checkpoints; generated if unset.",
    )
    encryption_keys: SecretStr | None = Field(
        default=None,
        description="Keys that encrypt narratives at rest, 'id:base64key,...' (first encrypts); "
        "generated into the data dir if unset.",
    )
    session_idle_minutes: int = Field(default=30, ge=1)
    session_absolute_hours: int = Field(default=12, ge=1)
    break_glass_hours: int = Field(default=4, ge=1, le=24)
    jobs_in_process: bool = Field(
        default=True, description="Run periodic jobs in the web server (one-process deployments)."
    )
    sign_in_max_failures: int = Field(default=5, ge=1)
    sign_in_lockout_minutes: int = Field(default=15, ge=1)
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_from: str = "jigsaw@localhost"
    smtp_starttls: bool = True
    office_hours: str = Field(
        default="09:00-17:00", description="The MASH's office hours on working days (London)."
    )
    mash_timescales: str = Field(
        default="red=4h,amber=1d,green=3d",
        description="Each urgency's timescale, in working hours (h) or working days (d).",
    )
    consultation_timescales: str = Field(
        default="red=1h,amber=4h,green=1d",
        description="How soon a consultation is answered, by urgency, in working hours or days.",
    )
    school_terms: str = Field(
        default="",
        description="Term dates, one range per half term ('2025-09-03..2025-10-24, ...'); "
        "empty: every weekday that is not a bank holiday is a school day.",
    )
    school_day_starts: str = Field(
        default="08:30", description="When the school day starts (Operation Encompass's deadline)."
    )
    school_inset_days: str = Field(default="", description="Inset days, as ISO dates.")
    alert_rules_path: Path | None = Field(
        default=None,
        description="A YAML file of alert rules replacing the packaged ones.",
        validation_alias=AliasChoices("JIGSAW_ALERT_RULES", "alert_rules_path"),
    )
    matching_model_path: Path | None = Field(
        default=None,
        description="Matching model file written by `jigsaw matching train`; the packaged "
        "default when unset.",
        validation_alias=AliasChoices("JIGSAW_MATCHING_MODEL", "matching_model_path"),
    )
    training_space: str | None = Field(
        default=None,
        description="Set by `jigsaw training serve`: the training space served. Its pages say "
        "so even if the database cannot be reached at start-up (the database's own mark is "
        "read first).",
    )
    log_level: str = "INFO"
    log_json: bool | None = Field(
        default=None, description="JSON log lines; defaults to on in production."
    )

    @field_validator("office_hours")
    @classmethod
    def _office_hours_read(cls, value: str) -> str:
        OfficeHours.parse(value)
        return value

    @field_validator("mash_timescales", "consultation_timescales")
    @classmethod
    def _timescales_read(cls, value: str) -> str:
        parse_urgencies(value)
        return value

    def working_calendar(self) -> WorkingCalendar:
        """England's working days with this deployment's office hours."""
        return WorkingCalendar(OfficeHours.parse(self.office_hours))

    @field_validator("school_terms")
    @classmethod
    def _terms_read(cls, value: str) -> str:
        parse_term_dates(value)
        return value

    @field_validator("school_day_starts")
    @classmethod
    def _school_day_starts_read(cls, value: str) -> str:
        parse_school_day_starts(value)
        return value

    @field_validator("school_inset_days")
    @classmethod
    def _inset_days_read(cls, value: str) -> str:
        parse_inset_days(value)
        return value

    @field_validator("alert_rules_path")
    @classmethod
    def _alert_rules_exist(cls, value: Path | None) -> Path | None:
        # A typo here would silently keep the packaged rules: refuse it at start-up instead.
        if value is not None and not value.is_file():
            raise ValueError("JIGSAW_ALERT_RULES names no file")
        return value

    def school_calendar(self) -> SchoolCalendar:
        """School days: term dates, when the day starts, inset days; England's bank holidays."""
        return SchoolCalendar(
            parse_term_dates(self.school_terms),
            parse_school_day_starts(self.school_day_starts),
            parse_inset_days(self.school_inset_days),
        )

    @field_validator("base_url")
    @classmethod
    def _strip_trailing_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @property
    def sqlalchemy_url(self) -> str:
        """The database URL, with PostgreSQL URLs pointed at the psycopg 3 driver."""
        if self.database_url is None:
            return f"sqlite:///{(self.data_dir / 'jigsaw.db').resolve()}"
        return normalise_database_url(self.database_url)

    @property
    def break_glass_lasts(self) -> timedelta:
        """How long break-glass access to a child lasts."""
        return timedelta(hours=self.break_glass_hours)

    @property
    def logs_as_json(self) -> bool:
        """Whether log lines are JSON (production) or readable (development)."""
        if self.log_json is None:
            return self.environment is Environment.PRODUCTION
        return self.log_json

    def secret(self, name: str) -> str:
        """Return a secret key: from the environment, else from (or new into) the data dir."""
        configured = getattr(self, name)
        if isinstance(configured, SecretStr):
            return configured.get_secret_value()
        return read_or_create_secret(self.data_dir / name)


def normalise_database_url(url: str) -> str:
    """Point bare ``postgresql://`` URLs at psycopg 3, the driver Jigsaw ships with."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def read_or_create_secret(path: Path, *, nbytes: int = 32) -> str:
    """Read a key file, creating it (owner-only) with ``nbytes`` random bytes if absent."""
    if path.exists():
        return path.read_text(encoding="ascii").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(nbytes)
    # O_EXCL: if two processes race on first run, the loser reads the winner's key.
    try:
        with path.open("x", encoding="ascii") as handle:
            handle.write(key + "\n")
        path.chmod(0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()
    return key


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
