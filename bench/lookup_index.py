"""A synthetic child index of any size, and searches against it whose right answers are known.

Children come in households (brothers and sisters share a family name, a postcode and a
household key; about 2% are twins) with names from the demo's name pools, dates of birth over
the 18 years of childhood, postcodes shared by about 15 homes, and an NHS number for 70%. The
pools hold about 155 family names, far fewer than a real region, so candidate sets are larger
than they would be in production: the latency figures are on the pessimistic side.

Searches are what practitioners type: the child's details with the slips records really have
(nickname, misspelt family name, day and month swapped, moved house, no postcode, no NHS
number), and one search in ten is for a child who is not in the index at all.
"""

import hashlib
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import Engine, insert, select

from jigsaw import migrations
from jigsaw.children.index import key_rows, record_row
from jigsaw.children.models import Child, ChildMatchKey, ChildMatchRecord
from jigsaw.core import clock
from jigsaw.core.db import is_sqlite, make_engine
from jigsaw.demo import names
from jigsaw.matching import PersonRecord
from jigsaw.matching.identifiers import nhs_check_digit
from jigsaw.matching.nicknames import variants_of

TODAY = date(2026, 11, 1)
CHUNK = 20_000
_TWINS = 0.02
_WITH_NHS_NUMBER = 0.7
_NOT_IN_INDEX = 0.1


@dataclass(frozen=True)
class SyntheticIndex:
    """The children of a synthetic index, in id order."""

    ids: list[uuid.UUID]
    records: list[PersonRecord]


@dataclass(frozen=True)
class Search:
    """A search a practitioner makes, and the child it is really for (None: not in the index)."""

    query: PersonRecord
    truth: uuid.UUID | None


