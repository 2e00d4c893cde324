"""Where a training space lives: its own directory, database and keys, beside the live ones.

A space called NAME is ``<data dir>/training/NAME/``: its ``space.json`` (the name and, for
PostgreSQL, the database's URL), its SQLite database unless it was given one, its own
secret, signing and encryption keys, and the password every participant signs in with.
"""

import json
import os
from dataclasses import dataclass
from pathlib import Path

from jigsaw.config import Settings

SPACE_FILE = "space.json"
PASSWORD_FILE = "training_password"  # noqa: S105 - a file name, not a secret
# What `jigsaw training serve` clears, so a space never runs on the live deployment's keys.
LIVE_SECRETS = ("JIGSAW_SECRET_KEY", "JIGSAW_ENCRYPTION_KEYS", "JIGSAW_AUDIT_SIGNING_KEY")


@dataclass(frozen=True, slots=True)
class Space:
    """A training space on disk."""

    name: str
    directory: Path
    database_url: str | None = None  # None: SQLite in the directory

    @property
    def password_file(self) -> Path:
        """The file holding the participants' password (synthetic people only)."""
        return self.directory / PASSWORD_FILE


def directory_of(data_dir: Path, name: str) -> Path:
    """The directory of the training space called ``name``."""
    return data_dir / "training" / name


def read_space(data_dir: Path, name: str) -> Space | None:
    """The training space called ``name``, or None if it was never created here."""
    directory = directory_of(data_dir, name)
    try:
        saved = json.loads((directory / SPACE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return Space(name, directory, saved.get("database_url"))


def write_space(space: Space) -> None:
    """Record the space (owner-only: a PostgreSQL URL may carry a password)."""
    path = space.directory / SPACE_FILE
    document = {"name": space.name, "database_url": space.database_url}
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as handle:
        json.dump(document, handle, indent=2)


def space_settings(space: Space, base: Settings) -> Settings:
    """Settings for serving or loading the space: its directory, its database, its own keys.

    No jobs run in a training space: its timeline is the facilitator's, not the clock's, and
    no email leaves it.
    """
    return base.model_copy(
        update={
            "data_dir": space.directory,
            "database_url": space.database_url,
            "jobs_in_process": False,
            "training_space": space.name,
            "secret_key": None,
            "encryption_keys": None,
            "audit_signing_key": None,
        }
    )


def environment_for(space: Space) -> dict[str, str | None]:
    """The environment a server for the space runs with (None: unset)."""
    return {
        "JIGSAW_DATA_DIR": str(space.directory),
        "JIGSAW_DATABASE_URL": space.database_url,
        "JIGSAW_JOBS_IN_PROCESS": "false",
        "JIGSAW_TRAINING_SPACE": space.name,
        **dict.fromkeys(LIVE_SECRETS),
    }
