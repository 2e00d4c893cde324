"""Narratives at rest: a dump of the database reveals none; rotating keys keeps all readable."""

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from fastapi import FastAPI
from sqlalchemy import select, text
from typer.testing import CliRunner

from jigsaw import migrations
from jigsaw.access.actor import Actor
from jigsaw.cli.root import app as cli
from jigsaw.config import Settings, get_settings
from jigsaw.core import encryption
from jigsaw.core.db import make_engine, make_session_factory
from jigsaw.core.rotation import rotate
from jigsaw.core.uow import UnitOfWork
from jigsaw.demo import generate_partnership
from jigsaw.demo.loader import load_partnership
from jigsaw.sharing import queries, services
from jigsaw.sharing.models import ConcernAttachment, Subject
from tests.children.helpers import actor
from tests.demo_world import PASSWORD, DemoWorld, load_world
from tests.sharing.helpers import CHILD_WORDS, NARRATIVE, pupil, raise_to_mash, shared

SECRET_WORDS = [NARRATIVE, CHILD_WORDS, "Told the headteacher", "So the MASH can decide"]
PDF = b"%PDF-1.4\n% a body map showing bruising to the left cheek\n%%EOF\n"


@pytest.fixture
def world(uow: UnitOfWork, app: FastAPI) -> DemoWorld:
    return load_world(uow, app)


@pytest.fixture
def keyring_restored() -> Iterator[None]:
    """Put back the test run's keyring after a test that installs its own."""
    before = encryption.active()
    yield
    encryption.install(before)


def test_the_database_holds_no_narrative(uow: UnitOfWork, world: DemoWorld) -> None:
    dsl = actor(uow, world, "dsl-oakfield")
    concern = services.start_concern(uow, dsl, subject=Subject.IDENTIFIED, child_id=pupil(world))
    services.add_attachment(uow, dsl, concern_id=concern.id, filename="Amelia body map.pdf",
                            data=PDF, declared_type="application/pdf")  # fmt: skip
    services.save_draft(uow, dsl, concern_id=concern.id, draft=shared(),
                        recipient_ids=[world.id("org:mash")])  # fmt: skip
    services.send_concern(uow, dsl, concern_id=concern.id)

    with uow:  # every column of every row, as a dump would have them
        dumped = [
            repr(tuple(row))
            for table in ("concerns", "concern_attachments", "guided_decisions", "outbox_emails")
            for row in uow.session.execute(text(f"SELECT * FROM {table}"))  # noqa: S608
        ]
    everything = "\n".join(dumped)
    for words in [*SECRET_WORDS, "Amelia body map", "bruising to the left cheek"]:
        assert words not in everything
    record = queries.open_concern(uow, dsl, concern_id=concern.id)
    assert record.draft.narrative == NARRATIVE
    assert record.attachments[0].filename == "Amelia body map.pdf"


@pytest.mark.usefixtures("keyring_restored")
def test_rotating_keys_keeps_every_concern_readable(uow: UnitOfWork, world: DemoWorld) -> None:
    dsl = actor(uow, world, "dsl-oakfield")
    concerns = [raise_to_mash(uow, world, dsl, child_id=child_id, draft=shared())
                for child_id in world.children_at("school-1")[:3]]  # fmt: skip
    old = encryption.active()
    new = old.with_new_primary()

    report = rotate(uow, new, batch_size=2)
    encryption.install(new.without(report.unused_key_ids))

    assert old.primary_id in report.unused_key_ids
    for concern in concerns:
        record = queries.open_concern(uow, dsl, concern_id=concern.id)
        assert record.draft.narrative == NARRATIVE
        assert record.draft.child_words == CHILD_WORDS
        assert encryption.key_id_of(record.concern.narrative_sealed or "") == new.primary_id


@pytest.mark.usefixtures("keyring_restored")
def test_jigsaw_keys_rotate_on_a_database_file_leaves_no_narrative_in_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """End to end on the embedded default: a real SQLite file, the real command."""
    monkeypatch.setenv("JIGSAW_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("JIGSAW_DATABASE_URL", raising=False)
    monkeypatch.delenv("JIGSAW_ENCRYPTION_KEYS", raising=False)  # keys from the data directory
    settings = Settings(data_dir=tmp_path)
    engine = make_engine(settings.sqlalchemy_url)
    migrations.upgrade(engine)
    uow = UnitOfWork(make_session_factory(engine))
    partnership = generate_partnership(seed=5, children=30, today=date.today())  # noqa: DTZ011
    load_partnership(uow, Actor.system("test:at-rest"), partnership=partnership,
                     password=PASSWORD, secret_key=settings.secret("secret_key"))  # fmt: skip
    encryption.install(encryption.keyring_from_settings(settings))
    world = DemoWorld(partnership, {})
    dsl = actor(uow, world, "dsl-oakfield")
    concern = raise_to_mash(uow, world, dsl, child_id=pupil(world), draft=shared())
    services_file = tmp_path / "jigsaw.db"

    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(cli, ["keys", "rotate"])
    finally:
        get_settings.cache_clear()

    assert result.exit_code == 0, result.output
    engine.dispose()
    wal = Path(f"{services_file}-wal")
    raw = services_file.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
    for words in SECRET_WORDS:
        assert words.encode() not in raw
    rotated = encryption.keyring_from_settings(settings)
    encryption.install(rotated)
    record = queries.open_concern(uow, dsl, concern_id=concern.id)
    assert record.draft.narrative == NARRATIVE
    assert len(rotated.ids) == 1  # the old key left the key file once nothing used it
    with uow:
        assert uow.session.scalars(select(ConcernAttachment)).all() == []
