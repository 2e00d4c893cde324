import uuid
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.dialects import sqlite
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.pool import QueuePool

from jigsaw.access.vocabulary import AgencyKind
from jigsaw.accounts import Organisation
from jigsaw.core.db import StrEnumValue, UtcDateTime, insert_many, is_sqlite, open_engine
from jigsaw.core.uow import UnitOfWork


def organisation(**overrides: object) -> Organisation:
    values: dict[str, object] = {
        "name": "Eastmoor Police",
        "kind": AgencyKind.POLICE,
        "identifier_scheme": "police_force",
        "identifier": "99",
        "created_at": datetime(2026, 1, 1, 12, tzinfo=UTC),
    }
    values.update(overrides)
    return Organisation(**values)


def test_uuid_keys_are_generated_in_python(uow: UnitOfWork) -> None:
    with uow:
        org = organisation()
        uow.session.add(org)
        uow.flush()
        assert isinstance(org.id, uuid.UUID)
        assert uow.session.scalar(select(Organisation.id)) == org.id


def test_datetimes_round_trip_as_aware_utc(uow: UnitOfWork) -> None:
    plus_two = timezone(timedelta(hours=2))
    with uow:
        org = organisation(created_at=datetime(2026, 6, 1, 14, 30, tzinfo=plus_two))
        uow.session.add(org)
        uow.commit()
    with uow:
        stored = uow.session.scalars(select(Organisation.created_at)).one()
    assert stored == datetime(2026, 6, 1, 12, 30, tzinfo=UTC)
    assert stored.tzinfo is UTC


def test_naive_datetimes_are_refused(uow: UnitOfWork) -> None:
    with uow:
        uow.session.add(organisation(created_at=datetime(2026, 1, 1, 12)))  # noqa: DTZ001
        with pytest.raises(StatementError, match="naive datetime refused"):
            uow.flush()


def test_enums_are_stored_by_value(uow: UnitOfWork) -> None:
    with uow:
        uow.session.add(organisation(kind=AgencyKind.CHILDRENS_SOCIAL_CARE))
        uow.flush()
        raw = uow.session.execute(text("SELECT kind FROM organisations")).scalar_one()
        loaded = uow.session.scalars(select(Organisation.kind)).one()
    assert raw == "childrens_social_care"
    assert loaded is AgencyKind.CHILDRENS_SOCIAL_CARE


def test_unknown_enum_values_are_refused(uow: UnitOfWork) -> None:
    with uow:
        uow.session.add(organisation(kind="not_an_agency"))
        with pytest.raises(StatementError, match="not_an_agency"):
            uow.flush()


def test_sqlite_runs_in_wal_mode_with_foreign_keys(engine: Engine) -> None:
    if not is_sqlite(str(engine.url)):
        pytest.skip("SQLite pragmas; this run is on PostgreSQL")
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_errors_never_carry_the_statement_parameters(uow: UnitOfWork) -> None:
    """A failed write must not put the values written into the error SQLAlchemy raises.

    (PostgreSQL's own DETAIL line may still quote a duplicate key: the log renderer
    withholds exception messages for that reason; see tests/core/test_logging.py.)
    """
    with uow:
        uow.session.add(organisation(identifier="Okafor-2014", name="Ayesha Okafor"))
        uow.session.add(organisation(identifier="Okafor-2014", name="Ayesha Okafor"))
        with pytest.raises(IntegrityError) as raised:
            uow.flush()
    assert "Ayesha Okafor" not in str(raised.value)
    assert "parameters hidden" in str(raised.value)


def test_column_types_pass_missing_values_through() -> None:
    dialect = sqlite.dialect()
    assert UtcDateTime().process_bind_param(None, dialect) is None
    assert UtcDateTime().process_result_value(None, dialect) is None
    enum_type = StrEnumValue(AgencyKind)
    assert enum_type.process_bind_param(None, dialect) is None
    assert enum_type.process_result_value(None, dialect) is None
    assert enum_type.process_bind_param("police", dialect) == "police"
    assert enum_type.python_type is AgencyKind


def test_open_engine_closes_its_connections(tmp_path: Path) -> None:
    with open_engine(f"sqlite:///{tmp_path / 'x.db'}") as engine:
        with engine.connect() as connection:
            assert connection.execute(text("SELECT 1")).scalar() == 1
        pool = engine.pool
        assert isinstance(pool, QueuePool)
        assert pool.checkedin() == 1
    assert pool.checkedin() == 0


def test_insert_many_stores_values_as_the_columns_types_do(uow: UnitOfWork) -> None:
    created = datetime(2026, 3, 1, 9, 30, tzinfo=timezone(timedelta(hours=1)))
    rows = [
        {"id": uuid.uuid4(), "name": f"Practice {n}", "kind": AgencyKind.GP,
         "identifier_scheme": "ods", "identifier": f"Y0{n}", "created_at": created}
        for n in range(3)
    ]  # fmt: skip
    with uow:
        insert_many(uow.session, Organisation.__table__, rows)  # type: ignore[arg-type]
        uow.commit()
    with uow:
        stored = uow.session.scalars(select(Organisation).order_by(Organisation.name)).all()
        assert [(o.id, o.name, o.kind, o.identifier, o.created_at) for o in stored] == [
            (r["id"], r["name"], AgencyKind.GP, r["identifier"], created) for r in rows
        ]
        assert stored[0].created_at.tzinfo is UTC


def test_insert_many_refuses_rows_missing_a_column_a_default_would_fill(uow: UnitOfWork) -> None:
    row = {"name": "Practice", "kind": AgencyKind.GP, "identifier_scheme": "ods",
           "identifier": "Y01", "created_at": datetime(2026, 3, 1, tzinfo=UTC)}  # fmt: skip
    with uow, pytest.raises(ValueError, match="must give exactly the columns"):
        insert_many(uow.session, Organisation.__table__, [row])  # type: ignore[arg-type]
    with uow:
        insert_many(uow.session, Organisation.__table__, [])  # type: ignore[arg-type]
        assert uow.session.scalar(select(Organisation.id)) is None