def _postcode(rng: random.Random, homes: int) -> str:
    """A well-formed postcode ("EM4 2XY"): districts 1-99, about 15 homes to each postcode."""
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    unit = rng.randrange(0, max(1, homes // 15))
    district = 1 + unit % 99
    sector = unit // 99 % 10
    rest = unit // 990 % 400
    return f"EM{district} {sector}{letters[rest // 20]}{letters[rest % 20]}"


def _nhs_number(rng: random.Random) -> str:
    while True:
        first_nine = f"{rng.randrange(400_000_000, 999_999_999):09d}"
        check = nhs_check_digit(first_nine)
        if check is not None:
            return first_nine + str(check)


def _child(rng: random.Random, pool: names.NamePool, *, family: str, postcode: str,
           household: str, born: date) -> PersonRecord:  # fmt: skip
    sex = rng.choice(("female", "male"))
    return PersonRecord(
        given_names=names.choose_given_names(rng, pool, sex, "child"),
        family_name=family,
        date_of_birth=born,
        sex=sex,
        postcode=postcode,
        nhs_number=_nhs_number(rng) if rng.random() < _WITH_NHS_NUMBER else None,
        household_key=household,
    )


def _households(rng: random.Random, count: int) -> Iterator[PersonRecord]:
    made = 0
    while made < count:
        pool = names.choose_pool(rng)
        family = names.choose_surname(rng, pool)
        postcode = _postcode(rng, count // 2)
        household = uuid.UUID(int=rng.getrandbits(128)).hex
        for _ in range(rng.choice((1, 1, 2, 2, 2, 3, 3, 4))):
            born = TODAY - timedelta(days=rng.randrange(0, 18 * 365))
            yield _child(
                rng, pool, family=family, postcode=postcode, household=household, born=born
            )
            made += 1
            if rng.random() < _TWINS:
                yield _child(
                    rng, pool, family=family, postcode=postcode, household=household, born=born
                )
                made += 1


def generate(count: int, seed: int = 2026) -> SyntheticIndex:
    """A synthetic index of ``count`` children (the same every time for the same seed)."""
    rng = random.Random(seed)
    records = list(_households(rng, count))[:count]
    ids = [uuid.UUID(int=rng.getrandbits(128), version=4) for _ in records]
    return SyntheticIndex(ids=ids, records=records)


def _misspell(rng: random.Random, word: str) -> str:
    if len(word) < 4:  # noqa: PLR2004 - short names are left alone
        return word
    at = rng.randrange(1, len(word) - 1)
    slip = rng.choice(("swap", "drop", "double"))
    if slip == "swap":
        return word[:at] + word[at + 1] + word[at] + word[at + 2 :]
    if slip == "drop":
        return word[:at] + word[at + 1 :]
    return word[:at] + word[at] + word[at:]


def as_typed(rng: random.Random, record: PersonRecord, homes: int) -> PersonRecord:
    """The record as another agency has it: slips, a move, fewer identifiers."""
    given = record.given_names.split()[0]
    nicknames = sorted(variants_of(given) - {given.lower()})
    if nicknames and rng.random() < 0.3:  # noqa: PLR2004
        given = rng.choice(nicknames).title()
    elif rng.random() < 0.15:  # noqa: PLR2004
        given = _misspell(rng, given)
    family = _misspell(rng, record.family_name) if rng.random() < 0.2 else record.family_name  # noqa: PLR2004
    born = record.date_of_birth
    if born is not None and born.day <= 12 and born.day != born.month and rng.random() < 0.1:  # noqa: PLR2004
        swapped = born.replace(day=born.month, month=born.day)
        born = swapped if swapped <= TODAY else born  # nobody records a birth yet to come
    move = rng.random()
    postcode = _postcode(rng, homes) if move < 0.2 else None if move < 0.4 else record.postcode  # noqa: PLR2004
    nhs = record.nhs_number if rng.random() < 0.3 else None  # noqa: PLR2004
    return replace(record, given_names=given, family_name=family, date_of_birth=born,
                   postcode=postcode, nhs_number=nhs, household_key=None)  # fmt: skip


def searches(index: SyntheticIndex, count: int, seed: int = 7) -> list[Search]:
    """``count`` searches: most for a child in the index, as typed; some for a child who is not."""
    rng = random.Random(seed)
    outsiders = iter(generate(count, seed=seed + 1).records)
    found = []
    for _ in range(count):
        if rng.random() < _NOT_IN_INDEX:
            found.append(Search(as_typed(rng, next(outsiders), len(index.ids)), None))
            continue
        at = rng.randrange(len(index.ids))
        found.append(Search(as_typed(rng, index.records[at], len(index.ids)), index.ids[at]))
    return found


def load(engine: Engine, index: SyntheticIndex) -> None:
    """Write the index's children, match records and keys (bulk inserts, or COPY on PostgreSQL)."""
    if not is_sqlite(str(engine.url)):
        _copy_into_postgres(engine, index)
        return
    now = clock.now()
    with engine.begin() as connection:
        for start in range(0, len(index.ids), CHUNK):
            pairs = list(zip(index.ids[start : start + CHUNK], index.records[start : start + CHUNK],
                             strict=True))  # fmt: skip
            connection.execute(insert(Child), [
                {"id": i, "date_of_birth": r.date_of_birth, "date_of_birth_estimated": False,
                 "sex": r.sex, "created_at": now} for i, r in pairs
            ])  # fmt: skip
            connection.execute(insert(ChildMatchRecord), [record_row(i, r) for i, r in pairs])
            connection.execute(insert(ChildMatchKey), [k for i, r in pairs for k in key_rows(i, r)])


def _copy_into_postgres(engine: Engine, index: SyntheticIndex) -> None:
    now = clock.now()
    columns = [c.name for c in ChildMatchRecord.__table__.columns]
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        pairs = list(zip(index.ids, index.records, strict=True))
        with cursor.copy(
            "COPY children (id, date_of_birth, date_of_birth_estimated, sex, created_at) FROM STDIN"
        ) as copy:
            for i, r in pairs:
                copy.write_row((i, r.date_of_birth, False, r.sex, now))
        with cursor.copy(f"COPY child_match_records ({', '.join(columns)}) FROM STDIN") as copy:
            for i, r in pairs:
                row = record_row(i, r)
                copy.write_row(tuple(row[c] for c in columns))
        with cursor.copy("COPY child_match_keys (key, child_id) FROM STDIN") as copy:
            for i, r in pairs:
                for key in key_rows(i, r):
                    copy.write_row((key["key"], key["child_id"]))
        raw.commit()
        cursor.execute("ANALYZE")
        raw.commit()
    finally:
        raw.close()


def keys_version() -> str:
    """A digest of a few records' index rows: a kept index is rebuilt when they change."""
    sample = generate(50, seed=1)
    rows = sorted(str(sorted(row.items())) for i, r in zip(sample.ids, sample.records, strict=True)
                  for row in [*key_rows(i, r), record_row(i, r)])  # fmt: skip
    return hashlib.sha256("\n".join(rows).encode()).hexdigest()[:8]


def count_children(engine: Engine) -> int:
    """How many children a database's index holds."""
    with engine.connect() as connection:
        return len(connection.execute(select(ChildMatchRecord.child_id)).all())


def sqlite_index(folder: Path, index: SyntheticIndex) -> Engine:
    """A migrated SQLite database holding ``index``, built once and kept in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"lookup-{len(index.ids)}-{migrations.head_revision()}-{keys_version()}.db"
    fresh = not path.exists()
    engine = make_engine(f"sqlite:///{path}")
    if fresh:
        migrations.upgrade(engine)
        load(engine, index)
    return engine
